"""``qgen fit`` / ``qgen predict`` / ``qgen models`` end to end on tiny data (in-process Typer runner)."""

import csv
import json

import numpy as np
import pytest
from typer.testing import CliRunner

from qgen.cli.app import app

runner = CliRunner()


def _csv(path, X, y=None, header=None):
    header = header or [f"f{i}" for i in range(X.shape[1])] + (["y"] if y is not None else [])
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        for i, row in enumerate(X):
            w.writerow(list(row) + ([y[i]] if y is not None else []))
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    from sklearn.datasets import make_moons

    X, y = make_moons(60, noise=0.1, random_state=0)
    folder = tmp_path_factory.mktemp("data")
    return folder, _csv(folder / "moons.csv", X, y), _csv(folder / "new.csv", X[:10]), y


@pytest.mark.slow
def test_fit_then_predict_csv(tmp_path, data):
    folder, train_csv, new_csv, y = data
    out = tmp_path / "m"
    res = runner.invoke(app, ["fit", "--model", "vqc", "--data", str(train_csv), "--target-col", "y",
                              "--epochs", "15", "--lr", "0.1", "--out", str(out), "--quiet", "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["data"]["train_samples"] == 45 and summary["data"]["test_samples"] == 15
    assert 0.0 <= summary["metrics"]["test_accuracy"] <= 1.0
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "circuit.qasm", "weights.safetensors", "README.md", "learning_curve.png",
            "confusion_matrix.png"} <= names
    res = runner.invoke(app, ["predict", "--model", str(out), "--data", str(new_csv), "--json"])
    assert res.exit_code == 0, res.output
    preds = json.loads(res.stdout)["predictions"]
    from qgen.models.io import load_model

    assert preds == load_model(out).predict(np.loadtxt(new_csv, delimiter=",", skiprows=1)).tolist()
    res = runner.invoke(app, ["predict", "--model", str(out), "--data", str(train_csv), "--target-col", "y",
                              "--backend", "qgen-exact", "--shots", "2000", "--out", str(tmp_path / "p.csv")])
    assert res.exit_code == 0, res.output
    assert len((tmp_path / "p.csv").read_text().splitlines()) == 61
    assert "accuracy:" in res.stderr and "qgen-exact" in res.stderr


def test_fit_builtin_dataset_with_pca(tmp_path):
    res = runner.invoke(app, ["fit", "--model", "reservoir", "--data", "digits35", "--features", "4",
                              "--out", str(tmp_path / "r"), "--quiet", "--json", "--no-plots"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["data"]["model_features"] == 4 and summary["data"]["classes"] == ["3", "5"]
    assert summary["metrics"]["test_accuracy"] > 0.8
    config = json.loads((tmp_path / "r" / "config.json").read_text())
    assert config["preprocess"] == ["components", "mean", "scale"]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--data", "nosuch"], "unknown dataset 'nosuch'"),
        (["--data", "CSV", "--target-col", "label"], "no target column 'label'"),
        (["--data", "BAD"], "column 'f1' is not numeric"),
        (["--data", "iris", "--model", "nosuch"], "unknown model 'nosuch'"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(tmp_path, data, args, message):
    folder, train_csv, _, y = data
    bad = _csv(folder / "bad.csv", np.array([[1.0, "a"], [2.0, "b"]], dtype=object), [0, 1])
    args = [str(train_csv) if a == "CSV" else str(bad) if a == "BAD" else a for a in args]
    res = runner.invoke(app, ["fit", *args, "--out", str(tmp_path / "x"), "--quiet"])
    assert res.exit_code == 1
    assert message in res.stderr and "Traceback" not in res.output
    assert not (tmp_path / "x").exists()


def test_models_lists_models_and_circuits():
    res = runner.invoke(app, ["models", "--json"])
    assert res.exit_code == 0
    listing = json.loads(res.stdout)
    assert {"vqc", "qsvc", "reuploading", "qcnn", "reservoir"} <= set(listing["models"])
    assert listing["circuits"]["zz"]["kind"] == "feature_map"


def test_missing_file_is_named(tmp_path):
    res = runner.invoke(app, ["fit", "--data", str(tmp_path / "none.csv"), "--out", str(tmp_path / "x")])
    assert res.exit_code == 1 and "no such file" in res.stderr


def _searched_qasm(path, inputs: int):
    """A QASM 3 circuit of ``inputs`` qubits as `qgen search --task classifier` writes one (x0.., weights)."""
    lines = ["OPENQASM 3.0;", 'include "stdgates.inc";', *[f"input float[64] x{q};" for q in range(inputs)],
             "input float[64] p00;", "input float[64] p01;", f"qubit[{inputs}] q;"]
    lines += [f"ry(x{q}) q[{q}];" for q in range(inputs)]
    lines += ["ry(p00) q[0];", "cx q[0], q[1];", "rz(p01) q[1];"]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("inputs", [3, 4])
def test_fit_circuit_takes_the_feature_count_from_its_inputs(tmp_path, inputs):
    qasm = _searched_qasm(tmp_path / "best.qasm", inputs)
    res = runner.invoke(app, ["fit", "--circuit", str(qasm), "--data", "breast_cancer", "--epochs", "1",
                              "--out", str(tmp_path / "m"), "--quiet", "--json", "--no-plots"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["data"]["model_features"] == inputs and summary["data"]["pca_components"] == inputs
    assert f"30 features reduced to {inputs} by PCA (the circuit's {inputs} data inputs)" in res.stderr
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["preprocess"] == ["components", "mean", "scale"]


def test_fit_circuit_features_option_wins_and_equal_width_is_not_reduced(tmp_path, data):
    _, train_csv, _, _ = data  # moons: 2 features
    qasm = _searched_qasm(tmp_path / "best.qasm", 2)
    res = runner.invoke(app, ["fit", "--circuit", str(qasm), "--data", str(train_csv), "--target-col", "y",
                              "--epochs", "1", "--out", str(tmp_path / "m"), "--quiet", "--json",
                              "--no-plots"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["data"]["model_features"] == 2 and "pca_components" not in summary["data"]
    assert "reduced" not in res.stderr
    res = runner.invoke(app, ["fit", "--circuit", str(qasm), "--data", "breast_cancer", "--features", "3",
                              "--epochs", "1", "--out", str(tmp_path / "n"), "--quiet"])
    assert res.exit_code == 1
    assert "reads 2 data input(s) (x0..x1) but the data has 3 feature(s)" in res.stderr
