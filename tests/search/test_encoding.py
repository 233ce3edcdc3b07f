"""The circuit DAG encoding (START/END, signed occupancy, nearest-predecessor edges) and decoding."""

from __future__ import annotations

import numpy as np

from qgen.search import SearchSpace, build_pool
from qgen.search.encoding import decode, encode_arrays, encode_pool, node_types
from qgen.search.pool import gatelist_to_arrays
from qgen.search.space import structure_key
from qgen.sim import GateList

SPACE = SearchSpace(3, 4, None, gate_pool=("h", "rx", "cx", "cz"))


def _encode(ops):
    g, q = gatelist_to_arrays(SPACE, GateList(3, ops))
    return encode_arrays(SPACE, g[None], q[None])


def test_encoding_by_hand() -> None:
    # h q0; cx q0->q1; rx q2; cz q2,q1
    enc = _encode([("h", [0]), ("cx", [0, 1]), ("rx", [2], ["a"]), ("cz", [2, 1])])
    names = node_types(SPACE)
    assert [names[t] for t in enc.types[0]] == ["START", "h", "cx", "rx", "cz", "END"]
    occ = enc.occupancy[0]
    assert occ[0].tolist() == [1, 1, 1] and occ[-1].tolist() == [1, 1, 1]
    assert occ[1].tolist() == [1, 0, 0]  # h on q0: +1
    assert occ[2].tolist() == [-1, 1, 0]  # cx: control -1, target +1
    assert occ[4].tolist() == [0, 1, -1]  # cz(q2, q1): first qubit -1
    edges = {(int(i), int(j)) for i, j in zip(*np.nonzero(enc.adjacency[0]), strict=True)}
    assert edges == {(0, 1), (1, 2), (0, 2), (0, 3), (2, 4), (3, 4), (2, 5), (4, 5)}
    assert np.all(np.tril(enc.adjacency[0]) == 0)


def test_cnot_direction_is_kept() -> None:
    a = _encode([("cx", [0, 1])] * 4)
    b = _encode([("cx", [1, 2])] * 4)
    assert not np.array_equal(a.occupancy, b.occupancy)


def test_decode_round_trip_and_invalid() -> None:
    space = SearchSpace(4, 10, 5)
    pool = build_pool(space, 50, seed=0)
    enc = encode_pool(pool)
    back = decode(space, enc.types, enc.occupancy, enc.adjacency)
    assert [structure_key(b) for b in back] == pool.keys()
    types, occ, adj = enc.types.copy(), enc.occupancy.copy(), enc.adjacency.copy()
    types[0, 0] = 3  # START replaced
    occ[1, 1] = 0  # a gate without qubits
    adj[2, 0, -1] = 1 - adj[2, 0, -1]  # an edge the gates do not imply
    out = decode(space, types[:3], occ[:3], adj[:3])
    assert out == [None, None, None]
    cx = space.gate_pool.index("cx") + 1
    types, occ = enc.types[:1].copy(), enc.occupancy[:1].copy()
    types[0, 1], occ[0, 1] = cx, np.array([-1, 0, 1, 0])  # CNOT target not (control + 1) mod n
    assert decode(space, types, occ) == [None]


def test_features_width() -> None:
    pool = build_pool(SearchSpace(4, 10, 5), 5, seed=0)
    feats = encode_pool(pool).features(len(node_types(pool.space)))
    assert feats.shape == (5, 12, 17)  # 13 types + 4 qubits: the paper's input_dim 17
