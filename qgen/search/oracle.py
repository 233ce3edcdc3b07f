"""Rewards of pool circuits for one task: scored on demand in batches, cached per circuit, resumable.

The search methods ask for rewards of pool indices; unscored ones are trained together in one
:func:`qgen.sim.train` batch (:meth:`Task.score`). Because a circuit's initial parameters depend only on the
task's ``init_seed`` and its structure, a cached reward is the reward the circuit would get in any batch:
scoring the whole pool once per task (:meth:`RewardTable.fill`) turns the search benchmark into a tabular
one (the NAS-Bench-101 protocol) where the methods' seeds change only the search.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from qgen.executors import Executor
from qgen.files import atomic_write_text
from qgen.progress import Progress, report
from qgen.search.errors import SearchError
from qgen.search.pool import Pool, atomic_savez
from qgen.search.tasks.base import Task

MAX_PARAMS_PER_GATE = 3


class RewardTable:
    """Cached rewards (and trained parameters) of every circuit of a pool for one task.

    Args:
        pool: the circuits.
        task: the task that scores them.
        cache: optional NPZ path; loaded if present (when it was made for this task and pool), saved after
            every scoring batch, so an interrupted fill resumes.
        batch_size: most circuits trained in one :func:`qgen.sim.train` call.
        device: simulation device of the scoring.
    """

    def __init__(
        self,
        pool: Pool,
        task: Task,
        cache: str | Path | None = None,
        batch_size: int = 4096,
        device: str = "cpu",
    ) -> None:
        self.pool, self.task, self.batch_size, self.device = pool, task, int(batch_size), device
        n = len(pool)
        width = max(task.params_width(pool.space), MAX_PARAMS_PER_GATE * pool.space.num_gates)
        self.reward = np.full(n, np.nan)
        self.loss = np.full(n, np.nan)
        self.params = np.zeros((n, width))
        self.num_params = np.zeros(n, dtype=np.int64)
        self.cache = Path(cache) if cache is not None else None
        self.calls = 0
        self._tag = json.dumps(
            {"task": task.describe(), "pool": _fingerprint(pool)}, sort_keys=True, default=str
        )
        if self.cache is not None and self.cache.is_file():
            self._load()

    @property
    def scored(self) -> int:
        """How many circuits have a reward."""
        return int(np.isfinite(self.reward).sum())

    def __call__(self, indices: np.ndarray | list[int]) -> np.ndarray:
        """Rewards of pool circuits ``indices`` (scoring the missing ones in batches)."""
        idx = np.asarray(indices, dtype=np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= len(self.pool)):
            raise SearchError(f"pool index out of range 0..{len(self.pool) - 1}")
        missing = np.unique(idx[~np.isfinite(self.reward[idx])])
        for b in range(0, len(missing), self.batch_size):
            self._score(missing[b : b + self.batch_size])
        return self.reward[idx].copy()

    def _score(self, idx: np.ndarray, progress: bool = False) -> None:
        circuits = self.pool.gatelists(idx)
        self._store(idx, self.task.score(circuits, device=self.device, progress=progress))

    def _store(self, idx: np.ndarray, scores) -> None:
        """Keep the scores of circuits ``idx`` (and save the cache)."""
        self.reward[idx] = scores.reward
        self.loss[idx] = scores.loss
        for i, p in zip(idx.tolist(), scores.params, strict=True):
            self.params[i, : len(p)] = p
            self.num_params[i] = len(p)
        self.calls += 1
        if self.cache is not None:
            self.save()

    def detached(self) -> RewardTable:
        """A copy without the cache file (what a worker gets: it scores, the driver keeps the results)."""
        copy = object.__new__(RewardTable)
        copy.__dict__.update(self.__dict__)
        copy.cache = None
        for name in ("reward", "loss", "params", "num_params"):
            setattr(copy, name, getattr(self, name).copy())
        return copy

    def scored_since(self, before: np.ndarray) -> dict[str, np.ndarray]:
        """Scores of circuits that had none in ``before`` (a copy of :attr:`reward`), for :meth:`merge`."""
        new = np.flatnonzero(np.isfinite(self.reward) & ~np.isfinite(before))
        return {"index": new, "reward": self.reward[new], "loss": self.loss[new], "params": self.params[new],
                "num_params": self.num_params[new]}  # fmt: skip

    def merge(self, scored: dict[str, np.ndarray]) -> int:
        """Keep scores a worker made (:meth:`scored_since`) that this table lacks; returns how many."""
        keep = ~np.isfinite(self.reward[scored["index"]])
        new = scored["index"][keep]
        if len(new):
            self.reward[new], self.loss[new] = scored["reward"][keep], scored["loss"][keep]
            self.params[new], self.num_params[new] = scored["params"][keep], scored["num_params"][keep]
            if self.cache is not None:
                self.save()
        return len(new)

    def fill(self, progress: Progress | None = None, executor: Executor | None = None) -> RewardTable:
        """Score every circuit of the pool that has no reward yet (resumes from the cache).

        ``progress`` is advanced by the circuits of each scored batch (task ``"scoring <task>"``).
        ``executor`` (:func:`qgen.executors.get_executor`) scores the batches in parallel, here or on a Ray
        cluster; this process stores every batch (and saves the cache), so an interruption keeps them.
        """
        missing = np.flatnonzero(~np.isfinite(self.reward))
        bar, name = report(progress), f"scoring {self.task.name}"
        bar.start(name, total=len(missing), unit="circuit")
        chunks = [missing[b : b + self.batch_size] for b in range(0, len(missing), self.batch_size)]
        try:
            if executor is None:
                for chunk in chunks:
                    self._score(chunk)
                    bar.advance(name, len(chunk))
            else:
                space, task = self.pool.space, self.task
                tasks = [(task, space, self.pool.gates[c], self.pool.qubits[c], self.device) for c in chunks]
                for i, scores in executor.map(score_batch, tasks, progress=lambda n: bar.advance(name, n)):
                    self._store(chunks[i], scores)
        finally:
            bar.finish(name)
        return self

    def trained_params(self, index: int) -> np.ndarray:
        """Trained parameters of a scored circuit."""
        if not np.isfinite(self.reward[index]):
            raise SearchError(f"pool circuit {index} has not been scored")
        return self.params[index, : self.num_params[index]].copy()

    def save(self) -> None:
        """Write the cache (atomically)."""
        assert self.cache is not None
        self.cache.parent.mkdir(parents=True, exist_ok=True)
        atomic_savez(
            self.cache, reward=self.reward, loss=self.loss, params=self.params, num_params=self.num_params,
            tag=np.array(self._tag),
        )  # fmt: skip
        atomic_write_text(self.cache.with_suffix(".json"), self._tag)

    def _load(self) -> None:
        with np.load(self.cache) as data:
            if str(data["tag"]) != self._tag or data["reward"].shape != self.reward.shape:
                raise SearchError(
                    f"{self.cache}: the reward cache was made for another task or pool; delete it or use "
                    "another output folder"
                )
            self.reward, self.loss = data["reward"].copy(), data["loss"].copy()
            self.params, self.num_params = data["params"].copy(), data["num_params"].copy()


def score_batch(task: Task, space, gates: np.ndarray, qubits: np.ndarray, device: str = "cpu"):
    """Train pool circuits given as arrays on ``task`` (a pure task for an executor); ticks per circuit."""
    from qgen.executors import tick
    from qgen.search.pool import arrays_to_gatelist

    circuits = [arrays_to_gatelist(space, g, q) for g, q in zip(gates, qubits, strict=True)]
    scores = task.score(circuits, device=device)
    tick(len(circuits))
    return scores


def strict_level(rewards: np.ndarray, min_evals: float = 200.0) -> float | None:
    """The lowest reward level that random search needs >= ``min_evals`` evaluations on average to reach.

    Levels are the pool's rewards floored to 1e-6; random search without replacement over ``N`` circuits,
    ``k`` of them at or above a level, needs ``(N + 1) / (k + 1)`` evaluations on average. ``None`` when even
    the best level is that common (e.g. a MaxCut optimum reached by a third of the space).

    >>> strict_level(np.r_[np.zeros(997), 0.5, 0.9, 0.9], min_evals=300)  # 1001 / 4 = 250 at 0.5
    0.9
    >>> strict_level(np.r_[np.zeros(10), np.ones(10)]) is None
    True
    """
    raw = np.asarray(rewards, dtype=np.float64)
    levels = np.floor(raw * 1e6) / 1e6
    values, counts = np.unique(levels, return_counts=True)
    above = np.cumsum(counts[::-1])[::-1]  # circuits at or above each level
    ok = np.flatnonzero((len(levels) + 1) / (above + 1) >= min_evals)
    return float(raw[levels == values[ok[0]]].min()) if len(ok) else None  # the level's lowest raw reward


def _fingerprint(pool: Pool) -> str:
    import hashlib

    h = hashlib.sha1()
    h.update(pool.gates.tobytes())
    h.update(pool.qubits.tobytes())
    return h.hexdigest()[:16]
