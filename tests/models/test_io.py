"""Save / load round trips: same predictions, no pickle, readable folder."""

import json

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_moons

from qgen.models.errors import ModelError
from qgen.models.io import load_model, save_model
from qgen.models.kernels import QSVC, QKernelRidge
from qgen.models.qcnn import QCNNClassifier
from qgen.models.reservoir import QuantumReservoirClassifier, QuantumReservoirRegressor
from qgen.models.reuploading import ReuploadingClassifier
from qgen.models.vqc import VQClassifier, VQRegressor

X, Y = make_moons(40, noise=0.1, random_state=1)
XI, YI = load_iris(return_X_y=True)


@pytest.mark.parametrize(
    "make, data",
    [
        (lambda: VQClassifier(feature_map="zz", epochs=3), (XI[::5], YI[::5])),
        (lambda: VQRegressor(epochs=3), (X, X[:, 0] * 2)),
        (lambda: ReuploadingClassifier(epochs=3), (X, Y)),
        (lambda: QSVC(), (X, Y)),
        (lambda: QKernelRidge(feature_map="angle"), (X, X[:, 1])),
        (lambda: QCNNClassifier(epochs=3), (XI[:100:3], YI[:100:3])),
        (lambda: QuantumReservoirClassifier(), (XI[::5], YI[::5])),
        (lambda: QuantumReservoirRegressor(), (X, X[:, 0])),
    ],
)
def test_round_trip_gives_the_same_predictions(tmp_path, make, data):
    Xd, yd = data
    model = make().fit(Xd, yd)
    save_model(model, tmp_path / "m", data={"name": "test"}, metrics={"train_score": model.score(Xd, yd)})
    files = sorted(p.name for p in (tmp_path / "m").iterdir())
    assert files == ["README.md", "circuit.qasm", "config.json", "weights.safetensors"]
    again = load_model(tmp_path / "m")
    assert type(again) is type(model)
    assert np.allclose(again.predict(Xd), model.predict(Xd), atol=1e-12)
    if hasattr(model, "predict_proba"):
        assert np.allclose(again.predict_proba(Xd), model.predict_proba(Xd), atol=1e-12)
    assert again.get_params() == {**model.get_params()}


def test_model_card_and_config(tmp_path):
    model = VQClassifier(epochs=2).fit(X, Y)
    save_model(model, tmp_path / "m", data={"dataset": "moons"}, metrics={"test_accuracy": 0.875},
               preprocess={"mean": np.zeros(2)})
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    assert config["model"] == "vqc" and config["facts"]["classes"] == [0, 1]
    card = (tmp_path / "m" / "README.md").read_text()
    assert "test_accuracy: 0.8750" in card and "qubits: 2" in card and "dataset: moons" in card
    assert load_model(tmp_path / "m").preprocess_["mean"].tolist() == [0.0, 0.0]


def test_loading_a_non_model_folder_names_the_fix(tmp_path):
    with pytest.raises(ModelError, match="not a qgen model folder.*qgen fit"):
        load_model(tmp_path)
