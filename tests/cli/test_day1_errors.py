"""Day-one mistakes get one clear line: required options, impossible widths, bad numbers."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from qgen.cli.app import app

runner = CliRunner()


def test_search_marks_task_and_out_required() -> None:
    res = runner.invoke(app, ["search", "--help"], env={"COLUMNS": "120"})
    assert res.exit_code == 0
    lines = [ln for ln in res.output.splitlines() if "--out" in ln or "--task" in ln]
    assert len(lines) >= 2 and all("[required]" in ln for ln in lines[:2]), lines
    res = runner.invoke(app, ["search", "--task", "maxcut"])
    assert res.exit_code == 2 and "Missing option '--out'" in res.output
    res = runner.invoke(app, ["search", "tasks", "--json"])  # a subcommand needs neither
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "--task", "maxcut", "--qubits", "0", "--out", "x"], "--qubits must be >= 1, got 0"),
        (["search", "pool", "--qubits", "0", "--out", "x"], "--qubits must be >= 1, got 0"),
        (["search", "pool", "--qubits", "4", "--size", "0", "--out", "x"], "--size must be >= 1, got 0"),
    ],
)
def test_search_widths(args: list[str], message: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 1, res.output
    assert f"qgen: error: {message}" in res.stderr and "Traceback" not in res.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["simulate", "examples/ghz.qasm", "--seed", "-1"], "--seed must be >= 0, got -1"),
        (["simulate", "examples/qaoa_maxcut.qasm", "-p", "gamma=nan", "-p", "beta=1"],
         "--param gamma: 'nan' is not a finite number"),
        (["simulate", "examples/qaoa_maxcut.qasm", "-p", "gamma=inf", "-p", "beta=1"],
         "--param gamma: 'inf' is not a finite number"),
        (["simulate", "examples/ghz.qasm", "--top", "0"], "--top must be >= 1, got 0"),
        (["simulate", "examples/ghz.qasm", "--top", "-2"], "--top must be >= 1, got -2"),
        (["run", "examples/ghz.qasm", "--top", "0"], "--top must be >= 1, got 0"),
        (["compile", "examples/ghz.qasm", "--target", "generic", "--target-options", '{"num_qubits": -3}'],
         "--target-options: num_qubits must be a positive integer, got -3"),
        (["simulate", "examples/ghz.qasm", "-p", "nope=1"], "--param nope: the circuit has no such"),
    ],
)  # fmt: skip
def test_bad_numbers(args: list[str], message: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 1, res.output
    assert f"qgen: error: {message}" in res.stderr and "Traceback" not in res.output


@pytest.mark.parametrize("args", [["targets"], ["search", "tasks"]])
def test_tables_readable_at_80_columns(args: list[str]) -> None:
    res = runner.invoke(app, args, env={"COLUMNS": "80"})
    assert res.exit_code == 0, res.output
    assert "…" not in res.output and max(len(line) for line in res.output.splitlines()) <= 80
    if args == ["targets"]:
        from qgen.compiler import TARGETS

        assert all(name in res.output for name in TARGETS)  # every name whole, on one line
        assert "ibm-sherbrooke-aer" in res.output and "quantinuum-h2-emulator" in res.output
