"""Quantum kernels and the kernel estimators QSVC and QKernelRidge.

* Fidelity kernel: ``k(x, y) = |<phi(x)|phi(y)>|^2`` for a feature map ``|phi(x)> = U(x)|0>`` (the ZZ
  feature map of Havlicek et al. 2019, arXiv:1804.11326, by default). Statevectors of all inputs are
  computed in one batched qgen.sim run (one structure, many inputs), then ``K = |Psi_X Psi_Y^dagger|^2``.
* Projected quantum kernel (Huang et al. 2021, arXiv:2011.01938):
  ``k(x, y) = exp(-gamma * sum_q ||rho_q(x) - rho_q(y)||_F^2)`` with the one-qubit reduced density matrices
  ``rho_q``; computed from Bloch vectors, ``||rho - rho'||_F^2 = |b - b'|^2 / 2``.
"""

from __future__ import annotations

import numpy as np
import torch
from qiskit.quantum_info import SparsePauliOp

from qgen.models.base import QuantumEstimator
from qgen.models.errors import ModelError
from qgen.models.layer import QuantumLayer
from qgen.models.scaling import AngleScaler
from qgen.optional import require

_sk = require("sklearn.base", extra="models")


def _bloch_observables(n: int) -> list[SparsePauliOp]:
    return [SparsePauliOp.from_sparse_list([(p, [q], 1.0)], n) for q in range(n) for p in "XYZ"]


class QuantumKernel:
    """A quantum kernel ``K = kernel(X, Y)`` (numpy in, numpy out) usable as an sklearn callable kernel.

    Args:
        feature_map: a circuit source with data inputs only (registered name such as ``zz`` or ``angle``,
            QASM, circuit); built for the number of features of the first call.
        reps: repetitions of a registered feature map (None: its default).
        projected: the projected kernel (Huang et al. 2021) instead of the fidelity kernel.
        gamma: bandwidth of the projected kernel.
        dtype: ``float64`` or ``float32``.
        device: ``cpu``, ``cuda`` or ``auto``.
        batch_size: inputs simulated per qgen.sim run.
    """

    def __init__(
        self,
        feature_map: object = "zz",
        reps: int | None = None,
        projected: bool = False,
        gamma: float = 1.0,
        dtype: str = "float64",
        device: str = "cpu",
        batch_size: int = 512,
    ) -> None:
        self.feature_map = feature_map
        self.reps = reps
        self.projected = projected
        self.gamma = gamma
        self.dtype = dtype
        self.device = device
        self.batch_size = batch_size
        self._layer: QuantumLayer | None = None

    def layer(self, num_features: int) -> QuantumLayer:
        """The feature-map layer for ``num_features`` inputs (built once)."""
        from qgen.models.sources import resolve_circuit

        if self._layer is None or self._layer.num_inputs != num_features:
            src = resolve_circuit(self.feature_map, num_features, reps=self.reps).check(weights=False)
            if src.weights:
                raise ModelError(
                    f"a kernel feature map must have no trainable weights; {src.origin} has {src.weights[:5]}"
                )
            obs = _bloch_observables(src.circuit.num_qubits) if self.projected else None
            self._layer = QuantumLayer(src.circuit, obs, None, 0, self.dtype, self.device, trainable=False)
        return self._layer

    def states(self, X) -> torch.Tensor:
        """Statevectors ``(N, 2**n)`` of the feature map for the rows of ``X``."""
        x = torch.as_tensor(np.asarray(X, dtype=np.float64))
        layer = self.layer(x.shape[1])
        with torch.no_grad():
            step = self.batch_size
            return torch.cat([layer.states(x[i : i + step]) for i in range(0, len(x), step)])

    def features(self, X) -> torch.Tensor:
        """Bloch vectors ``(N, 3n)`` (projected kernel) of the rows of ``X``."""
        x = torch.as_tensor(np.asarray(X, dtype=np.float64))
        layer = self.layer(x.shape[1])
        with torch.no_grad():
            return torch.cat([layer(x[i : i + self.batch_size]) for i in range(0, len(x), self.batch_size)])

    def from_states(self, a: torch.Tensor, b: torch.Tensor) -> np.ndarray:
        """Kernel matrix from precomputed :meth:`states` (fidelity) or :meth:`features` (projected)."""
        if self.projected:
            d2 = torch.cdist(a.double(), b.double()) ** 2 / 2
            return torch.exp(-self.gamma * d2).cpu().numpy()
        overlap = a @ b.conj().T
        return (overlap.real**2 + overlap.imag**2).double().cpu().numpy()

    def embed(self, X) -> torch.Tensor:
        """What the kernel compares: statevectors, or Bloch vectors for the projected kernel."""
        return self.features(X) if self.projected else self.states(X)

    def __call__(self, X, Y=None) -> np.ndarray:
        """Kernel matrix ``(len(X), len(Y))`` (``Y`` None: ``X`` against itself)."""
        a = self.embed(X)
        b = a if Y is None else self.embed(Y)
        return self.from_states(a, b)

    def __repr__(self) -> str:
        return (
            f"QuantumKernel(feature_map={self.feature_map!r}, reps={self.reps}, projected={self.projected})"
        )


