"""Executors: local processes and a local Ray instance give the same results; a dying worker is retried."""

from __future__ import annotations

# task functions live in an importable module: spawned workers and Ray workers import them by name
import executor_tasks  # noqa: E402
import pytest
from executor_tasks import _die_once, _rows  # noqa: E402

from qgen.errors import UnknownNameError
from qgen.executors import ExecutorError, LocalExecutor, get_executor


def test_local_inline_and_pool_agree():
    tasks = [(3, 2), (4, 5), (2, 7)]
    ticks_inline, ticks_pool = [], []
    inline = dict(LocalExecutor(1).map(_rows, tasks, progress=ticks_inline.append))
    pool = dict(LocalExecutor(2).map(_rows, tasks, progress=ticks_pool.append))
    assert inline == pool == {0: [0, 2, 4], 1: [0, 5, 10, 15], 2: [0, 7]}
    assert sum(ticks_inline) == sum(ticks_pool) == 9


def test_bad_settings():
    with pytest.raises(UnknownNameError, match="Valid: local, ray"):
        get_executor("dask")
    with pytest.raises(ExecutorError, match="workers must be >= 0"):
        LocalExecutor(-1)
    with pytest.raises(ExecutorError, match="--executor ray only"):
        get_executor("local", address="auto")


@pytest.mark.slow
def test_ray_matches_local_and_retries_a_lost_worker(tmp_path):
    pytest.importorskip("ray")
    import ray

    ray.cloudpickle.register_pickle_by_value(executor_tasks)  # Ray workers do not see tests/ on their path
    ex = get_executor("ray", workers=2)
    try:
        tasks = [(3, 2), (4, 5), (2, 7)]
        ticks = []
        assert dict(ex.map(_rows, tasks, progress=ticks.append)) == dict(LocalExecutor(1).map(_rows, tasks))
        assert sum(ticks) == 9
        assert "2 CPUs" in ex.describe()
        marker = tmp_path / "marker"
        assert dict(ex.map(_die_once, [(str(marker), 4)])) == {0: 40}
        assert marker.read_text() == "died once"
    finally:
        ray.shutdown()
