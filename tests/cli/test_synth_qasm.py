"""``qgen synth --qasm``: the word as a circuit, in the order the output states."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from qiskit.circuit.library import RZGate
from qiskit.quantum_info import Operator
from typer.testing import CliRunner

import qgen
from qgen.cli.app import app

runner = CliRunner()


@pytest.mark.slow
def test_synth_writes_the_word_as_qasm(tmp_path: Path) -> None:
    out = tmp_path / "word.qasm"
    res = runner.invoke(app, ["synth", "--rz", "0.3", "--eps", "1e-2", "--qasm", str(out), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["order"].startswith("circuit order: the first gate acts first") and data["qasm"] == str(out)
    circuit = qgen.load(out)
    assert [inst.operation.name for inst in circuit.data] == data["gates"]  # same order as printed
    u, target = Operator(circuit).data, RZGate(0.3).to_matrix()
    assert np.sqrt(max(0.0, 1 - abs(np.trace(target.conj().T @ u) / 2) ** 2)) <= 1e-2
    assert np.allclose(u, target, atol=2e-2)  # the global phase is written too
    text = runner.invoke(app, ["synth", "--rz", "0.3", "--eps", "1e-2"], env={"COLUMNS": "200"}).output
    assert "word (circuit order: the first gate acts first; as a matrix product the word reads right" in text
