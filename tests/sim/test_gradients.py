"""Autograd gradients of qgen.sim against the parameter-shift rule and central finite differences."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.quantum_info import SparsePauliOp, Statevector

from qgen.sim import compile_batch, expectation, expectation_values

ROTATIONS = ["rx", "ry", "rz", "rzz", "rxx", "ryy", "p", "crx", "cry", "crz", "cp", "u"]


def param_circuit(n: int, layers: int, seed: int) -> QuantumCircuit:
    """Random layered circuit where every angle is its own parameter."""
    rng = np.random.default_rng(seed)
    count = 0
    gates = []
    for _ in range(layers):
        for q in range(n):
            gates.append(("h", [q], 0) if rng.random() < 0.3 else ("rx", [q], 1))
        for _ in range(n):
            name = ROTATIONS[rng.integers(len(ROTATIONS))]
            k = 2 if name in {"rzz", "rxx", "ryy", "crx", "cry", "crz", "cp"} else 1
            if k > n:
                name, k = "ry", 1
            p = 3 if name == "u" else 1
            gates.append((name, [int(q) for q in rng.choice(n, size=k, replace=False)], p))
            count += p
        if n > 1:
            gates.append(("cx", [0, n - 1], 0))
    count += sum(1 for g in gates if g[0] == "rx")
    theta = ParameterVector("t", count)
    qc = QuantumCircuit(n)
    i = 0
    for name, qubits, p in gates:
        getattr(qc, name)(*theta[i : i + p], *qubits)
        i += p
    return qc


def hamiltonian(n: int, seed: int) -> SparsePauliOp:
    rng = np.random.default_rng(seed)
    labels = ["".join(rng.choice(list("IXYZ"), size=n)) for _ in range(6)]
    return SparsePauliOp(labels, rng.normal(size=6)).simplify()


def energy_np(qc: QuantumCircuit, values: np.ndarray, ham: SparsePauliOp) -> float:
    bound = qc.assign_parameters(dict(zip(qc.parameters, values, strict=True)))
    return float(Statevector(bound).expectation_value(ham).real)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_gradient_matches_parameter_shift(n: int) -> None:
    qc = param_circuit(n, 2, seed=n)
    ham = hamiltonian(n, seed=10 + n)
    rng = np.random.default_rng(n)
    values = rng.uniform(-np.pi, np.pi, size=qc.num_parameters)
    params = torch.tensor(values[None, :], requires_grad=True)
    psi = compile_batch(qc).run(params)
    energy = expectation(psi, ham)
    energy.sum().backward()
    grad = params.grad[0].numpy()
    assert abs(float(energy[0].detach()) - energy_np(qc, values, ham)) < 1e-10
    # central finite differences (exact gradient up to O(h^2)) with h = 1e-5 on every parameter
    h = 1e-5
    fd = np.array(
        [
            (energy_np(qc, values + h * e, ham) - energy_np(qc, values - h * e, ham)) / (2 * h)
            for e in np.eye(len(values))
        ]
    )
    assert np.abs(grad - fd).max() < 1e-6
    # parameter shift is exact for gates exp(-i t P / 2): single-Pauli rotations (rx, ry, rz, rzz, rxx, ryy)
    shift_ok = [
        i for i, p in enumerate(qc.parameters) if _gate_of(qc, p) in {"rx", "ry", "rz", "rzz", "rxx", "ryy"}
    ]
    for i in shift_ok:
        e = np.eye(len(values))[i] * np.pi / 2
        ps = (energy_np(qc, values + e, ham) - energy_np(qc, values - e, ham)) / 2
        assert abs(grad[i] - ps) < 1e-8


def _gate_of(qc: QuantumCircuit, param) -> str:
    for inst in qc.data:
        if any(param in getattr(v, "parameters", set()) for v in inst.operation.params):
            return inst.operation.name
    raise AssertionError(param)


def test_batched_gradients_are_independent() -> None:
    circuits = [param_circuit(3, 2, seed=s) for s in range(4)]
    ham = hamiltonian(3, seed=1)
    batch = compile_batch(circuits)
    rng = np.random.default_rng(0)
    params = torch.tensor(rng.uniform(-3, 3, size=(4, batch.num_parameters)), requires_grad=True)
    expectation(batch.run(params), ham).sum().backward()
    for i, qc in enumerate(circuits):
        p = params.detach()[i : i + 1, : qc.num_parameters].clone().requires_grad_(True)
        expectation(compile_batch(qc).run(p), ham).sum().backward()
        assert torch.allclose(params.grad[i, : qc.num_parameters], p.grad[0], atol=1e-12)
        assert torch.all(params.grad[i, qc.num_parameters :] == 0)


def test_expectation_against_qiskit_for_all_pauli_kinds() -> None:
    rng = np.random.default_rng(4)
    circuits = [
        param_circuit(4, 2, seed=s).assign_parameters(
            rng.uniform(-3, 3, size=param_circuit(4, 2, seed=s).num_parameters)
        )
        for s in range(3)
    ]
    ops = [hamiltonian(4, seed=s) for s in range(3)]
    ops[0] = SparsePauliOp(["XYZI", "YYII", "IIIZ", "ZZZZ"], [0.5, -1.2, 0.3, 2.0])
    per_circuit = expectation_values(circuits, ops).numpy()
    shared = expectation_values(circuits, ops, per_circuit=False).numpy()
    for i, qc in enumerate(circuits):
        sv = Statevector(qc)
        assert abs(per_circuit[i] - sv.expectation_value(ops[i]).real) < 1e-10
        for j, op in enumerate(ops):
            assert abs(shared[i, j] - sv.expectation_value(op).real) < 1e-10


def test_pauli_with_phase_in_group() -> None:
    # a Pauli whose stored phase is non-zero: -i * XZ... = Y-type terms built by composition
    op = (SparsePauliOp("X") @ SparsePauliOp("Z")) * 1j  # = i * XZ = i * (-iY) = Y
    qc = QuantumCircuit(1)
    qc.rx(0.4, 0)
    val = expectation_values(qc, op).item()
    assert abs(val - Statevector(qc).expectation_value(SparsePauliOp("Y")).real) < 1e-12


@pytest.mark.parametrize("fuse", [None, 2, 3])
def test_gradients_with_gate_fusion(fuse) -> None:
    qc = param_circuit(6, 2, seed=3)
    ham = hamiltonian(6, seed=4)
    rng = np.random.default_rng(2)
    values = rng.uniform(-np.pi, np.pi, size=qc.num_parameters)
    params = torch.tensor(values[None, :], requires_grad=True)
    expectation(compile_batch(qc, fuse=fuse).run(params), ham).sum().backward()
    h = 1e-5
    fd = np.array(
        [
            (energy_np(qc, values + h * e, ham) - energy_np(qc, values - h * e, ham)) / (2 * h)
            for e in np.eye(len(values))
        ]
    )
    assert np.abs(params.grad[0].numpy() - fd).max() < 1e-6
