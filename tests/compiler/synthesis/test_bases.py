"""Bases, the phase-invariant encoding, distances and reverse random walks of the learned synthesiser."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.quantum_info import Operator

from qgen.compiler.synthesis.aqstar.words import cliffords, hamilton
from qgen.compiler.synthesis.bases import BASES, get_basis
from qgen.compiler.synthesis.errors import SynthesisError
from qgen.compiler.synthesis.rl.features import ptm_features
from qgen.compiler.synthesis.rl.walks import random_walks
from qgen.compiler.synthesis.unitaries import (
    check_eps,
    check_unitary,
    cx_matrix,
    distance,
    distance_to_identity,
    haar_unitaries,
    quaternion_matrix,
    quaternions,
    rz_matrix,
)
from qgen.compiler.synthesis.words import simplify, word_matrix
from qgen.errors import UnknownNameError

RNG = np.random.default_rng(7)


def test_registry_lists_bases_and_suggests() -> None:
    assert set(BASES) == {"clifford_t", "ht", "hrc", "clifford_t_cx"}
    with pytest.raises(UnknownNameError, match="Did you mean 'hrc'"):
        get_basis("hcr")


@pytest.mark.parametrize(
    ("name", "actions", "inverses"),
    [
        ("clifford_t", 5, [0, 2, 1, 4, 3]),
        ("ht", 2, [0, -1]),
        ("hrc", 6, [1, 0, 3, 2, 5, 4]),
    ],
)
def test_single_qubit_bases(name: str, actions: int, inverses: list[int]) -> None:
    b = get_basis(name)
    assert b.num_actions == actions and b.inverses.tolist() == inverses
    for a, inv in enumerate(inverses):
        if inv >= 0:
            assert distance(b.matrices[a] @ b.matrices[inv], np.eye(2)) < 1e-7


def test_hrc_gates_are_the_v_gates() -> None:
    vx = get_basis("hrc").matrices[0]
    expected = (np.eye(2) + 2j * np.array([[0, 1], [1, 0]])) / np.sqrt(5)
    np.testing.assert_allclose(vx, expected, atol=1e-15)


def test_two_qubit_basis_matches_qiskit_bit_order() -> None:
    b = get_basis("clifford_t_cx")
    assert b.num_actions == 12
    for gate, (name, qubits) in zip(b.gates, [(g.name, g.qubits) for g in b.gates], strict=True):
        qc = QuantumCircuit(2)
        getattr(qc, name)(*qubits)
        np.testing.assert_allclose(gate.matrix, Operator(qc).data, atol=1e-12)
    np.testing.assert_array_equal(
        cx_matrix(1, 0), np.eye(4)[[0, 1, 3, 2]]
    )  # control q1 flips q0: |2> <-> |3>
    assert b.labels([0, 10]) == ["h q0", "cx q0,q1"]


def test_ptm_is_phase_invariant_and_encodes_the_overlap() -> None:
    u, v = haar_unitaries(1, 2, RNG)
    fu, fv = ptm_features(u), ptm_features(np.exp(0.7j) * u)
    np.testing.assert_allclose(fu, fv, atol=1e-6)
    rot = fu.reshape(3, 3).astype(float)
    np.testing.assert_allclose(rot @ rot.T, np.eye(3), atol=1e-5)  # one qubit: SO(3)
    assert abs(np.linalg.det(rot) - 1) < 1e-5
    # sum_ij R^U_ij R^V_ij = |tr(U^dag V)|^2 - 1 (non-identity part of the superoperator inner product)
    for n in (1, 2):
        a, b = haar_unitaries(n, 2, RNG)
        lhs = float(np.dot(ptm_features(a).astype(float), ptm_features(b).astype(float)))
        assert lhs == pytest.approx(abs(np.trace(a.conj().T @ b)) ** 2 - 1, abs=1e-5)
    assert ptm_features(np.eye(4)).shape == (225,)


def test_quaternions_products_and_distance() -> None:
    u, v = haar_unitaries(1, 2, RNG)
    q, p = quaternions(u), quaternions(v)
    assert abs(q @ p) == pytest.approx(abs(np.trace(u.conj().T @ v)) / 2, abs=1e-12)
    assert distance(quaternion_matrix(hamilton(q, p)), u @ v) < 1e-7
    assert distance(u, u * np.exp(1.1j)) < 1e-7
    assert distance(np.eye(2), np.array([[0, 1], [1, 0]])) == pytest.approx(1.0)
    # Rz(theta) vs I: sqrt(1 - cos^2(theta/2)) = |sin(theta/2)|
    assert distance_to_identity(rz_matrix(0.3)) == pytest.approx(np.sin(0.15), abs=1e-12)


def test_cliffords_and_simplify() -> None:
    quats, words = cliffords()
    assert len(words) == 24 and words[0] == ()
    overlaps = np.abs(quats @ quats.T)
    assert np.all(overlaps[~np.eye(24, dtype=bool)] < 1 - 1e-9)  # all distinct up to phase
    assert simplify(["t", "t", "h", "h", "s", "tdg", "x", "x"]) == ["s", "t"]
    word = list(RNG.choice(["h", "s", "sdg", "t", "tdg", "x", "z"], size=40))
    short = simplify(word)
    assert distance(word_matrix(short), word_matrix(word)) < 1e-7
    assert sum(g in ("t", "tdg") for g in short) <= sum(g in ("t", "tdg") for g in word)


@pytest.mark.parametrize("name", ["clifford_t", "ht", "hrc", "clifford_t_cx"])
def test_reverse_walks_are_undone_by_their_reversal(name: str) -> None:
    b = get_basis(name)
    lengths = np.array([0, 1, 5, 12])
    states, gates = random_walks(b, lengths, np.random.default_rng(3))
    for state, row, k in zip(states, gates, lengths, strict=True):
        assert (row[k:] == -1).all()
        rest = state.copy()
        for a in row[:k][::-1]:  # environment actions: R -> R g_a^dag
            rest = rest @ b.matrices[a].conj().T
        assert distance_to_identity(rest) < 1e-7
        for prev, nxt in zip(row[:k][:-1], row[:k][1:], strict=True):
            assert b.inverses[prev] != nxt  # never undoes the previous gate


def test_input_validation_messages() -> None:
    with pytest.raises(SynthesisError, match="2x2 matrix"):
        check_unitary(np.eye(4), 1)
    with pytest.raises(SynthesisError, match="not unitary"):
        check_unitary(np.ones((2, 2)), 1)
    with pytest.raises(SynthesisError, match="non-finite"):
        check_unitary(np.array([[np.nan, 0], [0, 1]]), 1)
    with pytest.raises(SynthesisError, match=r"eps must be in \(0, 1\)"):
        check_eps(0.0)
    with pytest.raises(SynthesisError, match="unknown cost"):
        get_basis("clifford_t").costs("depth")
    costs = get_basis("clifford_t").costs("t")
    assert costs.tolist() == [0.01, 0.01, 0.01, 1.0, 1.0]


@pytest.mark.parametrize("name", ["clifford_t", "hrc", "clifford_t_cx"])
def test_a_basis_prints_and_lowers_its_words(name: str) -> None:
    """labels -> label_matrix and labels -> to_circuit give the word's matrix (Qiskit order, with phase)."""
    basis = get_basis(name)
    _, gates = random_walks(basis, np.array([7]), np.random.default_rng(3))
    labels = basis.labels(gates[0])
    u = basis.word_matrix(gates[0])
    np.testing.assert_allclose(basis.label_matrix(labels), u, atol=1e-12)
    if name != "hrc":  # the V-gates are qgen names, not Qiskit gates
        np.testing.assert_allclose(Operator(basis.to_circuit(labels)).data, u, atol=1e-12)
    with pytest.raises(SynthesisError, match="not in basis"):
        basis.label_matrix(["nope"])
