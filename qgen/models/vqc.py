"""Variational quantum classifier and regressor: feature map + ansatz, read out by Pauli-Z expectations.

Classifier readout: with ``K`` classes (``K > 2``) the circuit measures ``K`` observables (``Z_0 .. Z_{n-1}``,
then ``Z_q Z_{q+1}``, then ``X_q``, ``Y_q`` when there are more classes than qubits) and the class
probabilities are ``softmax(a * <O_k> + b_k)`` with a trained scale ``a`` and biases ``b``. Two classes use
one observable: ``p(class 1) = sigmoid(b - a <Z_0>)`` (outcome 1 on qubit 0 votes for class 1).
Regressor readout: ``y = mean + std * (a <Z_0> + b)`` (targets standardised on the training data).
"""

from __future__ import annotations

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit

from qgen.models.base import QuantumEstimator
from qgen.models.layer import QuantumLayer, z_observables
from qgen.models.scaling import AngleScaler
from qgen.optional import require
from qgen.progress import Progress

_sk = require("sklearn.base", extra="models")


class _Trainer:
    """The hyper-parameters every trained model shares (documented on the estimators)."""

    def _set_common(self, **kw) -> None:
        for k, v in kw.items():
            setattr(self, k, v)


def _setup_scaled_layer(model, n_features: int, circuit: QuantumCircuit | None, bias_shape: tuple) -> None:
    """The layer (built, or from ``circuit``), the input scaler and the trained output scale and bias."""
    if circuit is None:
        model.layer_ = model._build_layer(n_features, model._observables)
    else:
        model.layer_ = QuantumLayer(circuit, model._observables(circuit.num_qubits), None, 0, model.dtype,
                                    model.torch_device)
    dev = model.layer_.weights.device
    model.scaler_ = AngleScaler(n_features, model.scaling).to(dev)
    model.output_scale_ = torch.nn.Parameter(torch.tensor(1.0, dtype=torch.float64, device=dev))
    model.output_bias_ = torch.nn.Parameter(torch.zeros(bias_shape, dtype=torch.float64, device=dev))