class _KernelModel(QuantumEstimator):
    """Shared parts of QSVC / QKernelRidge: scaling, kernel, cached training embeddings."""

    def _kernel(self) -> QuantumKernel:
        return QuantumKernel(self.feature_map, self.reps, self.projected, self.gamma, self.dtype, self.device)

    def _setup_kernel(self, X: np.ndarray) -> None:
        self.kernel_ = self._kernel()
        self.layer_ = self.kernel_.layer(X.shape[1])
        self.scaler_ = AngleScaler(X.shape[1], self.scaling)
        self.scaler_.fit(X)
        self.register_buffer("train_angles_", self.angles(X).detach().cpu())
        self._train_embed = self.kernel_.embed(self.train_angles_.numpy())

    def kernel_matrix(self, X) -> np.ndarray:
        """Kernel between (raw) ``X`` and the training data."""
        self._check_fitted()
        a = self.kernel_.embed(self.angles(self._validate(X)).cpu().numpy())
        return self.kernel_.from_states(a, self._train_embed)

    def circuit(self, bound: bool = True):
        """The feature-map circuit (it has no weights)."""
        self._check_fitted()
        return self.layer_.circuit


class QSVC(_sk.ClassifierMixin, _KernelModel):
    """Support-vector classifier on a quantum kernel (sklearn ``SVC(kernel="precomputed")`` inside).

    Args:
        feature_map, reps, projected, gamma: the :class:`QuantumKernel`.
        C: SVC regularisation.
        scaling: ``minmax`` (features to [0, pi]) or ``none``.
        dtype, device: simulation precision and device.
        random_state: seed passed to the SVC.
    """

    def __init__(
        self,
        feature_map: object = "zz",
        reps: int | None = None,
        projected: bool = False,
        gamma: float = 1.0,
        C: float = 1.0,  # noqa: N803 - sklearn's name
        scaling: str = "minmax",
        dtype: str = "float64",
        device: str = "cpu",
        random_state: int | None = 0,
    ) -> None:
        self._init_module()
        self.feature_map = feature_map
        self.reps = reps
        self.projected = projected
        self.gamma = gamma
        self.C = C
        self.scaling = scaling
        self.dtype = dtype
        self.device = device
        self.random_state = random_state

    def fit(self, X, y, progress=None) -> QSVC:
        """Compute the training kernel and fit the SVC."""
        from sklearn.svm import SVC

        X, y, _ = self._validate_classes(X, y)
        self._setup_kernel(X)
        self.train_labels_ = np.asarray(y)
        gram = self.kernel_.from_states(self._train_embed, self._train_embed)
        self.svc_ = SVC(kernel="precomputed", C=self.C, random_state=self.random_state)
        self.svc_.fit(gram, y)
        return self

    def decision_function(self, X) -> np.ndarray:
        """SVC decision values."""
        K = self.kernel_matrix(X)
        return self.svc_.decision_function(K)

    def predict(self, X) -> np.ndarray:
        """Predicted labels."""
        K = self.kernel_matrix(X)
        return self.svc_.predict(K)

    def fitted_state(self):
        """Training angles and labels (the SVC is refitted on load: libsvm is deterministic)."""
        tensors, facts = super().fitted_state()
        facts["classes"] = self.classes_.tolist()
        facts["train_labels"] = self.train_labels_.tolist()
        return tensors, facts

    def restore(self, circuit, tensors, facts) -> None:
        """Refit the SVC on the saved training angles (same kernel, same solution)."""
        from sklearn.svm import SVC

        self.n_features_in_ = int(facts["n_features_in"])
        self.classes_ = np.asarray(facts["classes"])
        self.train_labels_ = np.asarray(facts["train_labels"])
        self.kernel_ = QuantumKernel(circuit, None, self.projected, self.gamma, self.dtype, self.device)
        self.layer_ = self.kernel_.layer(self.n_features_in_)
        self.scaler_ = AngleScaler(self.n_features_in_, self.scaling)
        self.register_buffer("train_angles_", tensors["train_angles_"])
        self.load_state_dict(tensors)
        self._train_embed = self.kernel_.embed(self.train_angles_.numpy())
        gram = self.kernel_.from_states(self._train_embed, self._train_embed)
        self.svc_ = SVC(kernel="precomputed", C=self.C, random_state=self.random_state)
        self.svc_.fit(gram, self.train_labels_)


