"""The qgen CLI through Typer's CliRunner: exit codes, one-line errors, JSON output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from qasm_cases import MALFORMED
from typer.testing import CliRunner

from qgen import __version__
from qgen.cli.app import app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"qgen {__version__}"


def test_validate_ok_and_errors() -> None:
    ok = runner.invoke(app, ["validate", str(EXAMPLES / "ghz.qasm"), str(EXAMPLES / "qaoa_maxcut.qasm")])
    assert ok.exit_code == 0 and ok.stdout.count(": ok") == 2
    bad = runner.invoke(app, ["validate", str(EXAMPLES / "broken.qasm")])
    assert bad.exit_code == 1
    lines = bad.stderr.strip().splitlines()
    assert (
        lines[0] == f"{EXAMPLES / 'broken.qasm'}:6:12: qubit index 2 out of range for register 'q' of size 2"
    )
    assert "Traceback" not in bad.output


def test_validate_missing_file() -> None:
    result = runner.invoke(app, ["validate", "nope.qasm"])
    assert result.exit_code == 1 and "nope.qasm: error: no such file" in result.stderr


def test_profile_json_and_table() -> None:
    result = runner.invoke(app, ["profile", str(EXAMPLES / "qaoa_maxcut.qasm"), "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["num_qubits"] == 4 and data["two_qubit_count"] == 8 and data["num_parameters"] == 2
    table = runner.invoke(app, ["profile", str(EXAMPLES / "ghz.qasm")])
    assert table.exit_code == 0 and "2-qubit depth" in table.stdout


def test_profile_of_malformed_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.qasm"
    bad.write_text("qubit[2] q;\nh q[0];\n")
    result = runner.invoke(app, ["profile", str(bad)])
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and f"{bad}:1:1:" in result.stderr


def test_simulate_counts_and_json() -> None:
    args = ["simulate", str(EXAMPLES / "ghz.qasm"), "--shots", "400", "--seed", "3", "--json"]
    first = json.loads(runner.invoke(app, args).stdout)
    second = json.loads(runner.invoke(app, args).stdout)
    assert first["counts"] == second["counts"]
    assert set(first["counts"]) == {"0000", "1111"} and sum(first["counts"].values()) == 400
    assert first["top_probabilities"] == pytest.approx({"0000": 0.5, "1111": 0.5})


def test_simulate_parameters() -> None:
    path = str(EXAMPLES / "qaoa_maxcut.qasm")
    missing = runner.invoke(app, ["simulate", path])
    assert missing.exit_code == 1 and "--param" in missing.stderr
    ok = runner.invoke(app, ["simulate", path, "-p", "gamma=0.39", "-p", "beta=1.18", "--json"])
    top = json.loads(ok.stdout)["top_probabilities"]
    assert max(top, key=top.get) in {"0101", "1010"}
    bad = runner.invoke(app, ["simulate", path, "-p", "gamma"])
    assert bad.exit_code == 1 and "NAME=VALUE" in bad.stderr
    neg = runner.invoke(app, ["simulate", str(EXAMPLES / "ghz.qasm"), "--shots", "0"])
    assert neg.exit_code == 1 and "positive" in neg.stderr


@pytest.mark.parametrize(
    ("name", "program", "line", "column", "text"), MALFORMED, ids=[c[0] for c in MALFORMED]
)
def test_every_malformed_program_exits_1_with_location(
    tmp_path: Path, name, program, line, column, text
) -> None:
    path = tmp_path / f"{name}.qasm"
    path.write_text(program, encoding="utf-8")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{path}:{line}:{column}: ") and text in first
    assert "Traceback" not in result.output
    # loading it (as `qgen profile` does) fails with the same one line
    prof = runner.invoke(app, ["profile", str(path)])
    assert prof.exit_code == 1 and prof.stderr.startswith(f"qgen: error: {path}:{line}:{column}: ")
