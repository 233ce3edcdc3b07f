"""A build killed with SIGKILL mid-way resumes without losing or doubling a row."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qgen.datasets import OptimizationConfig, TrainSettings, build_optimization, plan, read_table

CFG = OptimizationConfig(
    size=12,
    max_qubits=3,
    shard_size=2,
    seed=11,
    methods=(("qaoa", 1.0), ("vqe", 1.0)),
    train=TrainSettings(steps=30, rounds=1, random_samples=4),
)

SCRIPT = """
import json, sys, time
from qgen.datasets import OptimizationConfig, build_optimization
cfg = OptimizationConfig.from_dict(json.loads(sys.argv[2]))
# a slow progress callback keeps the build running long enough to be killed between and inside shards
build_optimization(sys.argv[1], cfg, workers=1, progress=lambda *a: time.sleep(1.5), card_verify_sample=0)
"""


def _records(out: Path) -> int:
    return len(list((out / "shards").glob("*.json"))) if (out / "shards").is_dir() else 0


@pytest.mark.slow
def test_kill_9_then_resume_loses_and_doubles_nothing(tmp_path) -> None:
    out = tmp_path / "build"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(out), json.dumps(CFG.to_dict())],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 240
        while _records(out) < 2 and time.time() < deadline and proc.poll() is None:
            time.sleep(0.2)
        time.sleep(0.7)  # land inside the next shard's work or its writes
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    done_before = _records(out)
    assert 2 <= done_before < CFG.num_shards
    report = build_optimization(out, CFG, workers=1, card_verify_sample=0)
    assert report.complete and set(report.skipped) == set(range(done_before))
    ids = read_table(out, columns=["id"]).column("id").to_pylist()
    expected = sorted(f"s11-{t.index:06d}" for t in plan(CFG))
    assert sorted(ids) == expected  # nothing lost, nothing doubled
    leftovers = [p.name for p in out.rglob("*") if ".tmp" in p.name]
    assert leftovers == []
    for f in out.rglob("shard-*.parquet"):
        assert (out / "shards" / f"{f.stem.split('-')[1]}.json").is_file()