class VQClassifier(_sk.ClassifierMixin, QuantumEstimator):
    """Variational quantum classifier (a ``torch.nn.Module`` and a scikit-learn classifier).

    Args:
        source: the circuit (see :func:`qgen.models.resolve_circuit`): QASM file or text, registered name,
            ``qgen search`` / ``qgen tn-init`` output, generated row, Qiskit circuit; None builds
            ``feature_map`` + ``ansatz``. (The trained circuit itself is :meth:`circuit`.)
        feature_map: registered feature map (``angle``, ``zz``) put in front of a circuit without inputs.
        ansatz: registered ansatz appended to a circuit without weights (``hardware-efficient``, ...).
        reps: repetitions of the ansatz.
        epochs: passes over the training data.
        lr: learning rate.
        batch_size: samples per step (None: the whole training set).
        optimizer: ``adam``, ``adamw``, ``sgd``, ``rmsprop``, ``adagrad``.
        validation_fraction: share of the training data held out to monitor (0: none).
        early_stopping: stop when the monitored loss (validation, else training) has not improved by
            ``tol`` for ``n_iter_no_change`` epochs, and keep the best weights.
        scaling: ``minmax`` (features to [0, pi] on the training data) or ``none``.
        dtype: ``float64`` or ``float32`` simulation.
        device: ``cpu``, ``cuda`` or ``auto``.
        random_state: seed of the initial weights and the shuffling.
    """

    def __init__(
        self,
        source=None,
        feature_map: str = "angle",
        ansatz: str = "hardware-efficient",
        reps: int = 2,
        epochs: int = 100,
        lr: float = 0.05,
        batch_size: int | None = None,
        optimizer: str = "adam",
        validation_fraction: float = 0.0,
        early_stopping: bool = False,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        scaling: str = "minmax",
        dtype: str = "float64",
        device: str = "cpu",
        random_state: int | None = 0,
    ) -> None:
        self._init_module()
        self.source = source
        self.feature_map = feature_map
        self.ansatz = ansatz
        self.reps = reps
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.optimizer = optimizer
        self.validation_fraction = validation_fraction
        self.early_stopping = early_stopping
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.scaling = scaling
        self.dtype = dtype
        self.device = device
        self.random_state = random_state

    def _observables(self, n_qubits: int):
        k = len(self.classes_)
        return z_observables(n_qubits, 1 if k == 2 else k)

    def _setup(self, n_features: int, circuit: QuantumCircuit | None = None) -> None:
        k = len(self.classes_)
        _setup_scaled_layer(self, n_features, circuit, (1 if k == 2 else k,))

    def head(self, angles: torch.Tensor) -> torch.Tensor:
        """Class logits ``(N, K)``."""
        out = self.layer_(angles).to(torch.float64)
        if len(self.classes_) == 2:  # [0, b - a <Z_0>]: one fused multiply-add and a zero column
            z = torch.addcmul(self.output_bias_, out[:, :1], self.output_scale_, value=-1.0)
            return torch.nn.functional.pad(z, (1, 0))
        return torch.addcmul(self.output_bias_, out, self.output_scale_)

    def _readout_loss(self, loss_fn) -> str | None:
        own = type(self).head is VQClassifier.head and loss_fn is torch.nn.functional.cross_entropy
        return None if not own else "binary" if len(self.classes_) == 2 else "softmax"

    def fit(self, X, y, progress: Progress | None = None) -> VQClassifier:
        """Train on features ``X`` ``(N, d)`` and labels ``y``; ``progress`` receives one step per epoch."""
        X, y, y_idx = self._validate_classes(X, y)
        self._setup(X.shape[1])
        self.scaler_.fit(X)
        target = torch.as_tensor(y_idx, dtype=torch.long, device=self.layer_.weights.device)

        def accuracy(logits, t):
            return (logits.argmax(1) == t).double().mean()

        self._train(self.angles(X), target, torch.nn.functional.cross_entropy, accuracy, progress)
        return self

    def decision_function(self, X) -> np.ndarray:
        """Logits (``(N,)`` margin of class 1 for two classes, ``(N, K)`` otherwise)."""
        self._check_fitted()
        logits = self._outputs(self._validate(X)).cpu().numpy()
        return logits[:, 1] if len(self.classes_) == 2 else logits

    def predict_proba(
        self, X, backend: str | None = None, shots: int = 1000, seed: int | None = 0
    ) -> np.ndarray:
        """Class probabilities ``(N, K)`` (columns in ``classes_`` order).

        Args:
            X: raw features.
            backend: None for exact simulation, or a :mod:`qgen.backends` name (``quantinuum-h2-emulator``,
                ``ibm-torino-aer``, ``qgen-exact``): the circuit is compiled once for the backend's target and
                the readout is estimated from ``shots`` per sample.
            shots: shots per sample on a backend.
            seed: seed of the backend runs.
        """
        self._check_fitted()
        if backend is not None:
            return self.probabilities_from_expectations(self._shots(X, backend, shots, seed))
        X = self._validate(X)
        with self._small_threads(len(X), 256):
            return torch.softmax(self._outputs(X), dim=1).cpu().numpy()

    def predict(self, X, backend: str | None = None, shots: int = 1000, seed: int | None = 0) -> np.ndarray:
        """Predicted labels (exact, or by shots on ``backend``; see :meth:`predict_proba`)."""
        proba = self.predict_proba(X, backend, shots, seed)
        return self.classes_[proba.argmax(1)]

    def probabilities_from_expectations(self, expectations: np.ndarray) -> np.ndarray:
        """Class probabilities from readout expectation values ``(N, K_obs)`` (e.g. estimated by shots)."""
        with torch.no_grad(), self._small_threads(len(expectations), 256):
            out = torch.as_tensor(expectations, dtype=torch.float64, device=self.output_scale_.device)
            if len(self.classes_) == 2:
                z = self.output_bias_ - self.output_scale_ * out[:, :1]
                logits = torch.cat([torch.zeros_like(z), z], dim=1)
            else:
                logits = self.output_scale_ * out + self.output_bias_
            return torch.softmax(logits, dim=1).cpu().numpy()

    def fitted_state(self):
        """Tensors and facts for save/load."""
        tensors, facts = super().fitted_state()
        facts["classes"] = self.classes_.tolist()
        return tensors, facts

    def restore(self, circuit: QuantumCircuit, tensors, facts) -> None:
        """Rebuild from saved state."""
        self.classes_ = np.asarray(facts["classes"])
        self.n_features_in_ = int(facts["n_features_in"])
        self._setup(self.n_features_in_, circuit)
        self.load_state_dict(tensors)


