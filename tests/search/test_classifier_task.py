"""The ``classifier`` search task: the user's data (a CSV file or a scikit-learn name), two classes."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from qgen.datasets.tabular import TabularDataError, load_data
from qgen.models.data import load_data as models_load_data
from qgen.models.errors import DataError
from qgen.search.errors import TaskError
from qgen.search.pool import build_pool
from qgen.search.space import SearchSpace
from qgen.search.tasks import TASKS, make_task


def _csv(path, rows, header=("a", "b", "c", "label")):
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def animals(tmp_path):
    """20 cats, 20 dogs, 10 birds; 3 numeric features (dogs have larger ``a``)."""
    rng = np.random.default_rng(0)
    rows = []
    for label, count, shift in (("cat", 20, 0.0), ("dog", 20, 3.0), ("bird", 10, -3.0)):
        for _ in range(count):
            a, b, c = rng.normal(size=3)
            rows.append([round(a + shift, 6), round(b, 6), round(c, 6), label])
    return _csv(tmp_path / "animals.csv", rows)


@pytest.mark.slow
def test_csv_file_two_named_classes(animals) -> None:
    task = make_task("classifier", 2, data=str(animals), target_col="label", classes="cat,dog", validation=0)
    info = task.info
    assert info["classes"] == ["cat", "dog"] and info["target_col"] == "label"
    assert info["data"] == str(animals)
    assert (info["train_size"], info["test_size"]) == (28, 12)  # 40 samples, 30 % held out
    assert task.metric == "held-out accuracy, animals.csv cat vs dog, PCA to 2 features, ry encoding"
    d = task.data
    assert d["x_train"].shape == (28, 2) and d["x_test"].shape == (12, 2)
    assert d["x_train"].min() == 0.0 and d["x_train"].max() == pytest.approx(np.pi)
    assert d["x_test"].min() >= 0 and d["x_test"].max() <= np.pi
    assert sorted(d["y_train"].tolist() + d["y_test"].tolist()) == [0.0] * 20 + [1.0] * 20
    default = make_task("classifier", 2, data=str(animals), target_col="label", classes="cat,dog")
    sizes = default.info  # by default 20 % of the samples are a validation split; the test split is the same
    assert (sizes["train_size"], sizes["validation_size"], sizes["test_size"]) == (19, 9, 12)
    assert np.array_equal(default.data["y_test"], d["y_test"]) and default.selection_split == "val"
    assert default.metric == "validation accuracy, animals.csv cat vs dog, PCA to 2 features, ry encoding"


@pytest.mark.slow
@pytest.mark.parametrize(("encoding", "uploads"), [("ry", 1), ("ry", 2), ("ry-zz", 2)])
def test_csv_task_scores_candidates_like_the_exported_circuit(animals, encoding, uploads) -> None:
    task = make_task("classifier", 2, data=str(animals), target_col="label", classes="cat,dog",
                     encoding=encoding, uploads=uploads, steps=20)  # fmt: skip
    assert (task.optimizer, task.lr, task.steps) == ("adam", 0.05, 20)
    # trained candidates: the batched reward equals the exported circuit's (an independent CircuitModule)
    pool = build_pool(SearchSpace(2, 5, 5), 3, seed=0)
    scores = task.score(pool.gatelists())
    n_val = len(task.data["y_val"])
    for i in range(3):
        gl = pool.gatelist(i)
        qc = task.export(gl)
        values = task.named_values(gl, scores.params[i])
        weights = sorted(p.name for p in qc.parameters if not p.name.startswith("x"))
        assert sorted(set(values) - {"_head_scale", "_head_bias"}) == weights
        assert len(weights) == uploads * gl.num_parameters and len(scores.params[i]) == len(weights) + 2
        assert task.evaluate(qc, values) == pytest.approx(scores.reward[i], abs=1e-9)
        accuracy = task.accuracy(qc, values, "val")
        assert accuracy - 0.5 / n_val < scores.reward[i] <= accuracy  # accuracy, ties broken by the loss
        assert round(accuracy * n_val) == pytest.approx(accuracy * n_val, abs=1e-9)
        assert 0.0 <= task.report(qc, values)["test_accuracy"] <= 1.0
    ops = task.export(pool.gatelist(0)).data
    inputs = [i for i in ops if any(getattr(p, "name", "").startswith("x") for p in i.operation.params)]
    zz = [i for i in ops if i.operation.params and len(getattr(i.operation.params[0], "parameters", ())) == 2]
    assert len(inputs) == 2 * uploads and len(zz) == (uploads if encoding == "ry-zz" else 0)
    assert all(i.operation.name == "rz" for i in zz)  # ZZ entangler as CX, RZ, CX (standard gates)


def test_upload_matrices_match_the_exported_encoding() -> None:
    from qiskit.quantum_info import Operator

    from qgen.search.tasks.classifier_model import upload_matrices
    from qgen.sim.gatelist import GateList

    x = np.array([[0.3, 2.0, 1.1], [3.0, 0.1, 0.7]])
    for encoding in ("ry", "ry-zz"):
        mats = upload_matrices(x, encoding).numpy()
        task_circuit = make_task("classifier", 3, data="wine", encoding=encoding).export(GateList(3, []))
        for row, mat in zip(x, mats, strict=True):
            bound = task_circuit.assign_parameters({p: row[int(p.name[1:])] for p in task_circuit.parameters})
            assert np.allclose(Operator(bound).data, mat, atol=1e-12)


def test_default_target_is_the_last_column_and_classes_the_first_two(animals) -> None:
    task = make_task("classifier", 2, data=str(animals))
    assert task.info["target_col"] == "label" and task.info["classes"] == ["bird", "cat"]  # sorted labels
    assert (task.info["train_size"], task.info["validation_size"], task.info["test_size"]) == (14, 7, 9)


def test_feature_columns_as_given_are_only_scaled(animals) -> None:
    from sklearn.model_selection import train_test_split

    task = make_task("classifier", 2, data=str(animals), classes="cat,dog", features="a,c", validation=0)
    assert task.metric.endswith("cat vs dog, features as given, ry encoding")
    ds = load_data(str(animals))
    keep = np.isin(ds.y, ["cat", "dog"])
    x, y = ds.X[keep][:, [0, 2]], (ds.y[keep] == "dog").astype(float)
    x_tr, x_te, y_tr, _ = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)
    lo, hi = x_tr.min(0), x_tr.max(0)
    assert np.allclose(task.data["x_train"], np.pi * (x_tr - lo) / (hi - lo), atol=1e-12)
    assert np.allclose(task.data["x_test"], np.clip(np.pi * (x_te - lo) / (hi - lo), 0, np.pi), atol=1e-12)
    assert np.array_equal(task.data["y_train"], y_tr)


def test_sklearn_names() -> None:
    task = make_task("classifier", 4, data="breast_cancer", uploads=2, encoding="ry-zz")
    assert task.info["classes"] == ["0", "1"]
    assert (task.info["train_size"], task.info["validation_size"], task.info["test_size"]) == (284, 114, 171)
    metric = "validation accuracy, breast_cancer 0 vs 1, PCA to 4 features, ry-zz encoding, 2 uploads"
    assert task.metric == metric
    wine = make_task("classifier", 3, data="wine", classes="1,2", validation=0.2)
    assert wine.info["classes"] == ["1", "2"] and wine.selection_split == "val"
    sizes = wine.info  # wine: 71 of class 1, 48 of class 2
    assert sizes["train_size"] + sizes["validation_size"] + sizes["test_size"] == 119
    assert "validation accuracy" in wine.metric and wine.data["x_val"].shape[1] == 3


def test_task_options_parse_from_the_command_line() -> None:
    items = ["data=iris.csv", "target-col=y", "classes=0,1", "validation=0.2", "uploads=3", "encoding=ry-zz"]
    opts = TASKS["classifier"].parse_options(items)
    assert opts == {"data": "iris.csv", "target_col": "y", "classes": "0,1", "validation": 0.2, "uploads": 3,
                    "encoding": "ry-zz"}  # fmt: skip


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "the classifier task needs data: -O data=NAME"),
        ({"data": "nowhere/missing.csv"}, "classifier task: no such file: nowhere/missing.csv"),
        ({"data": "irises"}, "unknown dataset 'irises': not a file; bundled datasets are iris"),
        ({"data": "iris", "classes": "0,7"}, r"class\(es\) \['7'\] not in the target 'class' of iris"),
        ({"data": "iris", "classes": "1"}, "classes takes two different labels like '0,1', got '1'"),
        ({"data": "iris", "features": "petal"}, r"unknown feature column\(s\) \['petal'\] in iris"),
        ({"data": "moons"}, r"2 feature\(s\) for 4 qubits \(one feature per qubit\); use --qubits 2"),
        ({"data": "iris", "validation": 0.7}, r"--validation is a share of the samples in \[0, 0.5\]"),
        ({"data": "iris", "encoding": "zz"}, "encoding must be one of ry, ry-zz; got 'zz'"),
        ({"data": "iris", "uploads": 0}, r"uploads \(data re-uploading layers\) must be in 1..6, got 0"),
        ({"data": "iris", "steps": 0}, "steps must be >= 1 and lr > 0, got 0 and 0.05"),
    ],
)
def test_bad_input(options, message) -> None:
    with pytest.raises(TaskError, match=message):
        make_task("classifier", 4, **options)


def test_bad_files(tmp_path, animals) -> None:
    with pytest.raises(TaskError, match=r"animals.csv has no target column 'y'; its columns are \['a', 'b'"):
        make_task("classifier", 2, data=str(animals), target_col="y")
    one = _csv(tmp_path / "one.csv", [[1, 2, 3, "cat"], [2, 3, 4, "cat"], [0, 1, 5, "cat"]])
    with pytest.raises(TaskError, match="the target 'label' of one.csv has one class only \\('cat'\\)"):
        make_task("classifier", 2, data=str(one))
    few = _csv(tmp_path / "few.csv", [[1, 2, 3, "cat"], [2, 3, 4, "cat"], [0, 1, 5, "dog"], [1, 1, 1, "dog"]])
    with pytest.raises(TaskError, match=r"classes \['cat', 'dog'\] have \[2, 2\] samples.*needs at least 3"):
        make_task("classifier", 2, data=str(few), validation=0.2)
    reg = _csv(tmp_path / "reg.csv", [[1, 2, 3, 0.5], [2, 3, 4, 1.5]])
    with pytest.raises(TaskError, match="target 'label' of reg.csv has non-integer values"):
        make_task("classifier", 2, data=str(reg))
    with pytest.raises(TaskError, match="use at most 6 qubits"):
        make_task("classifier", 7, data="digits")


def test_loader_is_shared_and_models_keep_their_error(tmp_path) -> None:
    with pytest.raises(TabularDataError, match="no such file"):
        load_data(str(tmp_path / "x.csv"))
    with pytest.raises(DataError, match="no such file") as info:
        models_load_data(str(tmp_path / "x.csv"))
    assert isinstance(info.value, ValueError)
    assert np.array_equal(models_load_data("iris").X, load_data("iris").X)


@pytest.mark.slow
def test_cross_validation_uses_training_and_validation_samples_only(animals) -> None:
    task = make_task("classifier", 2, data=str(animals), target_col="label", classes="cat,dog", steps=10,
                     uploads=2)  # fmt: skip
    circuits = build_pool(SearchSpace(2, 5, 5), 3, seed=0).gatelists()
    cv = task.cross_validate(circuits, folds=4, seed=0)
    assert cv.shape == (3,) and np.all((cv >= 0) & (cv <= 1))
    task.data["x_test"] = np.full_like(task.data["x_test"], np.nan)  # never read
    assert np.array_equal(task.cross_validate(circuits, folds=4, seed=0), cv)
    assert not np.array_equal(task.cross_validate(circuits, folds=4, seed=1), cv)  # other folds
    with pytest.raises(TaskError, match="the digits task has no cross-validation"):
        make_task("digits", 2).cross_validate(circuits)
