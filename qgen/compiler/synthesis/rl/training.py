"""Training runs of the deep-Q synthesis network (``qgen train synthesizer``): checkpoints, resume, progress.

The run folder holds ``config.json`` (resolved settings, seed, device, versions), ``checkpoint.pt`` (networks,
optimiser, curriculum and generator state; written atomically every ``checkpoint_every`` updates and at the
end), ``model.safetensors`` (the network for AQ*: ``AQStarSynthesizer(model=DIR)``), ``metrics.jsonl`` (one
line per target-network check) and ``summary.json``. Calling again with the same folder and settings
continues from the checkpoint; the iteration budget counts updates done before, so an interrupted run
finishes the same.
"""

from __future__ import annotations

import json
import pickle
import platform
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import torch

from qgen._version import __version__
from qgen.compiler.synthesis.errors import CheckpointError, SynthesisError
from qgen.compiler.synthesis.rl.evaluation import eval_targets, greedy_rollouts, summarize
from qgen.compiler.synthesis.rl.model import MODEL_FILE, DeepQConfig, DeepQModel
from qgen.compiler.synthesis.rl.trainer import DeepQTrainer
from qgen.files import atomic_path, atomic_write_json
from qgen.progress import Progress, report
from qgen.sim.device import resolve_device

CHECKPOINT = "checkpoint.pt"


def train_synthesizer(
    out_dir: str | Path,
    config: DeepQConfig | None = None,
    *,
    iterations: int | None = 2000,
    time_limit: float | None = None,
    checkpoint_every: int = 500,
    resume: bool = True,
    device: str = "auto",
    eval_per_length: int = 50,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Train a deep-Q synthesis network by approximate value iteration and save it for AQ*.

    Args:
        out_dir: run folder (created).
        config: settings (basis, cost, eps, network size, curriculum, seed); defaults to ``DeepQConfig()``.
        iterations: total updates (including those of a resumed run); ``None`` runs until ``time_limit``.
        time_limit: seconds for this call (``None``: no limit).
        checkpoint_every: updates between checkpoints.
        resume: continue from ``out_dir/checkpoint.pt`` when present (its settings must match).
        device: ``"auto"`` (CUDA when present), ``"cpu"``, ``"cuda"``.
        eval_per_length: greedy evaluation targets per walk length at the end (0 skips it).
        progress: receives task ``deep-Q`` (updates, with loss and walk length); ``None`` reports nothing.

    Returns:
        Summary dict (also written to ``summary.json``): updates, curriculum length reached, losses, greedy
        success by walk length, paths.

    Raises:
        SynthesisError: neither ``iterations`` nor ``time_limit`` given, or settings out of range.
        CheckpointError: the folder's checkpoint was trained with other settings (or is unreadable).
    """
    if iterations is None and time_limit is None:
        raise SynthesisError("give iterations or time_limit (or both) so that training stops")
    if iterations is not None and iterations < 0:
        raise SynthesisError(f"iterations must be >= 0, got {iterations}")
    if checkpoint_every < 1:
        raise SynthesisError(f"checkpoint_every must be >= 1, got {checkpoint_every}")
    config = (config or DeepQConfig()).validate()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    dev = resolve_device(device)
    trainer = DeepQTrainer(config, device=dev)
    ckpt = out / CHECKPOINT
    resumed_from = 0
    if resume and ckpt.is_file():
        try:
            state = torch.load(ckpt, map_location="cpu", weights_only=True)
        except (RuntimeError, EOFError, OSError, ValueError, pickle.UnpicklingError) as exc:
            raise CheckpointError(
                f"{ckpt}: cannot read the checkpoint ({exc}); delete it to start over"
            ) from None
        try:
            trainer.load_state_dict(state)
        except CheckpointError as exc:
            raise CheckpointError(f"{ckpt}: {exc}; use another folder or --no-resume to start over") from None
        resumed_from = trainer.iteration
    atomic_write_json(out / "config.json", _run_config(config, dev, iterations, time_limit, resumed_from))
    start = time.perf_counter()
    metrics_path = out / "metrics.jsonl"
    written = len(trainer.history) if resumed_from else 0
    if not resumed_from and metrics_path.exists():
        metrics_path.unlink()

    def done() -> bool:
        if iterations is not None and trainer.iteration >= iterations:
            return True
        return time_limit is not None and time.perf_counter() - start >= time_limit

    bar = report(progress)
    bar.start("deep-Q", total=iterations, unit="updates")
    if trainer.iteration:
        bar.advance("deep-Q", trainer.iteration)
    try:
        while not done():
            loss = trainer.step()
            bar.advance("deep-Q", 1, loss=loss, walk=trainer.walk)
            if len(trainer.history) > written:
                with metrics_path.open("a") as fh:
                    for row in trainer.history[written:]:
                        fh.write(json.dumps(row) + "\n")
                written = len(trainer.history)
            if trainer.iteration % checkpoint_every == 0:
                _save(trainer, out)
    finally:
        bar.finish("deep-Q")
    _save(trainer, out)
    summary: dict[str, Any] = {
        "updates": trainer.iteration,
        "resumed_from": resumed_from,
        "seconds_this_call": time.perf_counter() - start,
        "walk_length_reached": trainer.walk,
        "target_refreshes": trainer.updates,
        "final_loss": float(np.mean(trainer.losses[-100:])) if trainer.losses else None,
        "device": str(dev),
        "model": str(out / MODEL_FILE),
        "checkpoint": str(ckpt),
    }
    if eval_per_length > 0:
        summary["greedy_eval"] = evaluate_model(trainer.model(), eval_per_length, seed=config.seed + 1)
    atomic_write_json(out / "summary.json", _json_ready(summary))
    return summary


def evaluate_model(model: DeepQModel, per_length: int = 50, seed: int = 1) -> dict[str, Any]:
    """Greedy success and length on scrambles of every length up to the model's ``max_walk``.

    The success metric: d = sqrt(1 - |tr(U^dag V)/2^n|^2) <= the model's eps within 2 * length + 4 gates.
    """
    cfg = model.config
    lengths = list(range(1, cfg.max_walk + 1))
    targets, lens = eval_targets(model.basis, lengths, per_length, seed)
    roll = greedy_rollouts(model.policy, model.basis, targets, cfg.eps, 2 * cfg.max_walk + 4, cfg.cost)
    out = summarize(roll, lens)
    out["success_by_length"] = {int(k): float(roll["success"][lens == k].mean()) for k in lengths}
    out["metric"] = f"d <= {cfg.eps:g} within {2 * cfg.max_walk + 4} greedy gates"
    return out


def _save(trainer: DeepQTrainer, out: Path) -> None:
    with atomic_path(out / CHECKPOINT) as tmp:
        torch.save(trainer.state_dict(), tmp)
    trainer.model().save(out / MODEL_FILE)
    trainer.online.train()


def _run_config(config: DeepQConfig, device: torch.device, iterations, time_limit, resumed_from: int) -> dict:
    from importlib.metadata import PackageNotFoundError, version

    def ver(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "absent"

    return {
        "config": asdict(config),
        "seed": config.seed,
        "iterations": iterations,
        "time_limit": time_limit,
        "resumed_from": resumed_from,
        "device": str(device),
        "versions": {
            "qgen": __version__,
            "torch": torch.__version__,
            "numpy": np.__version__,
            "qiskit": ver("qiskit"),
            "gymnasium": ver("gymnasium"),
            "python": platform.python_version(),
        },
    }


def _json_ready(value: Any) -> Any:
    """``value`` with NaN / infinite floats as ``None`` (JSON has no NaN)."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_ready(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if np.isfinite(value) else None
    return value