class QKernelRidge(_sk.RegressorMixin, _KernelModel):
    """Kernel ridge regression on a quantum kernel (sklearn ``KernelRidge(kernel="precomputed")``).

    Args:
        feature_map, reps, projected, gamma: the :class:`QuantumKernel`.
        alpha: ridge regularisation.
        scaling, dtype, device: as :class:`QSVC`.
    """

    def __init__(
        self,
        feature_map: object = "zz",
        reps: int | None = None,
        projected: bool = False,
        gamma: float = 1.0,
        alpha: float = 1e-3,
        scaling: str = "minmax",
        dtype: str = "float64",
        device: str = "cpu",
    ) -> None:
        self._init_module()
        self.feature_map = feature_map
        self.reps = reps
        self.projected = projected
        self.gamma = gamma
        self.alpha = alpha
        self.scaling = scaling
        self.dtype = dtype
        self.device = device

    def fit(self, X, y, progress=None) -> QKernelRidge:
        """Compute the training kernel and solve the ridge problem."""
        from sklearn.kernel_ridge import KernelRidge

        X, y = self._validate_xy(X, y, y_numeric=True)
        self._setup_kernel(X)
        self.register_buffer("train_targets_", torch.as_tensor(np.asarray(y, dtype=np.float64)))
        gram = self.kernel_.from_states(self._train_embed, self._train_embed)
        self.krr_ = KernelRidge(kernel="precomputed", alpha=self.alpha).fit(gram, y)
        return self

    def predict(self, X) -> np.ndarray:
        """Predicted targets."""
        K = self.kernel_matrix(X)
        return self.krr_.predict(K)

    def restore(self, circuit, tensors, facts) -> None:
        """Re-solve the ridge problem on the saved training angles and targets."""
        from sklearn.kernel_ridge import KernelRidge

        self.n_features_in_ = int(facts["n_features_in"])
        self.kernel_ = QuantumKernel(circuit, None, self.projected, self.gamma, self.dtype, self.device)
        self.layer_ = self.kernel_.layer(self.n_features_in_)
        self.scaler_ = AngleScaler(self.n_features_in_, self.scaling)
        self.register_buffer("train_angles_", tensors["train_angles_"])
        self.register_buffer("train_targets_", tensors["train_targets_"])
        self.load_state_dict(tensors)
        self._train_embed = self.kernel_.embed(self.train_angles_.numpy())
        gram = self.kernel_.from_states(self._train_embed, self._train_embed)
        self.krr_ = KernelRidge(kernel="precomputed", alpha=self.alpha)
        self.krr_.fit(gram, self.train_targets_.numpy())