class VQRegressor(_sk.RegressorMixin, QuantumEstimator):
    """Variational quantum regressor, ``y = mean + std * (a <Z_0> + b)``; arguments as in VQClassifier."""

    # the classifier's hyper-parameters: one constructor, one signature for sklearn's get_params
    __init__ = VQClassifier.__init__

    @staticmethod
    def _observables(n_qubits: int):
        return z_observables(n_qubits, 1)

    def _setup(self, n_features: int, circuit: QuantumCircuit | None = None) -> None:
        _setup_scaled_layer(self, n_features, circuit, ())
        dev = self.layer_.weights.device
        self.register_buffer("target_mean_", torch.zeros((), dtype=torch.float64, device=dev))
        self.register_buffer("target_std_", torch.ones((), dtype=torch.float64, device=dev))

    def head(self, angles: torch.Tensor) -> torch.Tensor:
        """Standardised predictions ``(N,)``."""
        out = self.layer_(angles).to(torch.float64)[:, 0]
        return torch.addcmul(self.output_bias_, out, self.output_scale_)

    def _readout_loss(self, loss_fn) -> str | None:
        own = type(self).head is VQRegressor.head and loss_fn is torch.nn.functional.mse_loss
        return "mse" if own else None

    def fit(self, X, y, progress: Progress | None = None) -> VQRegressor:
        """Train on features ``X`` and real targets ``y``."""
        X, y = self._validate_xy(X, y, y_numeric=True)
        self._setup(X.shape[1])
        self.scaler_.fit(X)
        std = float(np.std(y)) or 1.0
        self.target_mean_.fill_(float(np.mean(y)))
        self.target_std_.fill_(std)
        dev = self.layer_.weights.device
        target = (torch.as_tensor(y, dtype=torch.float64, device=dev) - self.target_mean_) / self.target_std_

        def neg_mse(pred, t):
            return -((pred - t) ** 2).mean()

        self._train(self.angles(X), target, torch.nn.functional.mse_loss, neg_mse, progress)
        return self

    def predict(self, X, backend: str | None = None, shots: int = 1000, seed: int | None = 0) -> np.ndarray:
        """Predicted targets (exact, or by ``shots`` on ``backend``; see VQClassifier.predict_proba)."""
        self._check_fitted()
        if backend is not None:
            return self.values_from_expectations(self._shots(X, backend, shots, seed))
        out = self._outputs(self._validate(X))
        return (out * self.target_std_ + self.target_mean_).cpu().numpy()

    def values_from_expectations(self, expectations: np.ndarray) -> np.ndarray:
        """Predictions from readout expectation values ``(N, 1)`` (e.g. estimated by shots)."""
        with torch.no_grad():
            z = torch.as_tensor(expectations, dtype=torch.float64, device=self.output_scale_.device)[:, 0]
            out = (self.output_scale_ * z + self.output_bias_) * self.target_std_ + self.target_mean_
            return out.cpu().numpy()

    def restore(self, circuit: QuantumCircuit, tensors, facts) -> None:
        """Rebuild from saved state."""
        self.n_features_in_ = int(facts["n_features_in"])
        self._setup(self.n_features_in_, circuit)
        self.load_state_dict(tensors)
