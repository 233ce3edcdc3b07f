"""Circuit -> DAG encoding of the QAS paper, and the way back (decoding with a validity check).

A circuit of ``G`` gates becomes a DAG of ``L = G + 2`` nodes in gate order: node 0 is START, node ``L-1``
is END. Node features are a one-hot gate type over ``[START, *gate_pool, END]`` concatenated with a signed
qubit occupancy vector (one-qubit gate: +1 on its qubit; two-qubit gate: -1 on its first qubit (the CNOT
control) and +1 on its second (the target), so the direction of CNOT is kept; START / END: +1 everywhere).
An edge joins each gate to its nearest predecessor on each wire it touches (START when none), and the last
gate of every wire to END. The adjacency is upper-triangular (edges point forward in gate order).

>>> from qgen.search.pool import build_pool
>>> from qgen.search.space import SearchSpace
>>> pool = build_pool(SearchSpace(2, 3, None, gate_pool=("h", "cx")), 4, seed=1)
>>> enc = encode_pool(pool)
>>> enc.types.shape, enc.occupancy.shape, enc.adjacency.shape
((4, 5), (4, 5, 2), (4, 5, 5))
>>> decoded = decode(pool.space, enc.types, enc.occupancy, enc.adjacency)
>>> [d is not None for d in decoded]
[True, True, True, True]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qgen.search.pool import Pool, arrays_to_gatelist
from qgen.search.space import SearchSpace
from qgen.sim.gatelist import GateList
from qgen.sim.gates import GATES

START, END = "START", "END"


def node_types(space: SearchSpace) -> list[str]:
    """Names of the node types: ``[START, *gate_pool, END]``."""
    return [START, *space.gate_pool, END]


@dataclass
class Encoding:
    """DAG arrays of ``N`` circuits with ``L`` nodes each.

    Attributes:
        types: ``(N, L)`` node type index into :func:`node_types`.
        occupancy: ``(N, L, n)`` signed occupancy in {-1, 0, +1}.
        adjacency: ``(N, L, L)`` 0/1, ``adjacency[i, j] = 1`` for an edge i -> j (i < j).
    """

    types: np.ndarray
    occupancy: np.ndarray
    adjacency: np.ndarray

    def features(self, num_types: int) -> np.ndarray:
        """Node feature matrix ``(N, L, T + n)``: one-hot type, then signed occupancy (float32)."""
        onehot = np.eye(num_types, dtype=np.float32)[self.types]
        return np.concatenate([onehot, self.occupancy.astype(np.float32)], axis=-1)

    def __len__(self) -> int:
        return int(self.types.shape[0])


def encode_arrays(space: SearchSpace, gates: np.ndarray, qubits: np.ndarray) -> Encoding:
    """Encode pool rows ``gates (N, G)``, ``qubits (N, G, 2)`` as DAG arrays (vectorised over circuits)."""
    count, g = gates.shape
    n = space.num_qubits
    length = g + 2
    arity = np.array([GATES[name].num_qubits for name in space.gate_pool])
    types = np.empty((count, length), dtype=np.int64)
    types[:, 0] = 0
    types[:, 1:-1] = gates.astype(np.int64) + 1
    types[:, -1] = len(space.gate_pool) + 1
    occ = np.zeros((count, length, n), dtype=np.int8)
    occ[:, 0] = 1
    occ[:, -1] = 1
    adj = np.zeros((count, length, length), dtype=np.uint8)
    last = np.zeros((count, n), dtype=np.int64)  # node index of the last gate on each wire (0 = START)
    rows = np.arange(count)
    two = arity[gates] == 2
    for j in range(g):
        node = j + 1
        q0 = qubits[:, j, 0].astype(np.int64)
        q1 = qubits[:, j, 1].astype(np.int64)
        sel = two[:, j]
        occ[rows, node, q0] = np.where(sel, -1, 1)
        occ[rows[sel], node, q1[sel]] = 1
        adj[rows, last[rows, q0], node] = 1
        adj[rows[sel], last[rows[sel], q1[sel]], node] = 1
        last[rows, q0] = node
        last[rows[sel], q1[sel]] = node
    for q in range(n):
        adj[rows, last[:, q], length - 1] = 1
    return Encoding(types, occ, adj)


def encode_pool(pool: Pool) -> Encoding:
    """Encode every circuit of a pool."""
    return encode_arrays(pool.space, pool.gates, pool.qubits)


def decode_rows(
    space: SearchSpace, types: np.ndarray, occupancy: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """Pool rows of one decoded node sequence, or ``None`` when it is not a circuit of the space.

    Checks: START first, END last, gates in between; each gate's occupancy matches its arity (one +1 for a
    one-qubit gate; one -1 and one +1 for a two-qubit gate, the CNOT target being ``(control + 1) mod n``
    unless the space has a coupling map, whose edges are then required).
    """
    num_types = len(space.gate_pool) + 2
    if types[0] != 0 or types[-1] != num_types - 1:
        return None
    body = types[1:-1]
    if len(body) != space.num_gates or np.any((body < 1) | (body > num_types - 2)):
        return None
    gates = (body - 1).astype(np.int16)
    qubits = np.full((space.num_gates, 2), -1, dtype=np.int8)
    edges = None
    if space.coupling_map is not None:
        edges = {tuple(sorted(e)) for e in space.coupling_map}
    for j, gidx in enumerate(gates.tolist()):
        name = space.gate_pool[gidx]
        occ = occupancy[j + 1]
        plus, minus = np.flatnonzero(occ == 1), np.flatnonzero(occ == -1)
        if GATES[name].num_qubits == 1:
            if len(plus) != 1 or len(minus) != 0:
                return None
            qubits[j, 0] = plus[0]
            continue
        if len(plus) != 1 or len(minus) != 1:
            return None
        a, b = int(minus[0]), int(plus[0])
        if edges is not None:
            if tuple(sorted((a, b))) not in edges:
                return None
        elif name == "cx" and b != (a + 1) % space.num_qubits:
            return None
        qubits[j] = (a, b)
    return gates, qubits


def circuit_depth(space: SearchSpace, gates: np.ndarray, qubits: np.ndarray) -> int:
    """Depth (layers of gates) of one circuit in pool rows."""
    depth = [0] * space.num_qubits
    for gidx, qs in zip(gates.tolist(), qubits.tolist(), strict=True):
        used = qs[: GATES[space.gate_pool[gidx]].num_qubits]
        level = max(depth[q] for q in used) + 1
        for q in used:
            depth[q] = level
    return max(depth)


def decode(
    space: SearchSpace, types: np.ndarray, occupancy: np.ndarray, adjacency: np.ndarray | None = None
) -> list[GateList | None]:
    """Decode ``N`` node sequences into circuits; ``None`` marks an invalid one.

    A decoded graph is valid when :func:`decode_rows` accepts it, the circuit is within the space's depth
    limit, and (if ``adjacency`` is given) the adjacency equals the one the gate sequence implies.
    """
    out: list[GateList | None] = []
    for i in range(types.shape[0]):
        rows = decode_rows(space, types[i], occupancy[i])
        if rows is None:
            out.append(None)
            continue
        gates, qubits = rows
        if space.max_depth is not None and circuit_depth(space, gates, qubits) > space.max_depth:
            out.append(None)
            continue
        if adjacency is not None:
            implied = encode_arrays(space, gates[None], qubits[None]).adjacency[0]
            if not np.array_equal(implied, np.asarray(adjacency[i], dtype=np.uint8)):
                out.append(None)
                continue
        out.append(arrays_to_gatelist(space, gates, qubits))
    return out
