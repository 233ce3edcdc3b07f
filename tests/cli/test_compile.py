"""``qgen compile`` / ``targets`` / ``run`` through Typer's CliRunner (the sub-app of qgen.cli.compile)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import qgen
from qgen.cli import compile as compile_cli

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()
app = typer.Typer()
app.command("compile")(compile_cli.compile_cmd)
app.command("targets")(compile_cli.targets_cmd)
app.command("run")(compile_cli.run_cmd)


def test_targets_lists_every_target() -> None:
    res = runner.invoke(app, ["targets", "--json"])
    assert res.exit_code == 0
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    assert (
        rows["quantinuum-h2"]["basis_gates"] == ["rz", "r", "rzz"] and rows["ibm-torino"]["num_qubits"] == 133
    )
    table = runner.invoke(app, ["targets"])
    assert table.exit_code == 0 and "all-to-all" in table.stdout


def test_compile_writes_qasm_and_prints_the_table(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "ghz_h2.qasm"
    res = runner.invoke(
        app,
        [
            "compile",
            str(EXAMPLES / "ghz.qasm"),
            "--target",
            "quantinuum-h2",
            "--engine",
            "tket",
            "-O",
            "2",
            "-o",
            str(out),
            "--qasm-version",
            "2",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "2-qubit gates" in res.stdout and "verified: equivalent" in res.stdout
    compiled = qgen.load(out)
    assert set(compiled.count_ops()) <= {"rz", "r", "rzz", "measure", "barrier"}


def test_compile_json(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["compile", str(EXAMPLES / "qaoa_maxcut.qasm"), "-t", "ibm-torino", "-e", "qiskit", "--json"]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["target"]["name"] == "ibm-torino" and data["parameters"] == ["beta", "gamma"]
    assert data["verdict"]["equivalent"] and "input float[64] gamma;" in data["qasm"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--target", "quantinum-h2"], "unknown target 'quantinum-h2'. Did you mean 'quantinuum-h2'?"),
        (["--target", "quantinuum-h1", "--engine", "bestt"], "Did you mean 'best'?"),
        (["--target", "generic", "--target-options", "{bad"], "--target-options must be a JSON object"),
        (["--qasm-version", "4"], "--qasm-version must be 2 or 3"),
    ],
)
def test_bad_options_give_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "out.qasm"
    res = runner.invoke(app, ["compile", str(EXAMPLES / "ghz.qasm"), "-o", str(out), *args])
    assert res.exit_code == 1 and message in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output
    assert not out.exists()


def test_bad_inputs_leave_no_output_file(tmp_path: Path) -> None:
    out = tmp_path / "out.qasm"
    broken = runner.invoke(app, ["compile", str(EXAMPLES / "broken.qasm"), "-o", str(out)])
    assert broken.exit_code == 1 and "broken.qasm:6:12:" in broken.stderr and not out.exists()
    wide = tmp_path / "wide.qasm"
    wide.write_text('OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[21];\nh q[20];\n')
    too_wide = runner.invoke(app, ["compile", str(wide), "-t", "quantinuum-h1", "-o", str(out)])
    assert too_wide.exit_code == 1 and "has only 20" in too_wide.stderr and not out.exists()
    control = tmp_path / "if.qasm"
    control.write_text(
        'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[1] c;\nh q[0];\n'
        "c[0] = measure q[0];\nif (c[0]) { x q[1]; }\n"
    )
    # dynamic circuits compile for the device targets; the Clifford+T lowering refuses them
    res = runner.invoke(app, ["compile", str(control), "-t", "clifford_t", "-o", str(out)])
    assert res.exit_code == 1 and "cannot compile dynamic circuits" in res.stderr and not out.exists()
    params_v2 = runner.invoke(
        app,
        [
            "compile",
            str(EXAMPLES / "qaoa_maxcut.qasm"),
            "--qasm-version",
            "2",
            "-e",
            "qiskit",
            "-o",
            str(out),
        ],
    )
    assert params_v2.exit_code == 1 and "OpenQASM 2 cannot hold free parameters" in params_v2.stderr
    assert not out.exists()
    missing = runner.invoke(app, ["compile", str(tmp_path / "nope.qasm")])
    assert missing.exit_code == 1 and "no such file" in missing.stderr


def test_readme_main_job_compile_then_run_on_the_quantinuum_emulator(tmp_path: Path) -> None:
    pytest.importorskip("pytket_pecos")
    out = tmp_path / "vqe_h2.qasm"
    res = runner.invoke(
        app, ["compile", str(EXAMPLES / "vqe_ansatz.qasm"), "-t", "quantinuum-h2", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert "parameters kept: 48" in res.stdout
    ran = runner.invoke(
        app,
        [
            "run",
            str(out),
            "--backend",
            "quantinuum-h2-emulator",
            "--random-params",
            "--seed",
            "1",
            "--shots",
            "100",
            "--json",
        ],
    )
    assert ran.exit_code == 0, ran.output
    data = json.loads(ran.stdout)
    assert sum(data["counts"].values()) == 100 and all(len(k) == 8 for k in data["counts"])
    assert data["backend"] == "quantinuum-h2-emulator" and len(data["params"]) == 48


def test_run_with_target_compiles_first_and_checks_params() -> None:
    res = runner.invoke(
        app,
        [
            "run",
            str(EXAMPLES / "ghz.qasm"),
            "-t",
            "ibm-torino",
            "-b",
            "qgen-exact",
            "-e",
            "qiskit",
            "--shots",
            "64",
            "--seed",
            "2",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "0000" in res.stdout and "1111" in res.stdout
    missing = runner.invoke(app, ["run", str(EXAMPLES / "qaoa_maxcut.qasm"), "--shots", "10"])
    assert missing.exit_code == 1 and "need values" in missing.stderr
    bad = runner.invoke(app, ["run", str(EXAMPLES / "ghz.qasm"), "--shots", "0"])
    assert bad.exit_code == 1 and "--shots must be positive" in bad.stderr
