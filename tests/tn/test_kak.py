"""qgen.tn KAK blocks: 15 parameters per two-qubit unitary; the built circuit reproduces the encoded MPS."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from qiskit.quantum_info import Operator, random_unitary

from qgen.hamiltonians import hamiltonian
from qgen.sim import statevector
from qgen.tn import StaircaseAnsatz, TNError, encode_mps, kak_angles, random_mps, staircase_from_mps
from qgen.tn.layers import layers_statevector
from qgen.tn.sources import dmrg_ground_state

SWAP_ORDER = np.eye(4)[[0, 2, 1, 3]]  # site order (2 s_k + s_k+1) <-> Qiskit order on (k, k+1)


@pytest.mark.parametrize("seed", range(6))
def test_kak_block_equals_the_unitary(seed: int) -> None:
    rng = np.random.default_rng(seed)
    if seed == 0:
        u = np.eye(4, dtype=complex)
    elif seed == 1:
        u = np.kron(random_unitary(2, seed=1).data, random_unitary(2, seed=2).data)
    else:
        u = random_unitary(4, seed=seed).data * np.exp(1j * rng.uniform(0, 6))
    angles, phase = kak_angles(u)
    assert angles.shape == (15,)
    ansatz = StaircaseAnsatz(2, 1)
    qc = ansatz.circuit(global_phase=phase)
    bound = qc.assign_parameters(dict(zip(qc.parameters, angles, strict=True)))
    assert np.abs(Operator(bound).data - SWAP_ORDER @ u @ SWAP_ORDER).max() < 1e-10


def test_zero_parameters_are_the_identity_and_names_sort_in_order() -> None:
    ansatz = StaircaseAnsatz(4, 2)
    qc = ansatz.circuit()
    assert qc.num_parameters == ansatz.num_parameters == 2 * 3 * 15
    assert [p.name for p in qc.parameters] == ansatz.parameter_names
    bound = qc.assign_parameters([0.0] * qc.num_parameters)
    assert np.allclose(Operator(bound).data, np.eye(16))
    assert qc.count_ops() == {"rz": 2 * 3 * 8, "ry": 2 * 3 * 4, "rxx": 6, "ryy": 6, "rzz": 6}
    with pytest.raises(TNError, match="at least 2 qubits"):
        StaircaseAnsatz(1, 1)
    with pytest.raises(TNError, match="4 x 4 unitary"):
        kak_angles(np.ones((4, 4)))


def test_fused_gatelist_is_the_same_circuit() -> None:
    ansatz = StaircaseAnsatz(5, 2)
    values = torch.tensor(np.random.default_rng(0).uniform(-np.pi, np.pi, ansatz.num_parameters))
    a = statevector(ansatz.circuit(global_phase=0.3), values)
    b = statevector(ansatz.gatelist(global_phase=0.3), values)
    assert (a - b).abs().max() < 1e-12
    # gradients agree too
    grads = []
    for circuit in (ansatz.circuit(), ansatz.gatelist()):
        v = values.clone().requires_grad_(True)
        statevector(circuit, v)[3].abs().pow(2).backward()
        grads.append(v.grad)
    assert (grads[0] - grads[1]).abs().max() < 1e-10


@pytest.mark.parametrize("n", [6, 9, 12])
def test_circuit_reproduces_a_bond_two_mps(n: int) -> None:
    """Acceptance: qgen.sim of the built circuit = the MPS contracted to a vector, to 1e-8."""
    mps = random_mps(n, 2, seed=10 + n)
    ansatz = StaircaseAnsatz(n, 1)
    values, phase = ansatz.values_from_layers([staircase_from_mps(mps)])
    target = mps.to_statevector()
    for circuit in (ansatz.circuit(global_phase=phase), ansatz.gatelist(global_phase=phase)):
        psi = statevector(circuit, torch.tensor(values)).numpy()
        assert np.abs(psi - target).max() < 1e-8


def test_circuit_reproduces_the_encoded_state_of_a_dmrg_mps() -> None:
    """Acceptance with several layers: qgen.sim of the circuit = the encoded layers applied to |0...0>."""
    n = 8
    mps = dmrg_ground_state(hamiltonian("heisenberg", n), bond_dims=(8, 16)).mps
    enc = encode_mps(mps, 3, sweeps=1)
    ansatz = StaircaseAnsatz(n, 4)  # one extra layer at zero = identity
    values, phase = ansatz.values_from_layers(enc.layers)
    encoded = layers_statevector(enc.layers, n)
    psi = statevector(ansatz.circuit(global_phase=phase), torch.tensor(values)).numpy()
    assert np.abs(psi - encoded).max() < 1e-8
    fid = abs(np.vdot(mps.to_statevector(), psi)) ** 2
    assert fid == pytest.approx(enc.fidelities[-1], abs=1e-8)
