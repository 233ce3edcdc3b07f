"""Search seeds and pool scoring through an executor give what one process gives; the driver keeps scores."""

from __future__ import annotations

import numpy as np
import pytest

from qgen.executors import LocalExecutor, get_executor
from qgen.progress import RecordingProgress
from qgen.search import SearchSpace, build_pool, make_task
from qgen.search.oracle import RewardTable
from qgen.search.run import search

POOL = build_pool(SearchSpace(2, 3, None, gate_pool=("ry", "cx")), 30, seed=0)


def _same_search(executor, tmp_path) -> None:
    task = make_task("state_prep", 2)
    emb = np.random.default_rng(0).normal(size=(30, 4))
    kwargs = {"methods": ["random", "bo"], "budget": 8, "seeds": 3}
    here = search(task, POOL, emb, out_dir=tmp_path / "here", **kwargs)
    there = search(task, POOL, emb, out_dir=tmp_path / "there", executor=executor, **kwargs)
    for name in kwargs["methods"]:
        a, b = there.traces[name], here.traces[name]
        assert [t.indices.tolist() for t in a] == [t.indices.tolist() for t in b]
        assert [t.rewards.tolist() for t in a] == [t.rewards.tolist() for t in b]
    assert there.table.scored == here.table.scored > 0  # the runs' scores came back to the driver
    np.testing.assert_array_equal(there.table.reward, here.table.reward)
    cached = RewardTable(POOL, task, cache=tmp_path / "there" / "rewards.npz")  # and reached its cache
    np.testing.assert_array_equal(cached.reward, here.table.reward)


def _same_fill(executor) -> None:
    task = make_task("state_prep", 2)
    here = RewardTable(POOL, task, batch_size=8).fill()
    progress = RecordingProgress()
    there = RewardTable(POOL, task, batch_size=8).fill(progress=progress, executor=executor)
    np.testing.assert_array_equal(there.reward, here.reward)
    np.testing.assert_array_equal(there.params, here.params)
    assert progress.done("scoring state_prep") == 30 and there.calls == 4  # 4 batches of <= 8


@pytest.mark.slow
def test_local_processes_match_one_process(tmp_path) -> None:
    ex = LocalExecutor(2)
    _same_search(ex, tmp_path)
    _same_fill(ex)


@pytest.mark.slow
def test_ray_matches_one_process(tmp_path) -> None:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        ex = get_executor("ray")
        _same_search(ex, tmp_path)
        _same_fill(ex)
    finally:
        ray.shutdown()
