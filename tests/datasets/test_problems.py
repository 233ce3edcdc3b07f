"""Problem families: Ising encodings, exact enumeration against brute force, feasible ground states."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp

from qgen.datasets.errors import DatasetError
from qgen.datasets.problems import (
    PROBLEMS,
    diagonal_energies,
    hubo_to_ising,
    make_instance,
    solve_exact,
)
from qgen.errors import UnknownNameError


def qiskit_diagonal(op: SparsePauliOp) -> np.ndarray:
    """Brute force: Qiskit's own dense matrix diagonal."""
    return np.real(op.to_matrix(sparse=True).diagonal())


def test_at_least_twelve_families() -> None:
    assert len(PROBLEMS) >= 12
    for name in (
        "maxcut",
        "weighted_maxcut",
        "hypergraph_maxcut",
        "vertex_cover",
        "edge_cover",
        "set_cover",
        "independent_set",
        "clique",
        "graph_coloring",
        "graph_partition",
        "number_partition",
        "knapsack",
        "tsp",
        "hamiltonian_path",
    ):
        assert name in PROBLEMS


def _sizes(name: str) -> list[int]:
    sizes = sorted(PROBLEMS[name].sizes(9).items(), key=lambda kv: kv[1])
    picked = [sizes[0], sizes[len(sizes) // 2], sizes[-1]]
    return sorted({s for s, q in picked if q <= 9})


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_ground_states_are_feasible_optima(name: str) -> None:
    """Exact enumeration = brute force; ground states feasible and optimal; penalties never reward."""
    fam = PROBLEMS[name]
    sign = fam.energy_sign()
    for size in _sizes(name):
        for seed in range(3):
            inst = make_instance(name, size, seed=seed)
            n = inst.num_qubits
            diag = qiskit_diagonal(inst.hamiltonian)
            sol = solve_exact(inst.hamiltonian)
            assert sol.ground_energy == pytest.approx(diag.min(), abs=1e-9)
            assert sol.max_energy == pytest.approx(diag.max(), abs=1e-9)
            ground = {format(i, f"0{n}b") for i in np.flatnonzero(diag <= diag.min() + 1e-9)}
            assert set(sol.ground_states) == ground
            above = diag[diag > diag.min() + 1e-9]
            if above.size:
                assert sol.first_excited_energy == pytest.approx(above.min(), abs=1e-9)
            best = np.inf
            for i, energy in enumerate(diag):
                x = np.array([(i >> k) & 1 for k in range(n)])
                feasible, objective = fam.evaluate(inst, x)
                if feasible:
                    assert energy >= sign * objective - 1e-9, (name, size, seed, i)
                    best = min(best, sign * objective)
            assert sol.ground_energy == pytest.approx(best, abs=1e-9), (name, size, seed)
            for bits in sol.ground_states:
                feasible, objective = fam.evaluate(inst, inst.bits(bits))
                assert feasible, (name, size, seed, bits)
                assert sign * objective == pytest.approx(sol.ground_energy, abs=1e-9)


def test_qubit_order_is_qiskit_order() -> None:
    # weight on x_0 only: the ground state of -x_0 sets the rightmost character
    op = hubo_to_ising(3, {(0,): -1.0})
    assert set(solve_exact(op).ground_states) == {"001", "011", "101", "111"}


def test_hubo_to_ising_matches_polynomial() -> None:
    rng = np.random.default_rng(0)
    n = 7
    terms = {}
    for _ in range(15):
        k = int(rng.integers(1, 5))
        terms[tuple(sorted(rng.choice(n, size=k, replace=False).tolist()))] = float(rng.normal())
    op = hubo_to_ising(n, terms, constant=1.5)
    diag = qiskit_diagonal(op)
    for i in range(2**n):
        x = [(i >> k) & 1 for k in range(n)]
        value = 1.5 + sum(c * np.prod([x[k] for k in s]) for s, c in terms.items())
        assert diag[i] == pytest.approx(value, abs=1e-9)


def test_enumeration_chunks_and_large_instances() -> None:
    rng = np.random.default_rng(1)
    n = 18
    terms = {
        tuple(sorted(rng.choice(n, size=3, replace=False).tolist())): float(rng.normal()) for _ in range(40)
    }
    op = hubo_to_ising(n, terms)
    energies = diagonal_energies(op)
    sample = rng.integers(0, 2**n, size=200)
    for i in sample:
        x = [(int(i) >> k) & 1 for k in range(n)]
        value = sum(c * np.prod([x[k] for k in s]) for s, c in terms.items())
        assert energies[i] == pytest.approx(value, abs=1e-9)
    part = diagonal_energies(op, 1000, 5000)
    assert np.array_equal(part, energies[1000:5000])
    sol = solve_exact(op)
    assert sol.ground_energy == pytest.approx(energies.min())
    assert all(energies[int(b, 2)] == pytest.approx(energies.min()) for b in sol.ground_states)


def test_same_seed_same_instance_and_errors() -> None:
    a, b = make_instance("knapsack", 8, seed=5), make_instance("knapsack", 8, seed=5)
    assert a.hamiltonian == b.hamiltonian and a.data == b.data
    assert make_instance("knapsack", 8, seed=6).data != a.data
    with pytest.raises(UnknownNameError, match="Did you mean 'maxcut'"):
        make_instance("maxcutt", 4)
    with pytest.raises(DatasetError, match="no size"):
        make_instance("tsp", 9)
    with pytest.raises(DatasetError, match="diagonal"):
        solve_exact(SparsePauliOp(["XZ"]))


def test_encodings_have_the_documented_structure() -> None:
    hyper = make_instance("hypergraph_maxcut", 8, seed=0)
    orders = {label.count("Z") for label in hyper.hamiltonian.paulis.to_labels()}
    assert (4 in orders) == any(len(e) == 4 for e in hyper.data["hyperedges"])
    sat = make_instance("max_3sat", 6, seed=0)
    assert max(label.count("Z") for label in sat.hamiltonian.paulis.to_labels()) == 3
    tsp = make_instance("tsp", 4, seed=0)
    assert tsp.num_qubits == 9 and len(solve_exact(tsp.hamiltonian).ground_states) % 2 == 0  # tour, reverse
    for inst in (hyper, sat, tsp):
        assert list(itertools.islice(inst.hamiltonian.paulis.to_labels(), 1)) == ["I" * inst.num_qubits]
