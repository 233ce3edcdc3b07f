"""Train the KetGPT generator: :func:`train_ketgpt` (the CLI: ``qgen train ketgpt --data DIR --out DIR``).

Trains a GPT-2 language model from scratch on the real circuits of a corpus (the ``train`` split when the
corpus has one) with ``transformers.Trainer``: AdamW, cosine schedule with 5% warm-up, checkpoints every
epoch (and every ``save_steps`` steps), resume from the last checkpoint in ``OUT/checkpoints``, bf16 on GPUs
that have it, any number of GPUs under ``accelerate launch`` / ``torchrun``. Defaults follow KetGPT (5
epochs, batch 4, context 1,024; Apak et al. 2024). Circuits longer than the context are dropped, as
KetGPT dropped files of 1,024 lines or more.

The model folder holds the weights and config (``save_pretrained``), the tokenizer (``AutoTokenizer``
loads it), ``ketgpt.json`` (resolved settings, seed, versions, corpus summary, losses, the qubit-count
distribution used for sampling) and ``train_circuits.txt`` (the training circuits as word sequences, for
the novelty check). ``ketgpt.json`` is written last: a folder without it is unfinished.

>>> import tempfile
>>> ghz = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[{0}]; h q[0];{1}'
>>> ladders = {n: "".join(f"cx q[{k}],q[{k + 1}];" for k in range(n - 1)) for n in range(2, 6)}
>>> rows = [{"qasm2": ghz.format(n, cx)} for n, cx in ladders.items()]
>>> summary = train_ketgpt(rows, tempfile.mkdtemp(), config="tiny", max_steps=2)
>>> summary["train_circuits"], summary["steps"]
(4, 2)
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections import Counter
from dataclasses import dataclass, fields, replace
from pathlib import Path

from qgen._version import __version__
from qgen.files import atomic_dir, atomic_write_text
from qgen.generate.errors import CorpusError, GenerateError
from qgen.generate.ketgpt.config import CONFIGS, MODEL_JSON, ModelConfig, config_dict, quiet_transformers
from qgen.generate.ketgpt.corpus import Corpus, load_corpus
from qgen.generate.ketgpt.tokenizer import build_tokenizer, encode_words, save_tokenizer
from qgen.generate.trainer_progress import progress_callback
from qgen.optional import require
from qgen.progress import Progress, report
from qgen.sim.device import resolve_device

TRAIN_CIRCUITS = "train_circuits.txt"


class _ListDataset:
    """A list of token-id sequences as a torch-style dataset of ``{"input_ids": [...]}``."""

    def __init__(self, sequences: list[list[int]]) -> None:
        self.sequences = sequences

    def __len__(self) -> int:
        return len(self.sequences)

    def __getitem__(self, i: int) -> dict:
        return {"input_ids": self.sequences[i]}


def _versions() -> dict:
    import tokenizers
    import torch
    import transformers

    return {
        "qgen": __version__,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "tokenizers": tokenizers.__version__,
        "python": platform.python_version(),
    }


def _training_args(out: Path, **kw):
    """``TrainingArguments`` across transformers 4.46+ and 5 (length grouping changed its name)."""
    from transformers import TrainingArguments

    names = {f.name for f in fields(TrainingArguments)}
    if "train_sampling_strategy" in names:
        kw["train_sampling_strategy"] = "group_by_length"
    else:  # pragma: no cover - transformers 4.x
        kw["group_by_length"] = True
    return TrainingArguments(output_dir=str(out), **kw)


def train_ketgpt(
    data,
    out: str | os.PathLike,
    *,
    config: str = "ketgpt",
    n_layer: int | None = None,
    n_head: int | None = None,
    n_embd: int | None = None,
    context: int | None = None,
    column: str | None = None,
    max_qubits: int = 32,
    epochs: float = 5,
    max_steps: int = -1,
    batch_size: int = 4,
    learning_rate: float = 5e-4,
    weight_decay: float = 0.01,
    save_steps: int | None = None,
    resume: bool = True,
    seed: int = 0,
    device: str = "auto",
    bf16: str | bool = "auto",
    progress: Progress | None = None,
) -> dict:
    """Train a KetGPT model from scratch on a circuit corpus; write the model folder ``out``.

    Args:
        data: a corpus (path, ``datasets.Dataset`` or rows; see
            :func:`qgen.generate.ketgpt.corpus.load_corpus`).
        out: model folder (created); checkpoints go to ``out/checkpoints``.
        config: model shape from :data:`qgen.generate.ketgpt.config.CONFIGS` (``ketgpt``: 3 layers, 4 heads,
            768).
        n_layer, n_head, n_embd, context: override single fields of the shape.
        column: QASM column of the corpus (default: auto-detected).
        max_qubits: tokenizer width; wider circuits are skipped.
        epochs: passes over the training circuits (KetGPT: 5).
        max_steps: stop after this many optimiser steps (-1: run all epochs).
        batch_size: circuits per step and device (KetGPT: 4).
        learning_rate: AdamW peak learning rate (cosine decay, 5% warm-up).
        weight_decay: AdamW weight decay.
        save_steps: also checkpoint every this many steps (default: each epoch only).
        resume: continue from the last checkpoint in ``out/checkpoints`` when there is one.
        seed: seed of the initialisation, the data order and dropout.
        device: ``auto`` (CUDA when present), ``cpu`` or ``cuda`` (:func:`qgen.sim.device.resolve_device`).
        bf16: ``auto`` (on GPUs with bf16), ``True`` or ``False``.
        progress: receives task ``training`` (steps; ``loss`` and ``tokens_per_s``) (None: silent).

    Returns:
        The summary written to ``ketgpt.json`` (settings, corpus counts, losses, seconds, versions).

    Raises:
        CorpusError: the corpus is unusable or no circuit fits the context.
        GenerateError: bad settings.
    """
    import torch

    require("transformers", extra="generate", purpose="KetGPT training")
    require("accelerate", extra="generate", purpose="KetGPT training (transformers' Trainer)")
    from transformers import DataCollatorForLanguageModeling, GPT2LMHeadModel, Trainer, set_seed
    from transformers.trainer_callback import PrinterCallback
    from transformers.trainer_utils import get_last_checkpoint

    shape: ModelConfig = CONFIGS[config]
    overrides = {"n_layer": n_layer, "n_head": n_head, "n_embd": n_embd, "n_positions": context}
    shape = replace(shape, **{k: v for k, v in overrides.items() if v is not None})
    if epochs <= 0 and max_steps <= 0:
        raise GenerateError("give a positive number of epochs or max_steps")
    if batch_size < 1:
        raise GenerateError(f"batch_size must be positive, got {batch_size}")
    out = Path(out)
    data_ = _prepare(data, column, max_qubits, shape.n_positions)
    use_cuda = resolve_device(device).type == "cuda"
    if use_cuda and not torch.cuda.is_available():
        raise GenerateError(f"device {device!r} asked for, but torch sees no CUDA device; use --device cpu")
    use_bf16 = (use_cuda and torch.cuda.is_bf16_supported()) if bf16 == "auto" else bool(bf16)
    settings = {
        "epochs": epochs,
        "max_steps": max_steps,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "weight_decay": weight_decay,
        "max_qubits": max_qubits,
        "column": column,
        "seed": seed,
        "bf16": use_bf16,
        "device": "cuda" if use_cuda else "cpu",
    }
    set_seed(seed)
    model = GPT2LMHeadModel(shape.gpt2_config(data_.tokenizer))
    ckpt_dir = out / "checkpoints"
    steps_per_epoch = max(1, -(-len(data_.train_ids) // batch_size))
    total = max_steps if max_steps > 0 else int(round(epochs * steps_per_epoch))
    args = _training_args(
        ckpt_dir,
        num_train_epochs=float(epochs) if epochs > 0 else 1.0,
        max_steps=max_steps,
        per_device_train_batch_size=batch_size,
        per_device_eval_batch_size=batch_size,
        learning_rate=learning_rate,
        weight_decay=weight_decay,
        lr_scheduler_type="cosine",
        warmup_steps=max(1, int(0.05 * total)),
        logging_steps=max(1, min(50, total // 20)),
        logging_strategy="steps",
        save_strategy="steps" if save_steps else "epoch",
        save_steps=save_steps or 500,
        save_total_limit=2,
        eval_strategy="no",
        seed=seed,
        data_seed=seed,
        bf16=use_bf16,
        use_cpu=not use_cuda,
        report_to=[],
        disable_tqdm=True,
        dataloader_num_workers=0,
        remove_unused_columns=False,
    )
    with quiet_transformers():
        trainer = Trainer(
            model=model,
            args=args,
            train_dataset=_ListDataset(data_.train_ids),
            data_collator=DataCollatorForLanguageModeling(data_.tokenizer, mlm=False),
            processing_class=data_.tokenizer,
            callbacks=[progress_callback(report(progress), _tokens_per_step(data_.train_ids, batch_size))],
        )
        trainer.remove_callback(PrinterCallback)
        last = get_last_checkpoint(str(ckpt_dir)) if resume and ckpt_dir.is_dir() else None
        t0 = time.perf_counter()
        result = trainer.train(resume_from_checkpoint=last)
        seconds = time.perf_counter() - t0
        eval_loss = None
        if data_.eval_ids:
            eval_loss = float(trainer.evaluate(_ListDataset(data_.eval_ids))["eval_loss"])
    history = [
        {"step": h["step"], "epoch": round(h.get("epoch", 0.0), 4), "loss": h["loss"]}
        for h in trainer.state.log_history
        if "loss" in h
    ]
    qubits = Counter(it.circuit.num_qubits for it in data_.fits)
    lengths = [len(ids) for ids in data_.train_ids]
    summary = {
        "model": "ketgpt",
        "config": config,
        "shape": config_dict(shape),
        "parameters": sum(p.numel() for p in model.parameters()),
        "settings": {**settings, "resumed_from": last},
        "data": {
            **data_.corpus.summary(),
            "train_circuits": len(data_.train_ids),
            "dropped_longer_than_context": data_.dropped,
            "heldout_circuits": len(data_.eval_ids),
            "train_tokens": sum(lengths),
            "median_tokens": sorted(lengths)[len(lengths) // 2],
        },
        "train_qubits": {str(k): v / len(data_.fits) for k, v in sorted(qubits.items())},
        "train_loss": float(result.training_loss),
        "heldout_loss": eval_loss,
        "steps": int(trainer.state.global_step),
        "seconds": round(seconds, 2),
        "history": history,
        "versions": _versions(),
        "train_circuits": len(data_.train_ids),
    }
    _write_model_folder(out, trainer.model, data_, summary)
    return summary


def _tokens_per_step(train_ids: list[list[int]], batch_size: int) -> float:
    """Mean tokens in one optimiser step (for the tokens/s figure)."""
    return batch_size * sum(len(ids) for ids in train_ids) / max(len(train_ids), 1)


@dataclass
class _TrainData:
    corpus: Corpus
    tokenizer: object
    fits: list  # training CorpusItems that fit the context
    train_ids: list[list[int]]
    eval_ids: list[list[int]]
    dropped: int


def _prepare(data, column: str | None, max_qubits: int, context: int) -> _TrainData:
    """Load the corpus, pick the training (and held-out) circuits that fit the context, tokenise them."""
    corpus = load_corpus(data, column=column, max_qubits=max_qubits)
    items = corpus.split("train")
    heldout = corpus.split("test") if any(it.split for it in corpus.real) else []
    tokenizer = build_tokenizer(max_qubits)
    fits = [it for it in items if len(it.circuit.words()) + 2 <= context]
    if not fits:
        raise CorpusError(f"no training circuit fits the context of {context} tokens")
    train_ids = [encode_words(tokenizer, it.circuit.words()) for it in fits]
    eval_ids = [
        encode_words(tokenizer, it.circuit.words())
        for it in heldout
        if len(it.circuit.words()) + 2 <= context
    ]
    return _TrainData(corpus, tokenizer, fits, train_ids, eval_ids, len(items) - len(fits))


def _write_model_folder(out: Path, model, data_: _TrainData, summary: dict) -> None:
    """Weights, tokenizer and training circuits via a staging folder, then ``ketgpt.json`` last."""
    out.mkdir(parents=True, exist_ok=True)
    with atomic_dir(out / ".staging") as staging:
        with quiet_transformers():
            model.save_pretrained(str(staging))
        save_tokenizer(data_.tokenizer, staging)
        text = "".join(" ".join(it.circuit.words()) + "\n" for it in data_.fits)
        (staging / TRAIN_CIRCUITS).write_text(text, encoding="utf-8")
        for f in staging.iterdir():
            os.replace(f, out / f.name)  # each file lands whole; ketgpt.json (written last) marks completion
    (out / ".staging").rmdir()
    atomic_write_text(out / MODEL_JSON, json.dumps(summary, indent=2))
