"""Re-uploading, QCNN, quanvolution and reservoir models."""

import numpy as np
import torch
from sklearn.datasets import load_iris, make_moons

from qgen.models.builders import qcnn_layers, qcnn_output_qubit
from qgen.models.qcnn import QCNN, QCNNClassifier
from qgen.models.quanvolution import Quanvolution
from qgen.models.reservoir import QuantumReservoirClassifier, QuantumReservoirRegressor
from qgen.models.reuploading import ReuploadingClassifier

X, Y = make_moons(100, noise=0.1, random_state=0)


def test_reuploading_trains_its_input_scales():
    model = ReuploadingClassifier(reps=2, epochs=30, lr=0.1).fit(X[:70], Y[:70])
    scales = model.input_scales()
    assert scales.shape == (4,) and not torch.allclose(scales, torch.ones(4, dtype=scales.dtype))
    assert model.score(X[70:], Y[70:]) >= 0.85


def test_qcnn_structure_and_training():
    assert qcnn_layers(8) == [list(range(8)), [1, 3, 5, 7], [3, 7]]
    assert qcnn_output_qubit(8) == 7
    Xi, yi = load_iris(return_X_y=True)
    model = QCNNClassifier(epochs=30, lr=0.1).fit(Xi[:100:2], yi[:100:2])
    assert [o.paulis[0].to_label() for o in model.layer_.observables] == ["ZIII"]
    assert model.score(Xi[1:100:2], yi[1:100:2]) >= 0.9


def test_qcnn_and_quanvolution_compose_with_classical_layers():
    net = torch.nn.Sequential(
        Quanvolution(kernel_size=2), torch.nn.Flatten(), torch.nn.Linear(16, 4), torch.nn.Tanh(), QCNN(4)
    )
    images = torch.rand(3, 1, 4, 4)
    out = net(images)
    assert out.shape == (3, 1)
    out.sum().backward()
    assert net[2].weight.grad.abs().sum() > 0 and net[4].quantum.weights.grad.abs().sum() > 0
    assert net[0].quantum.weights.grad is None  # the quanvolution circuit is fixed (Henderson et al.)


def test_quanvolution_patches_match_a_per_patch_run():
    q = Quanvolution(kernel_size=2, reps=1, seed=3)
    images = torch.rand(2, 1, 4, 4)
    out = q(images)
    patch = images[1, 0, 2:4, 0:2].reshape(1, 4).double() * np.pi  # row-major k x k patch
    assert torch.allclose(out[1, :, 1, 0], q.quantum(patch)[0].float(), atol=1e-6)


def test_reservoir_is_fixed_and_only_the_readout_is_trained():
    Xi, yi = load_iris(return_X_y=True)
    model = QuantumReservoirClassifier(reps=2).fit(Xi[::2], yi[::2])
    assert not any(p.requires_grad for p in model.parameters())
    assert model.readout_weight_.shape == (len(model.layer_.observables), 3)
    assert model.score(Xi[1::2], yi[1::2]) > 0.85
    reg = QuantumReservoirRegressor(alpha=1e-6).fit(X, X[:, 0] + X[:, 1])
    assert reg.score(X, X[:, 0] + X[:, 1]) > 0.7  # 7 reservoir features of 2 qubits
