"""Pools of unique circuits: sampling rules, uniqueness, determinism, save/load, errors."""

from __future__ import annotations

import numpy as np
import pytest

from qgen.search import PoolError, SearchSpace, build_pool, load_pool, pool_from_gatelists, save_pool
from qgen.search.encoding import circuit_depth
from qgen.search.pool import gatelist_to_arrays
from qgen.search.space import structure_key


def test_pool_unique_depth_and_rules() -> None:
    space = SearchSpace(4, 10, 5)
    pool = build_pool(space, 500, seed=3)
    assert len(pool) == 500 and len(set(pool.row_keys())) == 500
    assert len({structure_key(g) for g in pool}) == 500
    cx = space.gate_pool.index("cx")
    for i in range(len(pool)):
        assert circuit_depth(space, pool.gates[i], pool.qubits[i]) <= 5
        for g, (a, b) in zip(pool.gates[i], pool.qubits[i], strict=True):
            if g == cx:
                assert b == (a + 1) % 4
    one = pool.gatelist(0)
    assert one.num_qubits == 4 and len(one.ops) == 10
    assert list(one.parameters) == sorted(one.parameters)  # zero-padded names keep Qiskit's order


def test_pool_deterministic_per_seed() -> None:
    space = SearchSpace(3, 6, 4)
    a, b, c = build_pool(space, 100, seed=1), build_pool(space, 100, seed=1), build_pool(space, 100, seed=2)
    assert np.array_equal(a.gates, b.gates) and np.array_equal(a.qubits, b.qubits)
    assert not np.array_equal(a.gates, c.gates)


def test_coupling_map_is_respected() -> None:
    space = SearchSpace(4, 6, None, gate_pool=("cz", "swap", "cx", "rx"), coupling_map=((0, 1), (2, 3)))
    pool = build_pool(space, 200, seed=0)
    for gates, qubits in zip(pool.gates, pool.qubits, strict=True):
        for g, (a, b) in zip(gates, qubits, strict=True):
            if space.gate_pool[g] != "rx":
                assert {int(a), int(b)} in ({0, 1}, {2, 3})


def test_save_load_round_trip(tmp_path) -> None:
    pool = build_pool(SearchSpace(4, 10, 5), 64, seed=0)
    save_pool(pool, tmp_path / "p")
    again = load_pool(tmp_path / "p")
    assert again.space == pool.space and np.array_equal(again.gates, pool.gates)
    assert np.array_equal(again.qubits, pool.qubits) and again.seed == 0
    assert not [p for p in (tmp_path / "p").iterdir() if p.name.startswith(".")]  # no temp files left


def test_gatelist_arrays_round_trip() -> None:
    space = SearchSpace(4, 10, 5)
    circuits = space.sample_many(20, seed=4)
    pool = pool_from_gatelists(space, circuits)
    for i, g in enumerate(circuits):
        assert structure_key(pool.gatelist(i)) == structure_key(g)


def test_pool_errors(tmp_path) -> None:
    with pytest.raises(PoolError, match="positive"):
        build_pool(SearchSpace(2, 2, None, gate_pool=("h",)), 0)
    with pytest.raises(PoolError, match="only 4 distinct"):
        build_pool(SearchSpace(2, 2, None, gate_pool=("h",)), 5)
    with pytest.raises(PoolError, match="no pool found"):
        load_pool(tmp_path)
    with pytest.raises(PoolError, match="not in the space"):
        gatelist_to_arrays(
            SearchSpace(2, 1, None, gate_pool=("h",)),
            SearchSpace(2, 1, None, gate_pool=("x",)).sample(np.random.default_rng(0)),
        )
