"""Builds through an executor: Ray gives the local executor's bytes, a lost worker or driver loses no row.

Every Ray test starts its own local instance (``ray.init(num_cpus=2)``); no external service is needed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import executor_kinds  # noqa: F401  (registers the test_arch kind)
import pytest

from qgen.datasets import read_table, run_build, verify_dataset
from qgen.executors import get_executor
from qgen.progress import RecordingProgress
from qgen.search.architectures import ArchitectureConfig

CFG = ArchitectureConfig(qubits=4, size=200, shard_size=100, seed=3)  # 2 shards of 100 rows
TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent


def _parquet(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.glob("data/*/*.parquet"))}


def _worker_env() -> dict[str, str]:
    """The environment workers inherit: tests/ importable (the test kind), the checkout first."""
    path = os.pathsep.join([str(TESTS), str(REPO), os.environ.get("PYTHONPATH", "")])
    return {"PYTHONPATH": path.rstrip(os.pathsep)}


@pytest.fixture(scope="module")
def local_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local") / "arch"
    progress = RecordingProgress()
    report = run_build("architectures", out, CFG, workers=1, progress=progress, card_verify_sample=0)
    assert report.complete and report.rows == 200
    assert progress.done("building architectures") == 200  # rows, topped up for a kind that does not tick
    return out


@pytest.mark.slow
def test_local_worker_counts_give_the_same_bytes(local_build, tmp_path) -> None:
    out = tmp_path / "two"
    progress = RecordingProgress()
    run_build("test_arch", out, CFG, executor=get_executor("local", workers=2), progress=progress,
              card_verify_sample=0)  # fmt: skip
    assert _parquet(out) == _parquet(local_build) and len(_parquet(out)) == 4  # 2 shards x train/test
    advances = [e for e in progress.events if e[0] == "advance"]
    assert sum(e[2][0] for e in advances) == 200 and len(advances) > 2  # ticks per row, not per shard
    progress = RecordingProgress()
    report = verify_dataset(out, progress=progress)
    assert report.ok and report.checked == 200 and progress.done("verifying") == 200


@pytest.fixture(scope="module")
def ray_instance(tmp_path_factory):
    ray = pytest.importorskip("ray")
    die = tmp_path_factory.mktemp("die")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {**_worker_env(), executor_kinds.DIE_ENV: str(die)}.items():
            mp.setenv(key, value)  # before ray.init: the raylet and its workers inherit it
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        try:
            yield die
        finally:
            ray.shutdown()


@pytest.mark.slow
def test_ray_build_is_byte_identical_to_local(ray_instance, local_build, tmp_path) -> None:
    out = tmp_path / "ray"
    progress = RecordingProgress()
    report = run_build("architectures", out, CFG, executor=get_executor("ray"), progress=progress,
                       card_verify_sample=0)  # fmt: skip
    assert report.complete and report.rows == 200
    assert _parquet(out) == _parquet(local_build)
    assert progress.done("building architectures") == 200
    here, there = verify_dataset(out), verify_dataset(out, executor=get_executor("ray"))
    assert there.to_dict() == here.to_dict() and there.checked == 200 and there.ok


@pytest.mark.slow
def test_a_killed_ray_worker_loses_and_doubles_no_row(ray_instance, local_build, tmp_path) -> None:
    out = tmp_path / "flaky"
    report = run_build("test_arch", out, CFG, executor=get_executor("ray"), card_verify_sample=0)
    assert (ray_instance / "died-1").is_file()  # shard 1's first worker died; Ray ran it again
    assert report.complete and report.rows == 200
    ids = read_table(out, columns=["id"]).column("id").to_pylist()
    assert sorted(ids) == [f"arch4-{i:06d}" for i in range(200)]  # 0 lost, 0 doubled
    assert _parquet(out) == _parquet(local_build)


# ------------------------------------------------------------------------------------ driver in a subprocess
SCRIPT = "import executor_kinds; from qgen.cli.app import main; main()"


def _command(out: Path, executor: str) -> list[str]:
    return [sys.executable, "-c", SCRIPT, "dataset", "build", "test_arch", "--out", str(out), "--quiet",
            "--kind-option", "size=200", "--shard-size", "50", "--seed", "3", "--kind-option", "qubits=4",
            "--executor", executor, "--workers", "2"]  # fmt: skip


def _records(out: Path) -> int:
    return len(list((out / "shards").glob("*.json"))) if (out / "shards").is_dir() else 0


def _start(out: Path, executor: str, seconds: float) -> subprocess.Popen:
    env = {**os.environ, **_worker_env(), executor_kinds.SLOW_ENV: str(seconds)}
    env.pop(executor_kinds.DIE_ENV, None)
    return subprocess.Popen(
        _command(out, executor), env=env, start_new_session=True, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _wait_for_shard(proc: subprocess.Popen, out: Path) -> None:
    deadline = time.time() + 180
    while _records(out) < 1 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert proc.poll() is None, proc.communicate()[1][-2000:]


@pytest.mark.slow
def test_a_killed_driver_resumes_to_the_same_bytes(local_build, tmp_path) -> None:
    pytest.importorskip("ray")
    out = tmp_path / "killed"
    proc = _start(out, "ray", seconds=4.0)
    try:
        _wait_for_shard(proc, out)
        os.killpg(proc.pid, signal.SIGKILL)  # the driver and whatever it started
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    kept = _records(out)
    assert 1 <= kept < 4
    env = {**os.environ, **_worker_env()}
    env.pop(executor_kinds.DIE_ENV, None)
    res = subprocess.run(_command(out, "ray"), env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert f"kept {kept} finished shard(s)" in res.stdout and "build complete" in res.stdout
    ids = read_table(out, columns=["id"]).column("id").to_pylist()
    assert sorted(ids) == [f"arch4-{i:06d}" for i in range(200)]
    assert [p.name for p in out.rglob("*") if ".tmp" in p.name] == []
    # 4 shards of 50 rows (not the 2 x 100 of local_build): compare with a local 4-shard build
    ref = tmp_path / "ref"
    run_build("architectures", ref, ArchitectureConfig(qubits=4, size=200, shard_size=50, seed=3), workers=1,
              card_verify_sample=0)  # fmt: skip
    assert _parquet(out) == _parquet(ref)


@pytest.mark.slow
def test_ctrl_c_prints_one_line_and_resumes(tmp_path) -> None:
    out = tmp_path / "interrupted"
    proc = _start(out, "local", seconds=3.0)
    try:
        _wait_for_shard(proc, out)
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends: the whole process group
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr  # no worker tracebacks
    kept = _records(out)
    expected = f"qgen: error: interrupted; kept {kept} finished shard(s) ({50 * kept} rows) in"
    assert lines[0].startswith(expected)
    assert "resume with: qgen dataset build test_arch --out" in lines[0]
