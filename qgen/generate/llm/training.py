"""Supervised fine-tuning of a causal LLM on qgen's optimisation dataset (Agent-Q style, Jern et al. 2025).

The chat template of the model formats each training row (system, user prompt, assistant = the bound
OpenQASM 3 circuit in its compact form); the loss is on the completion only (prompt tokens are labelled -100).
With ``pack`` the examples are packed whole into sequences of ``max_length`` tokens (no padding waste: the
CPU recipe's main saving after the compact form). Full fine-tuning
or LoRA (peft), transformers' ``Trainer`` (so ``accelerate launch`` runs it on several GPUs), bf16 on GPUs
that support it, a checkpoint every ``save_steps`` steps and resume from the last one. Only the ``train``
split is read; the ``test`` split (held-out instances) is never trained on.

>>> from qgen.generate.llm.training import LLMTrainConfig, train_llm                       # doctest: +SKIP
>>> train_llm(LLMTrainConfig(base="smollm2-135m", data="data/opt", out="runs/llm"))  # doctest: +SKIP
"""

from __future__ import annotations

import dataclasses
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from qgen.files import atomic_dir
from qgen.generate.errors import LLMError
from qgen.generate.io import versions, write_json
from qgen.generate.llm.data import encode_example, ensure_chat_template
from qgen.generate.llm.models import resolve_base
from qgen.generate.trainer_progress import progress_callback
from qgen.optional import require
from qgen.progress import Progress, report
from qgen.sim.device import configure_threads, resolve_device

MODEL_SUBDIR = "model"
TRAIN_JSON = "train.json"


@dataclass
class LLMTrainConfig:
    """SFT settings (saved as ``train.json`` beside the model).

    Attributes:
        base: base model name (``smollm2-135m``), local folder or Hugging Face id.
        data: optimisation dataset folder (``qgen dataset build optimization``).
        out: output folder: ``checkpoints/``, ``model/`` (the fine-tuned model), ``train.json``.
        lora: LoRA adapters (peft) instead of full fine-tuning; merged into the saved model.
        lora_r, lora_alpha, lora_dropout: LoRA rank, scale and dropout (peft's usual 16 / 32 / 0.05).
        epochs: passes over the training split (the paper: 15 for a 3B model).
        max_steps: stop after this many optimiser steps (-1: run the epochs).
        lr: AdamW peak learning rate (cosine decay, 3% warm-up); 5e-5 full, 2e-4 typical for LoRA.
        batch_size, grad_accum: per-device batch and gradient accumulation.
        max_length: tokens per example (longer rows are cut; their prompt part is never lost first).
        limit: use only the first ``limit`` training rows (None: all), after the filters below.
        methods: train on rows of these methods only (empty: all), e.g. ``("qaoa", "vqe")``.
        max_qubits: train on rows with at most this many qubits (None: all).
        form: ``compact`` (the dataset's ``messages``: short prompt, ``qasm3_compact``) or ``flat`` (the
            worded ``prompt`` and the flat ``qasm3``, the paper's form).
        pack: pack whole examples into sequences of ``max_length`` tokens (instead of padded batches).
        threads: torch CPU threads (None: the free cores, ``qgen.sim.device.configure_threads``).
        save_steps: checkpoint interval in optimiser steps.
        seed: seed of weights init (LoRA), shuffling and dropout.
        device: ``cpu``, ``cuda`` or ``auto``.
        resume: continue from the last checkpoint in ``out/checkpoints``.
    """

    base: str = "smollm2-135m"
    data: str = "data/opt"
    out: str = "runs/llm"
    lora: bool = False
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.05
    epochs: float = 3.0
    max_steps: int = -1
    lr: float = 5e-5
    batch_size: int = 8
    grad_accum: int = 1
    max_length: int = 2048
    limit: int | None = None
    methods: tuple[str, ...] = ()
    max_qubits: int | None = None
    pack: bool = False
    form: str = "compact"
    threads: int | None = None
    save_steps: int = 200
    seed: int = 0
    device: str = "auto"
    resume: bool = True


