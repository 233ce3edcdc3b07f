"""``qgen tn-init`` end to end through Typer's CliRunner: files, values, round trip, clear errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from qgen.cli.app import app
from qgen.sim import expectation_values, statevector
from qgen.tn import exact_ground_energy, hamiltonian
from qgen.tn.io import load_tn_init

runner = CliRunner()


def test_tn_init_writes_qasm_and_values(tmp_path) -> None:
    out = tmp_path / "init.qasm"
    result = runner.invoke(app, ["tn-init", "-H", "heisenberg", "-n", "6", "-l", "2", "-o", str(out),
                                 "--extra-layers", "1", "--seed", "5"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "state fidelity" in result.stdout and "wrote" in result.stderr
    record = json.loads((tmp_path / "init.json").read_text())
    assert record["command"]["seed"] == 5 and record["settings"]["seed"] == 5
    assert record["metric"] == "state fidelity |<mps|circuit>|^2"
    assert len(record["fidelities"]) == 2 and record["fidelities"][1] >= record["fidelities"][0]
    text = out.read_text()
    assert "OPENQASM 3.0;" in text and "input float[64] t0_0_00;" in text
    circuit, values = load_tn_init(out)
    assert circuit.num_parameters == 3 * 5 * 15
    op = hamiltonian("heisenberg", 6)
    e = float(expectation_values(circuit, op, torch.tensor(values)))
    assert e < exact_ground_energy(op) + 0.5
    psi = statevector(circuit, torch.tensor(values)).numpy()
    assert np.linalg.norm(psi) == pytest.approx(1.0)


def test_tn_init_from_a_pauli_file_with_json_output(tmp_path) -> None:
    ham = tmp_path / "h.txt"
    ham.write_text("-1.0 IIZZ\n-1.0 IZZI\n-1.0 ZZII\n-0.5 IIIX\n-0.5 IIXI\n-0.5 IXII\n-0.5 XIII\n")
    out = tmp_path / "sub" / "c.qasm"
    result = runner.invoke(app, ["tn-init", "-H", str(ham), "-l", "1", "-o", str(out), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["num_qubits"] == 4 and data["values"].endswith("c.json")
    assert data["mps_energy"] == pytest.approx(
        exact_ground_energy(hamiltonian("tfim", 4, field=0.5)), abs=1e-8
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-H", "tfimm", "-n", "4"], "unknown hamiltonian 'tfimm'. Did you mean 'tfim'?"),
        (["-H", "tfim"], "--qubits is needed"),
        (["-H", "tfim", "-n", "4", "-l", "0"], "--layers must be >= 1"),
        (["-H", "tfim", "-n", "1"], "at least 2 qubits"),
        (["-H", "BAD", "-n", "4"], ":1: no number"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, monkeypatch, args, message) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "BAD").write_text("ZZ ZZ\n")
    result = runner.invoke(app, ["tn-init", *args, "-o", "out.qasm"])
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.startswith("qgen: error:")
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BAD"]
