"""qgen.files: a write appears whole or not at all; a failure keeps the old content, leaves no stray file."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qgen.files import atomic_dir, atomic_path, atomic_write_bytes, atomic_write_json, atomic_write_text


def test_failure_inside_atomic_path_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.txt"
    with pytest.raises(RuntimeError, match="boom"), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("boom")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []


def test_failure_keeps_the_old_content(tmp_path: Path) -> None:
    target = atomic_write_text(tmp_path / "out.txt", "old\n")
    with pytest.raises(KeyboardInterrupt), atomic_path(target) as tmp:
        tmp.write_text("new but unfinished")
        raise KeyboardInterrupt
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_success_replaces_the_content(tmp_path: Path) -> None:
    target = atomic_write_bytes(tmp_path / "b.bin", b"\x00\x01")
    atomic_write_bytes(target, b"\x02")
    assert target.read_bytes() == b"\x02"


def test_json_is_deterministic_and_handles_numpy_paths_sets(tmp_path: Path) -> None:
    record = {"a": np.float64(0.5), "b": np.arange(3), "p": Path("x/y"), "s": {3, 1}}
    one = atomic_write_json(tmp_path / "r.json", record).read_bytes()
    two = atomic_write_json(tmp_path / "r2.json", record).read_bytes()
    assert one == two and one.endswith(b"\n")
    assert json.loads(one) == {"a": 0.5, "b": [0, 1, 2], "p": "x/y", "s": [1, 3]}
    with pytest.raises(ValueError):
        atomic_write_json(tmp_path / "nan.json", {"x": float("nan")})
    assert not (tmp_path / "nan.json").exists()


def test_atomic_dir_replaces_a_folder_or_keeps_the_old_one(tmp_path: Path) -> None:
    target = tmp_path / "ds"
    with atomic_dir(target) as staging:
        (staging / "a.txt").write_text("1")
    with pytest.raises(RuntimeError), atomic_dir(target) as staging:
        (staging / "b.txt").write_text("2")
        raise RuntimeError
    assert sorted(p.name for p in target.iterdir()) == ["a.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["ds"]
    with atomic_dir(target) as staging:
        (staging / "c.txt").write_text("3")
    assert sorted(p.name for p in target.iterdir()) == ["c.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["ds"]
