"""Quantum kernels: symmetry, unit diagonal, agreement with Qiskit ML; QSVC / QKernelRidge."""

import numpy as np
import pytest

from qgen.models import QSVC, QKernelRidge, QuantumKernel


def test_fidelity_kernel_properties():
    X = np.random.default_rng(0).uniform(0, np.pi, (12, 3))
    K = QuantumKernel("zz")(X)
    assert K.shape == (12, 12)
    assert np.allclose(np.diag(K), 1.0, atol=1e-12)
    assert np.allclose(K, K.T, atol=1e-12)
    assert np.linalg.eigvalsh(K).min() > -1e-10


def test_kernel_matches_qiskit_machine_learning():
    qml = pytest.importorskip("qiskit_machine_learning.kernels")
    from qiskit.circuit.library import zz_feature_map

    rng = np.random.default_rng(1)
    X, Y = rng.uniform(0, np.pi, (6, 3)), rng.uniform(0, np.pi, (4, 3))
    ours = QuantumKernel("zz")(X, Y)
    theirs = qml.FidelityStatevectorKernel(feature_map=zz_feature_map(3)).evaluate(X, Y)
    assert np.abs(ours - theirs).max() <= 1e-10
    sampler_based = qml.FidelityQuantumKernel(feature_map=zz_feature_map(3)).evaluate(X[:3], Y[:2])
    assert np.abs(ours[:3, :2] - sampler_based).max() <= 1e-8


def test_projected_kernel_is_a_gaussian_of_bloch_vectors():
    X = np.random.default_rng(2).uniform(0, np.pi, (5, 2))
    k = QuantumKernel("zz", projected=True, gamma=0.7)
    K = k(X)
    b = k.features(X).numpy()
    expected = np.exp(-0.7 * ((b[:, None, :] - b[None, :, :]) ** 2).sum(-1) / 2)
    assert np.allclose(K, expected, atol=1e-12) and np.allclose(np.diag(K), 1.0)


def test_qsvc_and_sklearn_svc_agree():
    from sklearn.datasets import make_moons
    from sklearn.svm import SVC

    X, y = make_moons(60, noise=0.1, random_state=0)
    model = QSVC(feature_map="angle", C=5.0).fit(X[:40], y[:40])
    k = model.kernel_
    svc = SVC(kernel="precomputed", C=5.0).fit(k(model.angles(X[:40]).numpy()), y[:40])
    expect = svc.predict(k(model.angles(X[40:]).numpy(), model.angles(X[:40]).numpy()))
    assert (model.predict(X[40:]) == expect).all()
    assert model.score(X[40:], y[40:]) >= 0.8


def test_qkernel_ridge_fits_a_smooth_function():
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (50, 2))
    y = np.sin(2 * X[:, 0]) + X[:, 1]
    model = QKernelRidge(feature_map="angle", alpha=1e-4).fit(X[:40], y[:40])
    assert model.score(X[40:], y[40:]) > 0.9
