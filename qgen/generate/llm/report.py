"""``evaluate_llm``: generate for the held-out split and score against the stored circuits and random
parameters; the fine-tuned model (constrained and free decoding) beside the base model few-shot.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from qgen.generate.errors import LLMError
from qgen.generate.io import versions, write_json
from qgen.generate.llm.data import ensure_chat_template, prompt_messages
from qgen.generate.llm.generation import GenerationSettings, generate_programs
from qgen.generate.llm.models import load_model
from qgen.generate.llm.scoring import PAPER_3B, random_baseline, score_row, summarise
from qgen.progress import Progress


@dataclass
class EvalConfig:
    """What ``evaluate_llm`` runs.

    Attributes:
        model: fine-tuned model folder.
        data: optimisation dataset folder.
        split: the held-out split (``test``).
        limit: evaluate the first ``limit`` rows of the split (None: all).
        constrained, unconstrained: decoding variants of the fine-tuned model to run.
        base: base model for the few-shot baseline (None: skip it).
        few_shot: example exchanges (shortest training rows) shown to the base model.
        random_draws: random parameter vectors per row for the random baseline.
        max_new_tokens: cap of the per-row budget (1.3 x the reference answer's tokens + 32).
        batch_size: prompts per generate call.
        methods, max_qubits: evaluate rows of these methods / with at most this many qubits only (the
            training filters).
        seed: seed of decoding and of the random baseline.
        device: ``cpu``, ``cuda`` or ``auto``.
    """

    model: str
    data: str
    split: str = "test"
    limit: int | None = None
    constrained: bool = True
    unconstrained: bool = True
    base: str | None = None
    few_shot: int = 2
    random_draws: int = 4
    max_new_tokens: int = 4096
    batch_size: int = 8
    methods: tuple[str, ...] = ()
    max_qubits: int | None = None
    seed: int = 0
    device: str = "auto"


def _rows(cfg: EvalConfig) -> list[dict]:
    from qgen.datasets import load_dataset

    if not Path(cfg.data).is_dir():
        raise LLMError(f"dataset folder not found: {cfg.data}")
    ds = load_dataset(cfg.data)
    if cfg.split not in ds:
        raise LLMError(f"{cfg.data} has no split {cfg.split!r} (splits: {', '.join(ds)})")
    rows = ds[cfg.split]
    keep = [
        i
        for i, (m, q) in enumerate(zip(rows["method"], rows["num_qubits"], strict=True))
        if (not cfg.methods or m in cfg.methods) and (cfg.max_qubits is None or q <= cfg.max_qubits)
    ]
    keep = keep if cfg.limit is None else keep[: cfg.limit]
    if not keep:
        raise LLMError(f"{cfg.data}: split {cfg.split!r} has no rows (after the method / qubit filters)")
    return [rows[i] for i in keep]


def _shots(cfg: EvalConfig, k: int) -> list[list[Mapping[str, str]]]:
    from qgen.datasets import load_dataset

    if k <= 0:
        return []
    train = load_dataset(cfg.data)["train"]
    order = sorted(range(len(train)), key=lambda i: len(train[i]["messages"][-1]["content"]))[:k]
    return [train[i]["messages"] for i in order]


def _run_variant(
    model, tok, rows: Sequence[Mapping], settings: GenerationSettings, shots, progress: Progress | None = None
) -> dict:
    convs = [prompt_messages(r["messages"], shots) for r in rows]
    ref = [len(tok(r["messages"][-1]["content"], add_special_tokens=False)["input_ids"]) for r in rows]
    budgets = [min(settings.max_new_tokens, int(1.3 * n) + 32) for n in ref]
    gen = generate_programs(
        model, tok, convs, [int(r["num_qubits"]) for r in rows], settings, budgets, progress
    )
    start = time.perf_counter()
    scores = [score_row(p, r) for p, r in zip(gen.programs, rows, strict=True)]
    sim_seconds = time.perf_counter() - start
    return {
        "scores": scores,
        "programs": gen.programs,
        "generation_seconds": gen.seconds,
        "new_tokens": sum(gen.new_tokens),
        "scoring_seconds": sim_seconds,
    }


def evaluate_llm(
    cfg: EvalConfig, out: str | os.PathLike | None = None, progress: Progress | None = None
) -> dict:
    """Evaluate ``cfg.model`` on the held-out split; optionally write the report JSON to ``out``.

    ``progress`` receives task ``generating`` once per decoding variant (None: silent).

    Returns:
        ``{"config", "rows", "variants": {name: metrics}, "random": metrics, "paper_3b", "versions"}``;
        metrics as in :func:`qgen.generate.llm.scoring.summarise`, plus timings.

    Raises:
        LLMError / BaseModelMissingError: missing dataset, split or model.
    """
    rows = _rows(cfg)
    random = [random_baseline(r, cfg.random_draws, cfg.seed) for r in rows]
    variants: dict[str, dict] = {}
    runs = []
    if cfg.constrained:
        runs.append(("fine-tuned, constrained", cfg.model, True, 0))
    if cfg.unconstrained:
        runs.append(("fine-tuned, unconstrained", cfg.model, False, 0))
    if cfg.base:
        runs.append((f"base {cfg.few_shot}-shot", cfg.base, False, cfg.few_shot))
    if not runs:
        raise LLMError("nothing to evaluate: enable constrained or unconstrained decoding, or give --base")
    loaded: dict[str, tuple] = {}
    examples: dict[str, list[str]] = {}
    for name, src, constrained, k in runs:
        if src not in loaded:
            loaded[src] = load_model(src, device=cfg.device)
            ensure_chat_template(loaded[src][1])
        model, tok = loaded[src]
        settings = GenerationSettings(
            constrained=constrained,
            max_new_tokens=cfg.max_new_tokens,
            batch_size=cfg.batch_size,
            seed=cfg.seed,
        )
        res = _run_variant(model, tok, rows, settings, _shots(cfg, k), progress)
        metrics = summarise(res["scores"], random)
        metrics.update(
            generation_seconds=res["generation_seconds"],
            new_tokens=res["new_tokens"],
            tokens_per_second=res["new_tokens"] / res["generation_seconds"]
            if res["generation_seconds"]
            else None,
            rows_per_second=len(rows) / res["generation_seconds"] if res["generation_seconds"] else None,
            scoring_seconds=res["scoring_seconds"],
        )
        variants[name] = metrics
        examples[name] = res["programs"][:3]
    report = {
        "config": vars(cfg).copy(),
        "rows": len(rows),
        "metrics_defined": "see qgen.generate.llm.scoring: parse = validate + qubit count; ground = most "
        "probable bitstring is a ground state; KL(p_gen||p_opt) nats, eps 1e-9; |E_gen - E_opt| of the "
        "cost Hamiltonian",
        "variants": variants,
        "random": next(iter(variants.values()))["random"],
        "paper_3b": PAPER_3B,
        "examples": examples,
        "versions": versions(),
    }
    if out is not None:
        write_json(out, report)
    return report
