"""Checkpoints every model's training shares: weights as safetensors (never pickles), state as JSON, resume.

A checkpoint is a folder ``checkpoint-<step>`` holding ``weights.safetensors`` and ``state.json``; it is
written through a staging folder and a rename, so a killed run leaves either the whole checkpoint or none.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import torch

from qgen.files import atomic_dir, atomic_write_bytes
from qgen.optional import require

__all__ = [
    "latest_checkpoint",
    "load_checkpoint",
    "load_tensors",
    "prune_checkpoints",
    "save_checkpoint",
    "save_tensors",
]

WEIGHTS = "weights.safetensors"
STATE = "state.json"
_CKPT = re.compile(r"^checkpoint-(\d+)$")


def save_tensors(
    path: str | Path, tensors: dict[str, torch.Tensor], metadata: dict[str, str] | None = None
) -> Path:
    """Write ``tensors`` (CPU copies, contiguous) to a safetensors file atomically."""
    st = require("safetensors.torch", extra="all", purpose="saving weights")
    flat = {k: v.detach().to("cpu").contiguous().clone() for k, v in tensors.items()}
    return atomic_write_bytes(path, st.save(flat, metadata=metadata))


def load_tensors(path: str | Path, device: str | torch.device = "cpu") -> dict[str, torch.Tensor]:
    """Read a safetensors file into a ``name -> tensor`` dict on ``device``."""
    st = require("safetensors.torch", extra="all", purpose="loading weights")
    return st.load_file(str(path), device=str(device))


def save_checkpoint(
    folder: str | Path, step: int, tensors: dict[str, torch.Tensor], state: dict[str, Any]
) -> Path:
    """Save ``checkpoint-<step>`` under ``folder`` (weights + JSON state); returns its path.

    >>> import tempfile, torch
    >>> d = tempfile.mkdtemp()
    >>> p = save_checkpoint(d, 3, {"w": torch.ones(2)}, {"loss": 0.5})
    >>> step, tensors, state = load_checkpoint(latest_checkpoint(d))
    >>> step, tensors["w"].tolist(), state["loss"]
    (3, [1.0, 1.0], 0.5)
    """
    target = Path(folder) / f"checkpoint-{int(step)}"
    with atomic_dir(target) as staging:
        save_tensors(staging / WEIGHTS, tensors)
        (staging / STATE).write_text(json.dumps({"step": int(step), **state}, indent=2, default=str) + "\n")
    return target


def latest_checkpoint(folder: str | Path) -> Path | None:
    """The ``checkpoint-<step>`` folder with the largest step that is complete, or None."""
    folder = Path(folder)
    if not folder.is_dir():
        return None
    found = []
    for child in folder.iterdir():
        m = _CKPT.match(child.name)
        if m and (child / WEIGHTS).is_file() and (child / STATE).is_file():
            found.append((int(m.group(1)), child))
    return max(found)[1] if found else None


def load_checkpoint(
    path: str | Path, device: str | torch.device = "cpu"
) -> tuple[int, dict[str, torch.Tensor], dict]:
    """Read a checkpoint folder: ``(step, tensors, state)``."""
    path = Path(path)
    state = json.loads((path / STATE).read_text())
    return int(state.pop("step")), load_tensors(path / WEIGHTS, device), state


def prune_checkpoints(folder: str | Path, keep: int = 2) -> None:
    """Remove all but the ``keep`` newest complete checkpoints under ``folder``."""
    folder = Path(folder)
    found = sorted(
        (int(m.group(1)), c) for c in folder.iterdir() if (m := _CKPT.match(c.name)) and c.is_dir()
    ) if folder.is_dir() else []
    for _, child in found[: max(0, len(found) - keep)]:
        shutil.rmtree(child, ignore_errors=True)
