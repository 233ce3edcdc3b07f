"""Evaluation of synthesis policies: greedy rollouts from scrambled targets and their summary.

Every learner is scored the same way: greedy rollouts from the same scrambled targets (reverse random walks
of known length), success = d(target, word) <= eps within ``max_steps`` gates, and the length / cost of the
words that succeed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from qgen.compiler.synthesis.bases import Basis
from qgen.compiler.synthesis.rl.features import ptm_features
from qgen.compiler.synthesis.rl.walks import random_walks
from qgen.compiler.synthesis.unitaries import distance_to_identity

Policy = Callable[[np.ndarray], np.ndarray]


def greedy_rollouts(
    policy: Policy, basis: Basis, targets: np.ndarray, eps: float, max_steps: int, cost: str = "gate"
) -> dict[str, np.ndarray]:
    """Run a policy on many targets at once.

    Args:
        policy: maps encoded observations ``(B, feature_dim)`` to actions ``(B,)``.
        basis: the gate set the actions index.
        targets: unitaries ``(B, 2^n, 2^n)``.
        eps: success tolerance on d(target, word).
        max_steps: gates allowed per target.
        cost: cost model for the ``cost`` output.

    Returns:
        Dict of arrays over targets: ``success`` (bool), ``length`` (gates used; ``max_steps`` on failure),
        ``cost`` (summed action cost), ``distance`` (final d).
    """
    remainder = np.array(targets, dtype=complex, copy=True)
    count = len(remainder)
    inverse = np.conj(np.transpose(basis.matrices, (0, 2, 1)))
    costs = basis.costs(cost)
    success = distance_to_identity(remainder) <= eps
    length = np.zeros(count, dtype=np.int64)
    total = np.zeros(count)
    for _ in range(max_steps):
        active = np.flatnonzero(~success)
        if not len(active):
            break
        actions = np.asarray(policy(ptm_features(remainder[active])), dtype=np.int64).reshape(-1)
        remainder[active] = remainder[active] @ inverse[actions]
        length[active] += 1
        total[active] += costs[actions]
        success[active] = distance_to_identity(remainder[active]) <= eps
    return {"success": success, "length": length, "cost": total, "distance": distance_to_identity(remainder)}


def summarize(rollouts: dict[str, np.ndarray], optimal_bound: np.ndarray | None = None) -> dict[str, float]:
    """Success rate, mean length and cost over successes (and mean walk length of the same targets)."""
    ok = rollouts["success"]
    out = {
        "success_rate": float(ok.mean()),
        "mean_length_solved": float(rollouts["length"][ok].mean()) if ok.any() else float("nan"),
        "mean_cost_solved": float(rollouts["cost"][ok].mean()) if ok.any() else float("nan"),
    }
    if optimal_bound is not None and ok.any():
        out["mean_walk_length_solved"] = float(np.asarray(optimal_bound)[ok].mean())
    return out


def eval_targets(
    basis: Basis, lengths: list[int], per_length: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Scrambles used for evaluation: ``per_length`` reverse walks of each length (fixed by ``seed``)."""
    rng = np.random.default_rng(seed)
    lens = np.repeat(np.asarray(lengths, dtype=np.int64), per_length)
    states, _ = random_walks(basis, lens, rng)
    return states, lens
