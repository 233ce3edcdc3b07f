"""Data re-uploading classifier (Perez-Salinas, Cervera-Lierta, Gil-Fuster, Latorre 2020, arXiv:1907.02085).

Each of ``reps`` layers re-encodes every feature with a trainable scale and offset, ``RY(s * x + b)``, then a
trainable ``RZ`` and a CZ ring (the ``re-uploading`` circuit of :mod:`qgen.models.builders`). The scales start
at 1; the readout is the one of :class:`qgen.models.VQClassifier`.
"""

from __future__ import annotations

import torch

from qgen.models.vqc import VQClassifier


class ReuploadingClassifier(VQClassifier):
    """Data re-uploading classifier with trainable input scaling; arguments as :class:`VQClassifier`
    (``reps`` = number of re-uploading layers)."""

    source = "re-uploading"
    feature_map = "angle"
    ansatz = None

    def __init__(
        self,
        reps: int = 3,
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

    def _setup(self, n_features: int, circuit=None) -> None:
        super()._setup(n_features, circuit)
        if circuit is None:  # fresh model: input scales start at 1
            scales = [i for i, n in enumerate(self.layer_.weight_names) if n.startswith("s")]
            with torch.no_grad():
                self.layer_.weights[scales] = 1.0

    def input_scales(self) -> torch.Tensor:
        """The trained input scales ``s`` (layer-major, one per feature)."""
        self._check_fitted()
        idx = [i for i, n in enumerate(self.layer_.weight_names) if n.startswith("s")]
        return self.layer_.weights.detach()[idx]
