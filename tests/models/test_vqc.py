"""VQClassifier / VQRegressor: learning, sklearn composition (Pipeline, GridSearchCV, cross_val_score)."""

import numpy as np
import pytest
import torch
from sklearn.datasets import load_iris, make_moons
from sklearn.decomposition import PCA
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline

from qgen.models import VQClassifier, VQRegressor
from qgen.models.errors import DataError, ModelError
from qgen.progress import RecordingProgress


@pytest.fixture(scope="module")
def moons():
    return make_moons(80, noise=0.1, random_state=0)


@pytest.mark.slow
def test_classifier_learns_moons_and_reports_progress(moons):
    X, y = moons
    rec = RecordingProgress()
    model = VQClassifier(epochs=40, lr=0.1, reps=2).fit(X[:60], y[:60], progress=rec)
    assert rec.done("fit") == 40 and len(model.history_["loss"]) == 40
    assert model.history_["loss"][-1] < model.history_["loss"][0]
    assert model.score(X[60:], y[60:]) >= 0.8
    proba = model.predict_proba(X[60:])
    assert proba.shape == (20, 2) and np.allclose(proba.sum(1), 1.0)
    assert isinstance(model, torch.nn.Module)
    logits = model(torch.as_tensor(X[:3]))
    assert logits.shape == (3, 2) and logits.requires_grad


def test_multiclass_uses_one_observable_per_class():
    X, y = load_iris(return_X_y=True)
    model = VQClassifier(epochs=30, lr=0.1).fit(X[::3], y[::3])
    assert len(model.layer_.observables) == 3
    assert model.predict_proba(X[:5]).shape == (5, 3)
    assert model.score(X, y) > 0.6


def test_early_stopping_with_validation_split(moons):
    X, y = moons
    model = VQClassifier(epochs=200, lr=0.2, validation_fraction=0.25, early_stopping=True,
                         n_iter_no_change=5).fit(X, y)
    assert model.n_iter_ < 200 and len(model.history_["val_score"]) == model.n_iter_


def test_pipeline_gridsearch_and_cross_val(moons):
    X, y = moons
    pipe = make_pipeline(PCA(2), VQClassifier(epochs=10, lr=0.1))
    scores = cross_val_score(pipe, X, y, cv=2)
    assert scores.shape == (2,) and (scores > 0.5).all()
    grid = GridSearchCV(VQClassifier(epochs=10), {"lr": [0.01, 0.1]}, cv=2).fit(X, y)
    assert grid.best_params_["lr"] in (0.01, 0.1)


def test_regressor_fits_a_smooth_function():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (60, 2))
    y = 3.0 + 2.0 * np.sin(X[:, 0] + X[:, 1])
    model = VQRegressor(epochs=60, lr=0.1, reps=1).fit(X[:45], y[:45])
    assert model.score(X[45:], y[45:]) > 0.8
    assert abs(model.predict(X).mean() - y.mean()) < 0.3


def test_circuit_sources_and_errors(moons):
    X, y = moons
    qasm = ('OPENQASM 3.0; include "stdgates.inc"; input float[64] x0; input float[64] x1; '
            "input float[64] a; input float[64] b; qubit[2] q; ry(x0) q[0]; ry(x1) q[1]; cx q[0], q[1]; "
            "ry(a) q[0]; ry(b) q[1];")
    model = VQClassifier(source=qasm, epochs=2).fit(X, y)
    assert model.layer_.weight_names == ["a", "b"]
    ansatz_only = VQClassifier(source="hardware-efficient", feature_map="zz", epochs=2).fit(X, y)
    assert ansatz_only.layer_.num_inputs == 2 and ansatz_only.layer_.derived
    with pytest.raises(ModelError, match="data has 3 feature"):
        VQClassifier(source=qasm).fit(np.c_[X, X[:, :1]], y)
    with pytest.raises(DataError, match="1 class"):
        VQClassifier(epochs=1).fit(X, np.zeros(len(X)))


def test_trained_circuit_binds_weights_only(moons):
    X, y = moons
    model = VQClassifier(epochs=2).fit(X, y)
    free = model.circuit(bound=False)
    bound = model.circuit(bound=True)
    assert {p.name for p in bound.parameters} == {"x0", "x1"}
    assert len(free.parameters) == 2 + len(model.layer_.weight_names)
