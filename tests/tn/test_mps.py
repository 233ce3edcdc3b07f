"""qgen.tn: Hamiltonians, Pauli sums as MPO, MPS conversions and gates, DMRG against exact diagonalisation."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit.circuit.library import UnitaryGate
from qiskit.quantum_info import SparsePauliOp, Statevector, random_statevector, random_unitary

from qgen.errors import UnknownNameError
from qgen.hamiltonians import load_hamiltonian
from qgen.tn import MPS, HamiltonianError, TNError, dmrg_ground_state, exact_ground_energy, hamiltonian
from qgen.tn.mpo import mpo_to_matrix, pauli_sum_to_mpo
from qgen.tn.mps import fidelity, random_mps


@pytest.mark.parametrize(
    "op",
    [
        hamiltonian("tfim", 5, field=0.7),
        hamiltonian("heisenberg", 4, field=0.3),
        SparsePauliOp.from_list(
            [("XYZII", 0.3), ("YIIIY", -0.7), ("IZIXI", 1.2), ("YYIII", 0.5), ("IIIII", 2)]
        ),
    ],
)
def test_mpo_equals_the_pauli_sum(op: SparsePauliOp) -> None:
    mpo = pauli_sum_to_mpo(op)
    assert np.abs(mpo_to_matrix(mpo) - op.to_matrix()).max() < 1e-12


def test_mpo_of_a_chain_is_compressed() -> None:
    assert pauli_sum_to_mpo(hamiltonian("tfim", 10)).max_bond() == 3
    assert pauli_sum_to_mpo(hamiltonian("heisenberg", 10)).max_bond() == 5


def test_hamiltonians_follow_qiskit_bit_order() -> None:
    op = hamiltonian("tfim", 3, coupling=2.0, field=0.5)
    expected = SparsePauliOp.from_list(
        [("IZZ", -2), ("ZZI", -2), ("IIX", -0.5), ("IXI", -0.5), ("XII", -0.5)]
    )
    assert op.simplify().equiv(expected.simplify())
    assert exact_ground_energy(hamiltonian("tfim", 2)) == pytest.approx(-np.sqrt(5), abs=1e-12)


def test_unknown_hamiltonian_lists_valid_names() -> None:
    with pytest.raises(UnknownNameError, match="Did you mean 'tfim'.*heisenberg, tfim"):
        hamiltonian("tfin", 4)
    with pytest.raises(HamiltonianError, match="at least 2 qubits"):
        hamiltonian("tfim", 1)


def test_hamiltonian_files(tmp_path) -> None:
    (tmp_path / "h.json").write_text('{"ZZI": -1.0, "IXI": 0.5}')
    (tmp_path / "h2.json").write_text('[["ZZI", -1.0], ["IXI", 0.5]]')
    (tmp_path / "h.txt").write_text("# comment\n-1.0 ZZI\nIXI 0.5\n\n")
    ops = [load_hamiltonian(tmp_path / f) for f in ("h.json", "h2.json", "h.txt")]
    assert all(o.equiv(ops[0]) for o in ops)
    bad = {
        "letters.txt": ("1.0 ZQ\n", "letters \\[.Q.\\]"),
        "number.txt": ("x ZZ\n", "number.txt:1: no number"),
        "lengths.txt": ("1.0 ZZ\n1.0 ZZZ\n", "different lengths"),
        "hermitian.json": ('{"ZZ": [0.0, 1.0]}', "not Hermitian"),
        "syntax.json": ('{"ZZ": 1.0', "invalid JSON"),
        "line.txt": ("1.0 ZZ extra\n", "line.txt:1: expected"),
    }
    for name, (text, message) in bad.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(HamiltonianError, match=message):
            load_hamiltonian(tmp_path / name)
    with pytest.raises(HamiltonianError, match="no such Hamiltonian file"):
        load_hamiltonian(tmp_path / "missing.txt")


def test_statevector_round_trip_in_qiskit_order() -> None:
    psi = random_statevector(2**6, seed=1).data
    mps = MPS.from_statevector(psi)
    assert np.abs(mps.to_statevector() - psi).max() < 1e-12
    assert np.abs(MPS.from_quimb(mps.to_quimb()).to_statevector() - psi).max() < 1e-12
    # qubit 0 is the least significant bit: |...001> has amplitude 1 at index 1
    basis = np.zeros(2**4, dtype=complex)
    basis[1] = 1
    one = MPS.from_statevector(basis)
    assert one.arrays[0][0, 1, 0] != 0 and one.zero_amplitude() == 0


def test_gates_act_like_qiskit_on_the_qubit_list_k_plus_1_k() -> None:
    psi = random_statevector(2**5, seed=2).data
    mps = MPS.from_statevector(psi)
    for k, seed in ((0, 3), (2, 4), (3, 5)):
        gate = random_unitary(4, seed=seed).data
        mps.apply_gate(gate, k, absorb="left" if seed % 2 else "right")
        psi = Statevector(psi).evolve(UnitaryGate(gate), [k + 1, k]).data
    assert np.abs(mps.to_statevector() - psi).max() < 1e-12


def test_truncation_and_canonical_forms() -> None:
    mps = random_mps(8, 8, seed=0)
    assert mps.max_bond == 8 and mps.norm() == pytest.approx(1.0)
    cut = mps.truncate(2)
    assert cut.max_bond == 2 and cut.norm() == pytest.approx(1.0)
    assert 0 < fidelity(cut, mps) < 1
    left = mps.copy().canonicalize(7)
    for a in left.arrays[:-1]:
        m = a.reshape(-1, a.shape[2])
        assert np.allclose(m.conj().T @ m, np.eye(m.shape[1]))
    assert fidelity(left, mps) == pytest.approx(1.0)
    with pytest.raises(TNError, match="expected \\(chi_left, 2, chi_right\\)"):
        MPS([np.zeros((1, 3, 1))])


@pytest.mark.parametrize("name", ["tfim", "heisenberg"])
@pytest.mark.slow
def test_dmrg_matches_sparse_diagonalisation(name: str) -> None:
    op = hamiltonian(name, 8)  # bond dimension 16 = 2^(8/2) holds any 8-qubit state: exact ground state
    ground = dmrg_ground_state(op, bond_dims=(4, 8, 16), seed=1)
    exact = exact_ground_energy(op)
    assert ground.converged
    assert ground.energy == pytest.approx(exact, abs=1e-7)
    psi = ground.mps.to_statevector()
    assert np.vdot(psi, op.to_matrix(sparse=True) @ psi).real == pytest.approx(exact, abs=1e-7)
    again = dmrg_ground_state(op, bond_dims=(4, 8, 16), seed=1)
    assert again.energy == ground.energy
