"""Structural profiles against hand-counted values."""

from __future__ import annotations

from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

from qgen.circuits import profile


def test_profile_of_a_hand_built_circuit() -> None:
    qc = QuantumCircuit(4, 2)
    qc.h(0)
    qc.cx(0, 1)
    qc.rz(Parameter("a"), 1)
    qc.cx(1, 2)
    qc.ccx(0, 1, 3)
    qc.barrier()
    qc.measure([0, 1], [0, 1])
    p = profile(qc)
    assert (p.num_qubits, p.num_clbits, p.size) == (4, 2, 5)
    assert p.gate_counts == {"ccx": 1, "cx": 2, "h": 1, "measure": 2, "rz": 1}
    assert p.two_qubit_count == 3 and abs(p.two_qubit_fraction - 0.6) < 1e-12
    assert p.two_qubit_depth == 3  # cx(0,1) -> cx(1,2) -> ccx(0,1,3)
    assert p.depth == 6  # h, cx, rz, cx, ccx, measure
    assert p.num_parameters == 1 and p.measurements == 2
    assert p.interaction_edges == [(0, 1), (0, 3), (1, 2), (1, 3)]
    assert p.max_degree == 3  # qubit 1 touches 0, 2, 3
    assert abs(p.density - 4 / 6) < 1e-12
    d = p.to_dict()
    assert d["num_edges"] == 4 and d["interaction_edges"][0] == [0, 1]


def test_profile_of_empty_circuit() -> None:
    p = profile(QuantumCircuit(1))
    assert (p.depth, p.size, p.two_qubit_fraction, p.density, p.max_degree) == (0, 0, 0.0, 0.0, 0)


def test_profile_counts_the_gates_inside_control_flow() -> None:
    """Two-qubit gates in both branches of an if_else count, on the outer circuit's qubits."""
    qc = QuantumCircuit(3, 1)
    qc.h(0)
    qc.measure(0, 0)
    with qc.if_test((qc.clbits[0], 1)) as else_:
        qc.cx(1, 2)
    with else_:
        qc.cz(0, 2)
        qc.x(1)
    p = profile(qc)
    assert (p.two_qubit_count, p.size) == (2, 4)
    assert p.interaction_edges == [(0, 2), (1, 2)]
    assert p.gate_counts == {"cx": 1, "cz": 1, "h": 1, "if_else": 1, "measure": 1, "x": 1}
