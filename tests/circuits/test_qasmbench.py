"""QASMBench (Li et al. 2022, arXiv:2005.13018): what Qiskit's loaders read, qgen reads to the same state."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import qiskit.qasm2
import qiskit.qasm3
from qiskit import QuantumCircuit
from qiskit.quantum_info import Statevector

from qgen.circuits import load, qasm_version, validate

CORPUS = Path(__file__).resolve().parents[1] / "data" / "qasmbench"
PROGRAMS = sorted(CORPUS.glob("*.qasm"))


def _qiskit_load(text: str) -> QuantumCircuit:
    if qasm_version(text) == 2:
        return qiskit.qasm2.loads(text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    return qiskit.qasm3.loads(text)


def _unitary_part(qc: QuantumCircuit) -> QuantumCircuit | None:
    """The circuit without its final measurements; None if it measures, resets or branches mid-circuit."""
    qc = qc.remove_final_measurements(inplace=False)
    names = {inst.operation.name for inst in qc.data}
    if names & {"measure", "reset", "if_else", "for_loop", "while_loop", "switch_case"}:
        return None
    if any(inst.operation.condition is not None for inst in qc.data if hasattr(inst.operation, "condition")):
        return None
    return qc


def test_corpus_is_present_with_its_licence() -> None:
    assert len(PROGRAMS) == 42
    assert "QASMBench" in (CORPUS / "LICENSE").read_text()


@pytest.mark.parametrize("path", PROGRAMS, ids=[p.stem for p in PROGRAMS])
def test_qgen_reads_what_qiskit_reads_to_the_same_state(path: Path) -> None:
    text = path.read_text()
    try:
        reference = _qiskit_load(text)
    except Exception:  # noqa: BLE001 - Qiskit cannot read it: qgen must not crash, nothing more
        assert isinstance(validate(text), list)
        return
    errors = [d.format() for d in validate(text, filename=path.name) if d.severity == "error"]
    assert errors == []
    ours = load(path)
    assert ours.num_qubits == reference.num_qubits and ours.num_clbits == reference.num_clbits
    a, b = _unitary_part(reference), _unitary_part(ours)
    if a is None or a.num_qubits > 12:
        assert ours.count_ops() == reference.count_ops()
        return
    assert b is not None
    sa, sb = Statevector(a).data, Statevector(b).data
    overlap = abs(np.vdot(sa, sb))
    assert overlap == pytest.approx(1.0, abs=1e-9)
