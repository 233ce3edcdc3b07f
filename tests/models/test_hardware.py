"""Compile once with symbolic inputs; predictions by shots on local backends."""

import numpy as np
import pytest
from sklearn.datasets import make_moons

from qgen.models import hardware
from qgen.models.errors import ModelError
from qgen.models.reservoir import QuantumReservoirClassifier
from qgen.models.vqc import VQClassifier, VQRegressor

X, Y = make_moons(40, noise=0.1, random_state=0)


@pytest.fixture(scope="module")
def model():
    return VQClassifier(feature_map="zz", reps=1, epochs=20, lr=0.1).fit(X[:30], Y[:30])


def test_compile_keeps_data_inputs_symbolic(model):
    compiled = hardware.compile(model, "quantinuum-h2", seed=0)
    assert {"x0", "x1"} <= set(compiled.result.parameters)
    assert all(p in {"x0", "x1"} or p in compiled.derived for p in compiled.result.parameters)
    assert compiled.result.verdict is None or compiled.result.verdict.equivalent


def test_shots_estimate_converges_to_exact(model):
    exact = model.predict_proba(X[30:34])
    shots = model.predict_proba(X[30:34], backend="qgen-exact", shots=20000, seed=1)
    assert np.abs(shots - exact).max() < 0.03
    reg = VQRegressor(reps=1, epochs=5).fit(X, X[:, 0])
    assert np.abs(reg.predict(X[:3], backend="qgen-exact", shots=20000) - reg.predict(X[:3])).max() < 0.1


def test_h2_emulator_predictions(model):
    pytest.importorskip("pytket_pecos")
    pred = model.predict(X[30:33], backend="quantinuum-h2-emulator", shots=300, seed=0)
    assert pred.shape == (3,) and set(pred) <= {0, 1}
    assert (pred == model.predict(X[30:33])).mean() >= 2 / 3


def test_non_z_readouts_are_refused():
    res = QuantumReservoirClassifier(reps=1).fit(X, Y)
    with pytest.raises(ModelError, match="Z-string observables"):
        hardware.compile(res)
