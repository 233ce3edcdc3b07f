"""The interface of search methods over an embedded pool, and their registry.

A method proposes pool indices; an oracle (``indices -> rewards``, e.g. a :class:`RewardTable`) scores a whole
proposal batch at once. A run returns the evaluated indices in order (no index twice) and their rewards.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qgen.registry import Registry
from qgen.search.errors import SearchError

Oracle = Callable[[np.ndarray], np.ndarray]


@dataclass
class Trace:
    """One search run: evaluated pool indices and rewards, in evaluation order."""

    indices: np.ndarray
    rewards: np.ndarray
    seconds: float = 0.0

    def best_so_far(self) -> np.ndarray:
        """Best reward after each evaluation."""
        return np.maximum.accumulate(self.rewards) if len(self.rewards) else self.rewards

    def evals_to_reach(self, threshold: float) -> int | None:
        """Evaluations until the first reward >= threshold (1-based), or None if never."""
        hit = np.flatnonzero(self.rewards >= threshold)
        return int(hit[0]) + 1 if len(hit) else None

    def count_above(self, threshold: float) -> int:
        """Distinct evaluated circuits with reward >= threshold."""
        return int((self.rewards >= threshold).sum())


class SearchMethod(ABC):
    """A search over the ``(N, d)`` embeddings of a pool with a budget of evaluations.

    ``inputs`` says what :func:`qgen.search.search` hands :meth:`run`: ``"latent"`` (arch2vec's embeddings),
    ``"structure"`` (:func:`qgen.search.features.grid_features` of the pool) or ``"none"`` (an array with
    one row per pool circuit, maybe zero columns: the method only needs the pool size).
    """

    name = "method"
    inputs = "latent"

    @abstractmethod
    def run(self, embeddings: np.ndarray, oracle: Oracle, budget: int, seed: int) -> Trace:
        """Search; return the trace of ``min(budget, N)`` evaluations."""


def check_budget(budget: int, size: int) -> int:
    """The number of evaluations a run makes (``budget`` capped at the pool size)."""
    if budget < 1:
        raise SearchError(f"budget must be >= 1, got {budget}")
    return min(int(budget), int(size))


def standardise(embeddings: np.ndarray) -> np.ndarray:
    """Z-score every latent dimension over the pool (float64)."""
    x = np.asarray(embeddings, dtype=np.float64)
    std = x.std(0)
    return (x - x.mean(0)) / np.where(std > 0, std, 1.0)


METHODS: Registry[type[SearchMethod]] = Registry("search method")


def latent_methods(names) -> list[str]:
    """The methods among ``names`` that search arch2vec's latent space (unknown names raise)."""
    return [name for name in names if METHODS[name].inputs == "latent"]
