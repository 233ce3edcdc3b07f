"""Reverse random walks from the identity: the training states of the synthesis environment and of deep-Q.

A walk of length k picks gates g_1, ..., g_k (never the inverse of the previous one) and returns the state
R = g_1 g_2 ... g_k (operator product). In the environment an action a maps R -> R g_a^dag, so the actions
g_k, ..., g_1 bring R back to the identity: a walk of length k has a known solution of k gates (DeepCubeA,
Agostinelli et al. 2019; for gate synthesis, Chen et al., "Efficient and practical quantum compiler towards
multi-qubit systems with deep reinforcement learning").
"""

from __future__ import annotations

import numpy as np

from qgen.compiler.synthesis.bases import Basis


def random_walks(
    basis: Basis, lengths: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """States reached by reverse random walks of the given lengths.

    Args:
        basis: the gate set.
        lengths: walk length per state, shape ``(B,)`` (0 gives the identity).
        rng: random generator.

    Returns:
        ``(states, gates)``: states of shape ``(B, 2^n, 2^n)``; ``gates`` of shape ``(B, max(lengths))`` with
        the walk's gate indices ``g_1 .. g_k`` and -1 past each walk's end. The solution of walk ``b`` in
        environment actions is ``gates[b, :k][::-1]``.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    count = len(lengths)
    steps = int(lengths.max()) if count else 0
    num_actions = basis.num_actions
    inverses = basis.inverses
    states = np.broadcast_to(np.eye(basis.dim, dtype=complex), (count, basis.dim, basis.dim)).copy()
    gates = np.full((count, steps), -1, dtype=np.int64)
    prev_inv = np.full(count, -1, dtype=np.int64)
    for t in range(steps):
        active = lengths > t
        # draw uniformly among the actions that do not undo the previous gate
        banned = prev_inv >= 0
        draw = rng.integers(0, num_actions - banned.astype(np.int64))
        draw = np.where(banned & (draw >= prev_inv), draw + 1, draw)
        gates[active, t] = draw[active]
        states[active] = states[active] @ basis.matrices[draw[active]]
        prev_inv = np.where(active, inverses[draw], prev_inv)
    return states, gates
