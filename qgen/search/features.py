"""Structural features of pool circuits without a learned model: the circuit as a (layer, qubit, gate) grid.

The input of predictor-based QAS (Zhang et al., "Neural predictor based quantum architecture search",
2021) is an image of the circuit: gates placed in ASAP layers, one channel per gate type on every qubit it
touches. Here a two-qubit gate marks its first qubit (the CNOT control) with its own channel and its second
qubit (the target) with a second channel of that gate, so CNOT direction is kept, as in the DAG encoding.

>>> from qgen.search.pool import build_pool
>>> from qgen.search.space import SearchSpace
>>> pool = build_pool(SearchSpace(2, 2, 2, gate_pool=("h", "cx")), 1, seed=0)
>>> grid_channels(pool.space)
['h', 'cx', 'cx.target']
>>> grid_features(pool).shape  # 2 layers x 2 qubits x 3 channels
(1, 12)
"""

from __future__ import annotations

import numpy as np

from qgen.search.errors import SearchError
from qgen.search.pool import Pool
from qgen.search.space import SearchSpace
from qgen.sim.gates import GATES


def grid_channels(space: SearchSpace) -> list[str]:
    """Channel names of :func:`grid_features`: every gate of the pool, then the targets of 2-qubit gates."""
    two = [g for g in space.gate_pool if GATES[g].num_qubits == 2]
    return [*space.gate_pool, *(f"{g}.target" for g in two)]


def grid_features(pool: Pool) -> np.ndarray:
    """``(N, layers * qubits * channels)`` 0/1 features: which gate sits where in the ASAP layering.

    ``layers`` is the space's depth limit (its gate count when it has none); index order is
    ``[layer, qubit, channel]`` with the channels of :func:`grid_channels`.
    """
    space = pool.space
    n, gates, qubits = space.num_qubits, pool.gates.astype(np.int64), pool.qubits.astype(np.int64)
    count, length = gates.shape
    layers = space.max_depth if space.max_depth is not None else space.num_gates
    names = grid_channels(space)
    is_two = np.array([GATES[g].num_qubits == 2 for g in space.gate_pool])
    target_channel = np.full(len(space.gate_pool), -1)
    target_channel[is_two] = len(space.gate_pool) + np.arange(int(is_two.sum()))
    grid = np.zeros((count, layers, n, len(names)), dtype=np.float32)
    depth = np.zeros((count, n), dtype=np.int64)
    rows = np.arange(count)
    for j in range(length):
        g, a, b = gates[:, j], qubits[:, j, 0], qubits[:, j, 1]
        two = is_two[g]
        b_safe = np.where(two, b, a)
        level = np.where(two, np.maximum(depth[rows, a], depth[rows, b_safe]), depth[rows, a])
        if level.max(initial=0) >= layers:
            raise SearchError(f"a circuit is deeper than the space's {layers} layers")
        grid[rows, level, a, g] = 1.0
        grid[rows[two], level[two], b[two], target_channel[g[two]]] = 1.0
        depth[rows, a] = level + 1
        depth[rows[two], b[two]] = level[two] + 1
    return grid.reshape(count, -1)
