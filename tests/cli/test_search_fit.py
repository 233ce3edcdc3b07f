"""``qgen search --task classifier`` on a CSV file, then ``qgen fit --circuit`` on its output folder."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qgen.cli.app import app

runner = CliRunner()


def _gate_lines(qasm: str) -> list[str]:
    header = ("OPENQASM", "include", "input", "qubit")
    return [line for line in qasm.splitlines() if line and not line.startswith(header)]


def _iris12_csv(tmp_path: Path) -> Path:
    """Iris classes 1 and 2 as a CSV file (4 feature columns, then y)."""
    from sklearn.datasets import load_iris

    iris = load_iris()
    data = tmp_path / "iris12.csv"
    with data.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sl", "sw", "pl", "pw", "y"])
        w.writerows([*x, int(t)] for x, t in zip(iris.data, iris.target, strict=True) if t > 0)
    return data


@pytest.mark.slow
def test_search_then_fit_uses_the_best_circuit(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("QGEN_CACHE", str(tmp_path / "cache"))
    data = _iris12_csv(tmp_path)
    out = tmp_path / "runs" / "qas"
    res = runner.invoke(app, [
        "search", "--task", "classifier", "-O", f"data={data}", "-O", "target_col=y", "--qubits", "4",
        "--method", "random", "--budget", "4", "--seeds", "1", "--pool-size", "30", "--out", str(out),
        "--json",
    ])  # fmt: skip
    assert res.exit_code == 0, res.output
    results = json.loads((out / "results.json").read_text())
    task = results["config"]["task"]
    assert task["name"] == "classifier" and task["classes"] == ["1", "2"] and task["data"] == str(data)
    best = results["best"]["random"]
    assert best["reproduced"] and 0.0 <= best["reward"] <= 1.0
    model = tmp_path / "model"
    res = runner.invoke(app, [
        "fit", "--circuit", str(out), "--data", str(data), "--target-col", "y", "--features", "4",
        "--epochs", "3", "--out", str(model), "--no-plots", "--quiet", "--json",
    ])  # fmt: skip
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["data"]["classes"] == ["1", "2"] and summary["data"]["pca_components"] == 4
    assert 0.0 <= summary["metrics"]["test_accuracy"] <= 1.0
    searched = (out / best["qasm"]).read_text()
    assert _gate_lines((model / "circuit.qasm").read_text()) == _gate_lines(searched)
    assert _gate_lines(searched)[:4] == [f"ry(x{q}) q[{q}];" for q in range(4)]  # encoding, then ansatz


@pytest.mark.slow
def test_search_reuploading_zz_then_fit_takes_the_width_from_the_circuit(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("QGEN_CACHE", str(tmp_path / "cache"))
    data = _iris12_csv(tmp_path)
    out = tmp_path / "qas"
    res = runner.invoke(app, [
        "search", "--task", "classifier", "-O", f"data={data}", "-O", "uploads=2", "-O", "encoding=ry-zz",
        "-O", "steps=10", "--qubits", "2", "--method", "random", "--budget", "3", "--seeds", "1",
        "--pool-size", "12", "--out", str(out), "--json",
    ])  # fmt: skip
    assert res.exit_code == 0, res.output
    best = json.loads((out / "results.json").read_text())["best"]["random"]
    assert best["reproduced"] and 0.0 <= best["test_accuracy"] <= 1.0
    record = json.loads((out / best["values"]).read_text())
    assert {"_head_scale", "_head_bias"} <= set(record["values"]) and record["inputs"] == ["x0", "x1"]
    assert not {"_head_scale", "_head_bias"} & set(json.loads((out / best["values_file"]).read_text()))
    searched = (out / best["qasm"]).read_text()
    assert _gate_lines(searched)[:5] == ["ry(x0) q[0];", "ry(x1) q[1];", "cx q[0], q[1];",
                                         "rz((pi - x0)*(pi - x1)) q[1];", "cx q[0], q[1];"]  # fmt: skip
    model = tmp_path / "model"
    res = runner.invoke(app, [
        "fit", "--circuit", str(out), "--data", str(data), "--target-col", "y", "--epochs", "3",
        "--out", str(model), "--no-plots", "--quiet", "--json",
    ])  # fmt: skip
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["data"]["model_features"] == 2 and summary["data"]["pca_components"] == 2
    assert "4 features reduced to 2 by PCA (the circuit's 2 data inputs)" in res.stderr
    assert _gate_lines((model / "circuit.qasm").read_text()) == _gate_lines(searched)


def test_search_classifier_bad_data_is_one_line(tmp_path) -> None:
    res = runner.invoke(app, [
        "search", "--task", "classifier", "-O", f"data={tmp_path / 'none.csv'}", "--out", str(tmp_path / "o"),
    ])  # fmt: skip
    assert res.exit_code == 1
    assert f"classifier task: no such file: {tmp_path / 'none.csv'}" in res.stderr
    assert "Traceback" not in res.output
