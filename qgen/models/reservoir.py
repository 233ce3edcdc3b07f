"""Quantum reservoir / extreme-learning models: a fixed random circuit, a trained linear readout.

The features go through the seeded ``reservoir`` circuit (``RY(x_q)`` encodings interleaved with random U3
rotations and CX rings, re-uploaded ``reps`` times); the reservoir state is summarised by the expectation
values of ``X_q, Y_q, Z_q`` and ``Z_q Z_{q+1}``; only a ridge regression on those is trained (closed form).
The classifier regresses one-vs-rest targets ``+-1`` and predicts the largest score; its ``predict_proba``
is the softmax of the scores.
"""

from __future__ import annotations

import numpy as np
import torch
from qiskit.quantum_info import SparsePauliOp

from qgen.models.base import QuantumEstimator
from qgen.models.builders import build
from qgen.models.layer import QuantumLayer
from qgen.models.scaling import AngleScaler
from qgen.optional import require

_sk = require("sklearn.base", extra="models")


def reservoir_observables(n: int) -> list[SparsePauliOp]:
    """X, Y, Z on every qubit and ZZ on neighbours."""
    ops = [SparsePauliOp.from_sparse_list([(p, [q], 1.0)], n) for q in range(n) for p in "XYZ"]
    ops += [SparsePauliOp.from_sparse_list([("ZZ", [q, q + 1], 1.0)], n) for q in range(n - 1)]
    return ops


class _Reservoir(QuantumEstimator):
    source = "reservoir"
    feature_map = "reservoir"
    ansatz = None

    def _setup(self, n_features: int, n_outputs: int, circuit=None) -> None:
        if circuit is None:
            circuit = build("reservoir", n_features, self.reps, self._seed())
        self.layer_ = QuantumLayer(
            circuit, reservoir_observables(circuit.num_qubits), None, 0, self.dtype, self.torch_device,
            trainable=False,
        )  # fmt: skip
        dev = self.layer_.weights.device
        self.scaler_ = AngleScaler(n_features, self.scaling).to(dev)
        k = len(self.layer_.observables)
        self.register_buffer("readout_weight_", torch.zeros(k, n_outputs, dtype=torch.float64, device=dev))
        self.register_buffer("readout_bias_", torch.zeros(n_outputs, dtype=torch.float64, device=dev))

    def reservoir_features(self, X) -> torch.Tensor:
        """Reservoir expectation values ``(N, K)`` of raw features ``X``."""
        a = self.angles(X)
        with torch.no_grad():
            return torch.cat([self.layer_(a[i : i + 256]) for i in range(0, len(a), 256)]).double()

    def _solve(self, F: torch.Tensor, T: torch.Tensor) -> None:
        mean_f, mean_t = F.mean(0), T.mean(0)
        Fc, Tc = F - mean_f, T - mean_t
        gram = Fc.T @ Fc + self.alpha * torch.eye(F.shape[1], dtype=F.dtype, device=F.device)
        W = torch.linalg.solve(gram, Fc.T @ Tc)
        self.readout_weight_.copy_(W)
        self.readout_bias_.copy_(mean_t - mean_f @ W)

    def head(self, angles: torch.Tensor) -> torch.Tensor:
        """Readout scores ``(N, outputs)``."""
        return self.layer_(angles).double() @ self.readout_weight_ + self.readout_bias_

    def _scores(self, X) -> torch.Tensor:
        return self.reservoir_features(X) @ self.readout_weight_ + self.readout_bias_


_PARAMS_DOC = """
    Args:
        reps: re-uploading layers of the reservoir circuit.
        alpha: ridge regularisation of the readout.
        scaling: ``minmax`` (features to [0, pi]) or ``none``.
        dtype, device: simulation precision and device.
        random_state: seed of the random reservoir.
"""


class QuantumReservoirClassifier(_sk.ClassifierMixin, _Reservoir):
    __doc__ = "Quantum reservoir classifier (fixed random circuit, ridge readout)." + _PARAMS_DOC

    def __init__(
        self,
        reps: int = 3,
        alpha: float = 1e-3,
        scaling: str = "minmax",
        dtype: str = "float64",
        device: str = "cpu",
        random_state: int | None = 0,
    ) -> None:
        self._init_module()
        self.reps = reps
        self.alpha = alpha
        self.scaling = scaling
        self.dtype = dtype
        self.device = device
        self.random_state = random_state

    def fit(self, X, y, progress=None) -> QuantumReservoirClassifier:
        """Run the reservoir on ``X`` and solve the readout."""
        X, y, idx = self._validate_classes(X, y)
        self._setup(X.shape[1], len(self.classes_))
        self.scaler_.fit(X)
        F = self.reservoir_features(X)
        T = -torch.ones(len(y), len(self.classes_), dtype=torch.float64, device=F.device)
        T[torch.arange(len(y)), torch.as_tensor(idx)] = 1.0
        self._solve(F, T)
        return self

    def decision_function(self, X) -> np.ndarray:
        """Readout scores (``(N,)`` for two classes: score of class 1 minus class 0)."""
        self._check_fitted()
        s = self._scores(self._validate(X)).cpu().numpy()
        return s[:, 1] - s[:, 0] if len(self.classes_) == 2 else s

    def predict_proba(self, X) -> np.ndarray:
        """Softmax of the readout scores."""
        self._check_fitted()
        return torch.softmax(self._scores(self._validate(X)), dim=1).cpu().numpy()

    def predict(self, X) -> np.ndarray:
        """Predicted labels."""
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(1)]

    def fitted_state(self):
        """Tensors and facts for save/load."""
        tensors, facts = super().fitted_state()
        facts["classes"] = self.classes_.tolist()
        return tensors, facts

    def restore(self, circuit, tensors, facts) -> None:
        """Rebuild from saved state."""
        self.classes_ = np.asarray(facts["classes"])
        self.n_features_in_ = int(facts["n_features_in"])
        self._setup(self.n_features_in_, len(self.classes_), circuit)
        self.load_state_dict(tensors)


class QuantumReservoirRegressor(_sk.RegressorMixin, _Reservoir):
    __doc__ = "Quantum reservoir regressor (fixed random circuit, ridge readout)." + _PARAMS_DOC

    def __init__(
        self,
        reps: int = 3,
        alpha: float = 1e-3,
        scaling: str = "minmax",
        dtype: str = "float64",
        device: str = "cpu",
        random_state: int | None = 0,
    ) -> None:
        self._init_module()
        self.reps = reps
        self.alpha = alpha
        self.scaling = scaling
        self.dtype = dtype
        self.device = device
        self.random_state = random_state

    def fit(self, X, y, progress=None) -> QuantumReservoirRegressor:
        """Run the reservoir on ``X`` and solve the readout."""
        X, y = self._validate_xy(X, y, y_numeric=True)
        self._setup(X.shape[1], 1)
        self.scaler_.fit(X)
        F = self.reservoir_features(X)
        self._solve(F, torch.as_tensor(np.asarray(y, dtype=np.float64), device=F.device)[:, None])
        return self

    def predict(self, X) -> np.ndarray:
        """Predicted targets."""
        self._check_fitted()
        return self._scores(self._validate(X))[:, 0].cpu().numpy()

    def restore(self, circuit, tensors, facts) -> None:
        """Rebuild from saved state."""
        self.n_features_in_ = int(facts["n_features_in"])
        self._setup(self.n_features_in_, 1, circuit)
        self.load_state_dict(tensors)
