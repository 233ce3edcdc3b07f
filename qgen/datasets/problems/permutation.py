"""Shared encoding of the ordering problems (TSP, Hamiltonian path): node 0 first, then a permutation matrix.

Qubit ``x_{v,t}`` says "node v (1..n-1) comes at step t (1..n-1)"; one-hot penalties on every row and
column make each ground state a permutation.
"""

from __future__ import annotations

import numpy as np

from qgen.datasets.problems.base import add_squared_linear


def order_var(v: int, t: int, n: int) -> int:
    """Qubit of "node v (1..n-1) is visited at step t (1..n-1)" among ``n`` nodes."""
    return (v - 1) * (n - 1) + (t - 1)


def add_permutation_penalty(terms: dict[tuple[int, ...], float], n: int, penalty: float) -> float:
    """Add ``penalty * (sum - 1)^2`` for every row and column of the ``(n-1) x (n-1)`` matrix; return the
    constant it adds."""
    const = 0.0
    for v in range(1, n):
        const += add_squared_linear(terms, {order_var(v, t, n): 1.0 for t in range(1, n)}, -1.0, penalty)
    for t in range(1, n):
        const += add_squared_linear(terms, {order_var(v, t, n): 1.0 for v in range(1, n)}, -1.0, penalty)
    return const


def decode_order(x: np.ndarray, n: int) -> list[int] | None:
    """Visiting order ``[0, ...]`` of a bit vector, or None when it is not a permutation matrix."""
    m = x.reshape(n - 1, n - 1)  # rows: nodes 1..n-1, columns: steps 1..n-1
    if not (np.all(m.sum(0) == 1) and np.all(m.sum(1) == 1)):
        return None
    return [0] + [int(np.flatnonzero(m[:, t])[0]) + 1 for t in range(n - 1)]
