"""qgen.train.checkpoints: safetensors round trip, resume from the newest complete checkpoint, pruning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from qgen.train.checkpoints import (
    latest_checkpoint,
    load_checkpoint,
    load_tensors,
    prune_checkpoints,
    save_checkpoint,
    save_tensors,
)


def _save(folder: Path, step: int) -> Path:
    return save_checkpoint(folder, step, {"w": torch.full((2, 3), float(step))}, {"loss": 1.0 / step})


def test_tensors_round_trip_exactly(tmp_path: Path) -> None:
    tensors = {
        "a": torch.arange(6, dtype=torch.float64).reshape(2, 3),
        "b": torch.tensor([1, -2], dtype=torch.int32),
    }
    path = save_tensors(tmp_path / "x.safetensors", tensors, metadata={"model": "test"})
    back = load_tensors(path)
    assert set(back) == {"a", "b"}
    assert torch.equal(back["a"], tensors["a"]) and back["a"].dtype == torch.float64
    assert torch.equal(back["b"], tensors["b"]) and back["b"].dtype == torch.int32
    assert not path.read_bytes().startswith(b"\x80")  # not a pickle


def test_resume_picks_the_newest_complete_checkpoint(tmp_path: Path) -> None:
    for step in (5, 40, 12):
        _save(tmp_path, step)
    # a newer folder without its weights (killed mid-copy by hand) is not complete
    broken = tmp_path / "checkpoint-99"
    broken.mkdir()
    (broken / "state.json").write_text(json.dumps({"step": 99}))
    newest = latest_checkpoint(tmp_path)
    assert newest == tmp_path / "checkpoint-40"
    step, tensors, state = load_checkpoint(newest)
    assert step == 40 and tensors["w"].tolist() == [[40.0] * 3] * 2 and state == {"loss": 1.0 / 40}


def test_half_written_staging_folder_is_ignored(tmp_path: Path) -> None:
    _save(tmp_path, 3)

    with pytest.raises(Killed):
        save_checkpoint(tmp_path, 7, {"w": _Explodes()}, {})  # type: ignore[dict-item]
    # the failed save left no checkpoint-7 and no staging folder; resume still finds step 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint-3"]
    assert latest_checkpoint(tmp_path) == tmp_path / "checkpoint-3"
    # a staging folder left by a killed process (no rename happened) is not a checkpoint either
    staging = tmp_path / ".checkpoint-9.staging-abc"
    staging.mkdir()
    (staging / "weights.safetensors").write_bytes(b"partial")
    (staging / "state.json").write_text("{}")
    assert latest_checkpoint(tmp_path) == tmp_path / "checkpoint-3"


class Killed(Exception):
    """Stands for the process dying half-way through a save."""


class _Explodes:
    """A 'tensor' whose copy fails half-way through a save."""

    def detach(self):
        raise Killed


def test_prune_keeps_the_newest_n(tmp_path: Path) -> None:
    for step in (1, 2, 10, 3, 20):
        _save(tmp_path, step)
    (tmp_path / "notes.txt").write_text("kept")
    prune_checkpoints(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint-10", "checkpoint-20", "notes.txt"]
    prune_checkpoints(tmp_path, keep=0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert latest_checkpoint(tmp_path) is None
    assert latest_checkpoint(tmp_path / "missing") is None


def test_saving_the_same_step_again_replaces_it(tmp_path: Path) -> None:
    _save(tmp_path, 4)
    save_checkpoint(tmp_path, 4, {"w": torch.zeros(1)}, {"loss": 0.0})
    step, tensors, state = load_checkpoint(latest_checkpoint(tmp_path))
    assert (step, tensors["w"].tolist(), state) == (4, [0.0], {"loss": 0.0})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["checkpoint-4"]
