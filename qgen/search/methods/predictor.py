"""Predictor-based search: a regression ensemble on the circuits' structure ranks the pool (no latent space).

The comparison the QAS paper's reviewers asked for. Predictor-based QAS (Zhang et al., "Neural predictor
based quantum architecture search", 2021) trains a model on a few scored circuits, predicts the rest of the
pool and scores the best-predicted ones. Here the model is scikit-learn's ``ExtraTreesRegressor`` on
:func:`qgen.search.features.grid_features` (which gate sits where), refitted every round on everything scored
so far; each round scores the ``top_k`` unvisited circuits by the upper confidence bound ``mean + kappa std``
over the trees. The method reads the pool's structure, not arch2vec's embeddings (``inputs = "structure"``),
so it measures what the unsupervised latent adds.
"""

from __future__ import annotations

import time

import numpy as np

from qgen.optional import require
from qgen.search.methods.base import METHODS, Oracle, SearchMethod, Trace, check_budget


class PredictorSearch(SearchMethod):
    """Ensemble-of-trees predictor on structural features, rounds of top-k by UCB.

    Args:
        initial: random circuits scored before the first fit.
        top_k: circuits scored per round.
        trees: trees of the ensemble.
        kappa: exploration weight of the tree spread in ``mean + kappa std``.
        min_samples_leaf, max_features: tree settings (scikit-learn's meaning).
    """

    name = "predictor"
    inputs = "structure"

    def __init__(
        self,
        initial: int = 50,
        top_k: int = 25,
        trees: int = 32,
        kappa: float = 1.0,
        min_samples_leaf: int = 2,
        max_features: float = 0.3,
    ) -> None:
        self.initial, self.top_k, self.trees, self.kappa = int(initial), int(top_k), int(trees), float(kappa)
        self.min_samples_leaf, self.max_features = int(min_samples_leaf), float(max_features)

    def run(self, embeddings: np.ndarray, oracle: Oracle, budget: int, seed: int) -> Trace:
        """Search for ``budget`` evaluations; ``embeddings`` are the pool's structural features here."""
        ExtraTreesRegressor = require(  # noqa: N806
            "sklearn.ensemble", extra="search", purpose="the predictor search"
        ).ExtraTreesRegressor

        t0 = time.perf_counter()
        x = np.asarray(embeddings, dtype=np.float32)
        total = check_budget(budget, len(x))
        rng = np.random.default_rng(seed)
        order = list(rng.permutation(len(x))[: min(max(self.initial, 2), total)])
        rewards = list(oracle(np.array(order)))
        visited = np.zeros(len(x), dtype=bool)
        visited[order] = True
        while len(order) < total:
            model = ExtraTreesRegressor(
                n_estimators=self.trees, min_samples_leaf=self.min_samples_leaf,
                max_features=self.max_features, random_state=int(rng.integers(2**31)), n_jobs=1,
            ).fit(x[order], np.asarray(rewards))  # fmt: skip
            free = np.flatnonzero(~visited)
            candidates = x[free]
            pred = np.stack([tree.predict(candidates) for tree in model.estimators_])
            score = pred.mean(0) + self.kappa * pred.std(0)
            k = min(self.top_k, total - len(order))
            pick = free[np.argsort(-score, kind="stable")[:k]]
            visited[pick] = True
            order += pick.tolist()
            rewards += list(oracle(pick))
        return Trace(np.array(order[:total]), np.array(rewards[:total]), time.perf_counter() - t0)


METHODS.register("predictor", PredictorSearch)
