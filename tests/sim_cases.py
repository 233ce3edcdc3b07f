"""Random circuits over every gate qgen.sim supports natively (shared by the tests of tests/sim)."""

from __future__ import annotations

import numpy as np
from qiskit import QuantumCircuit
from qiskit.circuit.library import UnitaryGate, XXPlusYYGate
from qiskit.quantum_info import random_unitary

from qgen.sim import GATES

# every gate qgen.sim supports natively, with (arity, number of angles)
NATIVE = {name: (spec.num_qubits, spec.num_params) for name, spec in GATES.items()}


def random_circuit(n: int, depth: int, rng: np.random.Generator, extra_dense: bool = True) -> QuantumCircuit:
    """A random circuit over every native gate that fits in ``n`` qubits, plus dense-unitary gates."""
    names = [g for g, (k, _) in NATIVE.items() if k <= n]
    qc = QuantumCircuit(n)
    for _ in range(depth):
        name = names[rng.integers(len(names))]
        k, p = NATIVE[name]
        qubits = [int(q) for q in rng.choice(n, size=k, replace=False)]
        angles = [float(a) for a in rng.uniform(-2 * np.pi, 2 * np.pi, size=p)]
        getattr_name = {"id": "id", "u": "u", "p": "p"}.get(name, name)
        qc.append(qc_gate(getattr_name, angles), qubits)
    if extra_dense and n >= 2:
        qc.append(UnitaryGate(random_unitary(4, seed=int(rng.integers(1 << 30)))), [0, n - 1])
        qc.append(XXPlusYYGate(0.3, 0.1), [n - 1, 0])
    if extra_dense and n >= 3:
        qc.append(UnitaryGate(random_unitary(8, seed=int(rng.integers(1 << 30)))), [2, 0, 1])
    qc.global_phase = float(rng.uniform(0, 2 * np.pi))
    return qc


def qc_gate(name: str, angles: list[float]):
    """A Qiskit gate object by its OpenQASM name."""
    from qiskit.circuit.library import get_standard_gate_name_mapping

    mapping = get_standard_gate_name_mapping()
    extra = {"u1": "u1", "u2": "u2", "u3": "u3", "cu1": "cu1", "cu3": "cu3"}
    if name in mapping:
        gate = mapping[name]
        if angles:
            gate = type(gate)(*angles)
        return gate
    from qiskit.circuit.library import CU1Gate, CU3Gate, U1Gate, U2Gate, U3Gate

    cls = {"u1": U1Gate, "u2": U2Gate, "u3": U3Gate, "cu1": CU1Gate, "cu3": CU3Gate}[extra[name]]
    return cls(*angles)
