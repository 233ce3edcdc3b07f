"""Random search: evaluate pool circuits in a random order (the baseline of the QAS paper)."""

from __future__ import annotations

import time

import numpy as np

from qgen.search.methods.base import METHODS, Oracle, SearchMethod, Trace, check_budget


class RandomSearch(SearchMethod):
    """Uniform sampling without replacement from the pool, scored in batches.

    Args:
        batch_size: candidates scored per oracle call (does not change the result).
    """

    name = "random"
    inputs = "none"  # only the pool size

    def __init__(self, batch_size: int = 50) -> None:
        self.batch_size = int(batch_size)

    def run(self, embeddings: np.ndarray, oracle: Oracle, budget: int, seed: int) -> Trace:
        """Evaluate ``budget`` distinct random pool circuits."""
        t0 = time.perf_counter()
        total = check_budget(budget, len(embeddings))
        order = np.random.default_rng(seed).permutation(len(embeddings))[:total]
        rewards = np.concatenate(
            [oracle(order[b : b + self.batch_size]) for b in range(0, total, self.batch_size)]
        )
        return Trace(order, rewards, time.perf_counter() - t0)


METHODS.register("random", RandomSearch)
