"""OpenQASM 2 includes: read what Qiskit's legacy loader reads, write what its strict loader reads."""

from __future__ import annotations

from pathlib import Path

import pytest
import qiskit.qasm2
import qiskit.qasm3
from qiskit import QuantumCircuit
from qiskit.circuit.library import C3SXGate, C3XGate, C4XGate, RC3XGate, RCCXGate
from qiskit.quantum_info import Operator

from qgen.circuits import dumps, load, validate

CORPUS = Path(__file__).resolve().parents[1] / "data" / "qasmbench"
H2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\n'


def test_program_may_define_a_gate_of_qiskits_qelib1_extension() -> None:
    text = (CORPUS / "vqe_n4.qasm").read_text()
    assert "gate sx a {" in text
    assert [d for d in validate(text) if d.severity == "error"] == []
    assert Operator(load(text).remove_final_measurements(inplace=False)).equiv(
        Operator(qiskit.qasm2.loads(text).remove_final_measurements(inplace=False))
    )
    assert validate(H2 + "gate sx a { h a; }\nsx q[0];\n") == []


def test_non_spec_gates_are_read_with_a_warning() -> None:
    text = H2 + "cp(0.5) q[0],q[1];\nu(1,2,3) q[0];\ncp(0.1) q[1],q[0];\n"
    with pytest.raises(qiskit.qasm2.QASM2ParseError):
        qiskit.qasm2.loads(text)  # the specification's qelib1.inc has neither
    diagnostics = validate(text)
    assert [(d.line, d.severity) for d in diagnostics] == [(4, "warning"), (5, "warning")]
    assert "'cp' is not in the OpenQASM 2 specification's qelib1.inc" in diagnostics[0].message
    assert load(text).count_ops() == {"cp": 2, "u": 1}
    assert validate(H2 + "gate cp(t) a,b { cu1(t) a,b; }\ncp(0.5) q[0],q[1];\n") == []
    assert validate(H2 + "cu1(0.5) q[0],q[1];\n") == []


def _every_qelib1_gate() -> QuantumCircuit:
    qc = QuantumCircuit(5)
    qc.sx(0), qc.cp(0.3, 0, 1), qc.swap(1, 2), qc.u(0.1, 0.2, 0.3, 3), qc.cu(0.1, 0.2, 0.3, 0.4, 0, 4)
    qc.rxx(0.5, 1, 3), qc.rzz(0.2, 2, 4), qc.cswap(0, 1, 2), qc.csx(3, 4), qc.sxdg(2), qc.crx(0.3, 1, 0)
    qc.cry(0.2, 2, 3), qc.p(0.7, 4), qc.id(0), qc.ccx(0, 1, 2), qc.ch(3, 4), qc.crz(0.4, 0, 1)
    for gate, n in ((RC3XGate(), 4), (C3XGate(), 4), (RCCXGate(), 3), (C3SXGate(), 4), (C4XGate(), 5)):
        qc.append(gate, list(range(n)))
    return qc


def test_written_qasm2_loads_with_qiskits_strict_loader() -> None:
    qc = _every_qelib1_gate()
    text = dumps(qc, version=2)
    strict = qiskit.qasm2.loads(text)  # the specification's qelib1.inc only
    assert Operator(strict).equiv(Operator(qc))
    assert Operator(load(text)).equiv(Operator(qc))
    assert [d for d in validate(text) if d.severity == "warning"] == []


def test_written_qasm3_loads_with_qiskits_loader() -> None:
    qc = _every_qelib1_gate()
    again = qiskit.qasm3.loads(dumps(qc, version=3))
    assert Operator(again).equiv(Operator(qc))