def _train_rows(cfg: LLMTrainConfig):
    from qgen.datasets import load_dataset

    if not Path(cfg.data).is_dir():
        raise LLMError(
            f"dataset folder not found: {cfg.data} (build one with `qgen dataset build optimization`)"
        )
    ds = load_dataset(cfg.data)
    if "train" not in ds:
        raise LLMError(f"{cfg.data} has no train split (splits: {', '.join(ds)})")
    rows = ds["train"]
    if "messages" not in rows.column_names:
        raise LLMError(f"{cfg.data} is not an optimisation dataset: its rows have no `messages` field")
    if cfg.methods or cfg.max_qubits is not None:
        methods, top = set(cfg.methods), cfg.max_qubits
        keep = [
            i
            for i, (m, n) in enumerate(zip(rows["method"], rows["num_qubits"], strict=True))
            if (not methods or m in methods) and (top is None or n <= top)
        ]
        rows = rows.select(keep)
    if cfg.limit is not None:
        rows = rows.select(range(min(cfg.limit, len(rows))))
    if len(rows) == 0:
        raise LLMError(f"{cfg.data}: no training rows left (train split, --methods, --max-qubits)")
    return rows


def pack_examples(examples: list[dict[str, list[int]]], length: int) -> list[dict[str, list[int]]]:
    """Whole examples packed in order into sequences of at most ``length`` tokens (an example longer than
    ``length`` is already cut to it by :func:`encode_example`)."""
    packed: list[dict[str, list[int]]] = []
    ids: list[int] = []
    labels: list[int] = []
    for e in examples:
        if ids and len(ids) + len(e["input_ids"]) > length:
            packed.append({"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels})
            ids, labels = [], []
        ids = ids + e["input_ids"]
        labels = labels + e["labels"]
    if ids:
        packed.append({"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels})
    return packed


def _check(cfg: LLMTrainConfig) -> None:
    if cfg.epochs <= 0 and cfg.max_steps <= 0:
        raise LLMError("need --epochs > 0 or --max-steps > 0")
    if cfg.batch_size < 1 or cfg.grad_accum < 1:
        raise LLMError("--batch-size and --grad-accum must be at least 1")
    if cfg.form not in ("compact", "flat"):
        raise LLMError(f"--form must be compact or flat, got {cfg.form!r}")
    if cfg.lr <= 0:
        raise LLMError(f"--lr must be positive, got {cfg.lr}")


def train_llm(cfg: LLMTrainConfig, progress: Progress | None = None) -> dict:
    """Fine-tune ``cfg.base`` on the train split of ``cfg.data``; write the model to ``cfg.out/model``.

    Args:
        cfg: the settings (:class:`LLMTrainConfig`).
        progress: receives task ``training`` (steps; ``loss`` and ``tokens_per_s``) (None: silent).

    Returns:
        The ``train.json`` record: config, rows, tokens, steps, final loss, seconds, tokens/s, versions.

    Raises:
        LLMError / BaseModelMissingError: bad settings, a missing dataset or base model.
    """
    import torch

    Dataset = require("datasets", extra="data", purpose="LLM fine-tuning").Dataset
    require("transformers", extra="generate", purpose="LLM fine-tuning")
    require("accelerate", extra="generate", purpose="LLM fine-tuning (transformers' Trainer)")
    from transformers import (
        AutoModelForCausalLM,
        AutoTokenizer,
        DataCollatorForSeq2Seq,
        Trainer,
        TrainingArguments,
        set_seed,
    )

    _check(cfg)
    rows = _train_rows(cfg)
    device = str(resolve_device(cfg.device))
    threads = configure_threads(cfg.threads) if device == "cpu" else None
    src = resolve_base(cfg.base)
    set_seed(cfg.seed)
    tok = AutoTokenizer.from_pretrained(src)
    ensure_chat_template(tok)
    if cfg.form == "flat":
        from qgen.datasets.prompts import messages as chat

        convs = [chat(p, q) for p, q in zip(rows["prompt"], rows["qasm3"], strict=True)]
    else:
        convs = rows["messages"]
    examples = [encode_example(tok, m, cfg.max_length) for m in convs]
    tokens = sum(len(e["input_ids"]) for e in examples)
    sequences = pack_examples(examples, cfg.max_length) if cfg.pack else examples
    train_set = Dataset.from_list(sequences)
    bf16 = device.startswith("cuda") and torch.cuda.is_available() and torch.cuda.is_bf16_supported()
    model = AutoModelForCausalLM.from_pretrained(src, dtype=torch.float32)
    if cfg.lora:
        peft = require("peft", extra="generate", purpose="LoRA fine-tuning")
        LoraConfig, get_peft_model = peft.LoraConfig, peft.get_peft_model

        model = get_peft_model(
            model,
            LoraConfig(
                r=cfg.lora_r,
                lora_alpha=cfg.lora_alpha,
                lora_dropout=cfg.lora_dropout,
                task_type="CAUSAL_LM",
                target_modules="all-linear",
            ),
        )
    out = Path(cfg.out)
    ckpt = out / "checkpoints"
    args = TrainingArguments(
        output_dir=str(ckpt),
        per_device_train_batch_size=cfg.batch_size,
        gradient_accumulation_steps=cfg.grad_accum,
        learning_rate=cfg.lr,
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        lr_scheduler_type="cosine",
        warmup_steps=0.03,
        weight_decay=0.0,
        logging_steps=10,
        save_steps=cfg.save_steps,
        save_total_limit=2,
        report_to=[],
        seed=cfg.seed,
        data_seed=cfg.seed,
        bf16=bf16,
        use_cpu=device == "cpu",
        dataloader_num_workers=0,
        remove_unused_columns=False,
        disable_tqdm=True,
    )
    collator = DataCollatorForSeq2Seq(tok, padding=True, label_pad_token_id=-100, pad_to_multiple_of=8)
    per_step = cfg.batch_size * cfg.grad_accum * tokens / max(len(sequences), 1)
    trainer = Trainer(
        model=model,
        args=args,
        train_dataset=train_set,
        data_collator=collator,
        callbacks=[progress_callback(report(progress), per_step)],
    )
    last = _last_checkpoint(ckpt) if cfg.resume else None
    if not cfg.resume and ckpt.exists():
        shutil.rmtree(ckpt)
    start = time.perf_counter()
    result = trainer.train(resume_from_checkpoint=str(last) if last else None)
    seconds = time.perf_counter() - start
    final = trainer.model.merge_and_unload() if cfg.lora else trainer.model
    _save_model(final, tok, out / MODEL_SUBDIR)
    steps_done = trainer.state.global_step
    epochs_done = float(trainer.state.epoch or 0.0)
    record = {
        "config": dataclasses.asdict(cfg),
        "base_source": src,
        "device": device,
        "bf16": bf16,
        "train_rows": len(rows),
        "train_tokens": tokens,
        "sequences": len(sequences),
        "threads": threads,
        "supervised_tokens": sum(sum(1 for t in e["labels"] if t != -100) for e in examples),
        "steps": steps_done,
        "epochs": epochs_done,
        "resumed_from": str(last) if last else None,
        "train_loss": float(result.training_loss),
        "seconds": seconds,
        "tokens_per_second": tokens * epochs_done / seconds if seconds > 0 and not last else None,
        "trainable_parameters": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "versions": versions(),
    }
    write_json(out / TRAIN_JSON, record)
    return record


def _last_checkpoint(folder: Path) -> Path | None:
    from transformers.trainer_utils import get_last_checkpoint

    return (
        Path(get_last_checkpoint(str(folder)))
        if folder.is_dir() and get_last_checkpoint(str(folder))
        else None
    )


def _save_model(model, tokenizer, target: Path) -> None:
    """Save model + tokenizer into ``target`` through a staging folder and a rename."""
    with atomic_dir(target) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
