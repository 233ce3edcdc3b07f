"""Quantum convolutional neural network (Cong, Choi, Lukin 2019, arXiv:1810.03787).

The ``qcnn`` circuit (:mod:`qgen.models.builders`): angle encoding, then stages of two-qubit convolution
units on neighbouring pairs of the active qubits and pooling units (the discarded qubit controls rotations of
the kept one, the coherent form of measure-and-correct), halving the active qubits until one is left; it is
read out by ``Z``. :class:`QCNN` is the torch layer (compose it with classical layers),
:class:`QCNNClassifier` the estimator.
"""

from __future__ import annotations

import torch
from qiskit.quantum_info import SparsePauliOp

from qgen.models.builders import build, qcnn_output_qubit
from qgen.models.layer import QuantumLayer
from qgen.models.vqc import VQClassifier


def qcnn_observables(num_qubits: int, count: int = 1) -> list[SparsePauliOp]:
    """Z on the output qubit first, then Z on the other qubits (for more classes)."""
    out = qcnn_output_qubit(num_qubits)
    order = [out] + [q for q in reversed(range(num_qubits)) if q != out]
    return [SparsePauliOp.from_sparse_list([("Z", [q], 1.0)], num_qubits) for q in order[:count]]


class QCNN(torch.nn.Module):
    """A QCNN as a torch layer: angles ``(N, num_qubits)`` -> ``<Z_out>`` ``(N, outputs)``.

    >>> layer = QCNN(4)
    >>> layer(torch.zeros(3, 4, dtype=torch.float64)).shape
    torch.Size([3, 1])
    """

    def __init__(
        self, num_qubits: int, reps: int = 1, outputs: int = 1, seed: int = 0, dtype: str = "float64",
        device: str = "cpu",
    ) -> None:  # fmt: skip
        super().__init__()
        circuit = build("qcnn", num_qubits, reps, seed)
        obs = qcnn_observables(num_qubits, outputs)
        self.quantum = QuantumLayer(circuit, obs, None, seed, dtype, device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Expectation values for angles ``x``."""
        return self.quantum(x)


class QCNNClassifier(VQClassifier):
    """QCNN classifier; arguments as :class:`VQClassifier` (``reps`` = convolutions per stage). Classes are
    read from the output qubit (two classes) or from Z on the output qubit and the last discarded ones."""

    source = "qcnn"
    feature_map = "angle"
    ansatz = None

    def __init__(
        self,
        reps: int = 1,
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
        return qcnn_observables(n_qubits, 1 if k == 2 else k)
