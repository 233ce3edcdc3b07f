"""``qgen synth`` and ``qgen train synthesizer`` through Typer's CliRunner (sub-app built here)."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
import typer
from typer.testing import CliRunner

from qgen.cli import synth
from qgen.compiler.synthesis.unitaries import distance, haar_unitaries, rz_matrix
from qgen.compiler.synthesis.words import word_matrix

app = typer.Typer()
app.command("synth")(synth.synth_cmd)
app.command("synthesizer")(synth.synthesizer_cmd)
runner = CliRunner()


@pytest.fixture(autouse=True)
def _one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_synth_rz_prints_word_and_figures() -> None:
    res = runner.invoke(app, ["synth", "--rz", "0.3", "--eps", "1e-2", "--table-t", "10", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["success"] and data["distance"] <= 1e-2 and data["metric"].startswith("d(U, V) = sqrt")
    assert data["t_count"] == sum(g in ("t", "tdg") for g in data["gates"])
    assert distance(word_matrix(data["gates"]), rz_matrix(0.3)) == pytest.approx(data["distance"], abs=1e-12)
    table = runner.invoke(app, ["synth", "--rz", "0.7854", "--table-t", "6"])
    assert table.exit_code == 0 and "t count" in table.stdout and "T-optimal" in table.stdout


@pytest.mark.parametrize("fmt", ["npy", "json", "txt"])
def test_synth_unitary_files(tmp_path, fmt: str) -> None:
    u = haar_unitaries(1, 1, np.random.default_rng(0))[0]
    path = tmp_path / f"u.{fmt}"
    if fmt == "npy":
        np.save(path, u)
    elif fmt == "json":
        path.write_text(json.dumps([[[z.real, z.imag] for z in row] for row in u]))
    else:
        np.savetxt(path, u)
    res = runner.invoke(app, ["synth", "--unitary", str(path), "--eps", "0.05", "--table-t", "8", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["success"] and distance(word_matrix(data["gates"]), u) <= 0.05


def test_synth_errors_are_one_line(tmp_path) -> None:
    both = runner.invoke(app, ["synth", "--rz", "1", "--unitary", "x.npy"])
    assert both.exit_code == 1 and "exactly one of --rz" in both.stderr
    bad_eps = runner.invoke(app, ["synth", "--rz", "1", "--eps", "2"])
    assert bad_eps.exit_code == 1 and "eps must be in (0, 1)" in bad_eps.stderr
    missing = runner.invoke(app, ["synth", "--unitary", str(tmp_path / "none.npy")])
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    (tmp_path / "bad.json").write_text("[[1, 2], [3, 4]]")
    nonunitary = runner.invoke(app, ["synth", "--unitary", str(tmp_path / "bad.json")])
    assert nonunitary.exit_code == 1 and "not unitary" in nonunitary.stderr
    basis = runner.invoke(app, ["synth", "--rz", "1", "--basis", "clifort_t"])
    assert basis.exit_code == 1 and "Did you mean 'clifford_t'" in basis.stderr
    budget = runner.invoke(
        app,
        [
            "synth",
            "--rz",
            "0.3",
            "--eps",
            "1e-4",
            "--table-t",
            "4",
            "--max-nodes",
            "100",
            "--fallback",
            "none",
        ],
    )
    assert budget.exit_code == 1 and "no word within eps=0.0001" in budget.stderr
    for r in (both, bad_eps, missing, nonunitary, basis, budget):
        assert "Traceback" not in r.output


@pytest.mark.slow
def test_train_synthesizer_command_and_resume(tmp_path) -> None:
    args = ["synthesizer", "--out", str(tmp_path), "--hidden", "16", "--blocks", "1", "--batch-size", "32"]
    args += ["--max-walk", "3", "--json"]
    first = runner.invoke(app, [*args, "--iterations", "10"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["updates"] == 10
    again = runner.invoke(app, [*args, "--iterations", "20"])
    summary = json.loads(again.stdout)
    assert summary["resumed_from"] == 10 and summary["updates"] == 20
    assert {"model.safetensors", "checkpoint.pt", "config.json", "summary.json"} <= {
        p.name for p in tmp_path.iterdir()
    }
    clash = runner.invoke(app, [*args[:-1], "--hidden", "8", "--iterations", "30"])
    assert clash.exit_code == 1 and "checkpoint settings differ" in clash.stderr
    res = runner.invoke(
        app,
        [
            "synth",
            "--rz",
            "0.5",
            "--eps",
            "0.05",
            "--model",
            str(tmp_path),
            "--weight",
            "1",
            "--table-t",
            "8",
        ],
    )
    assert res.exit_code == 0, res.output
