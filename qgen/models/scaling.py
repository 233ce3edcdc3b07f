"""Feature scaling to rotation angles.

The rule (``scaling="minmax"``, the default): every feature is mapped linearly from its range on the training
data ``[min, max]`` to ``[0, pi]``: ``angle = pi * (x - min) / (max - min)`` (a constant feature maps to 0).
The minimum and range are stored in the model, so test data goes through the same map (values outside the
training range fall slightly outside ``[0, pi]``). ``scaling="none"`` feeds the features unchanged.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from qgen.models.errors import ModelError

SCALINGS = ("minmax", "none")


class AngleScaler(torch.nn.Module):
    """MinMax map of each feature to ``[0, upper]`` (``upper = pi``), fitted on training data; a torch
    module so that :meth:`forward` is differentiable and moves with the model."""

    def __init__(self, num_features: int, mode: str = "minmax", upper: float = math.pi) -> None:
        super().__init__()
        if mode not in SCALINGS:
            raise ModelError(f"scaling must be one of {SCALINGS}, got {mode!r}")
        self.mode, self.upper = mode, float(upper)
        self.register_buffer("data_min", torch.zeros(num_features, dtype=torch.float64))
        self.register_buffer("data_range", torch.ones(num_features, dtype=torch.float64))

    def fit(self, X: np.ndarray) -> AngleScaler:
        """Store the per-feature minimum and range of ``X``."""
        if self.mode == "minmax":
            lo, hi = X.min(axis=0), X.max(axis=0)
            span = np.where(hi - lo > 0, hi - lo, 1.0)
            self.data_min.copy_(torch.as_tensor(lo, dtype=torch.float64))
            self.data_range.copy_(torch.as_tensor(span, dtype=torch.float64))
        return self

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Angles for features ``x`` ``(N, d)``."""
        if self.mode == "none":
            return x
        lo = self.data_min.to(device=x.device, dtype=x.dtype)
        span = self.data_range.to(device=x.device, dtype=x.dtype)
        return (x - lo) / span * self.upper
