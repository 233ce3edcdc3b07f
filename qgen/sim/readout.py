"""Readout of diagonal Pauli sums (I/Z only) on batches of statevectors: one real product of probabilities."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from qiskit.quantum_info import SparsePauliOp

from qgen.errors import SimulationError
from qgen.sim.observables import pauli_coefficients


class DiagonalReadout:
    """Expectation values of diagonal Pauli sums (I/Z only) as one real product ``|psi|^2 @ table``."""

    def __init__(
        self, observables: Sequence[SparsePauliOp], num_qubits: int, dtype: torch.dtype, device
    ) -> None:
        cols = []
        for op in observables:
            coeffs = pauli_coefficients(SparsePauliOp(op), num_qubits)
            if set(coeffs) - {0}:
                raise SimulationError("DiagonalReadout takes observables made of I and Z only")
            cols.append(coeffs.get(0, np.zeros(2**num_qubits)).real)
        self.table = torch.tensor(np.stack(cols, 1), dtype=dtype, device=device)  # (D, K)

    @staticmethod
    def accepts(observables: Sequence[SparsePauliOp], num_qubits: int) -> bool:
        """True when every observable is diagonal (I/Z terms with real coefficients)."""
        for op in observables:
            coeffs = pauli_coefficients(SparsePauliOp(op), num_qubits)
            if set(coeffs) - {0} or np.abs(coeffs.get(0, np.zeros(1)).imag).max() > 0:
                return False
        return True

    def __call__(self, psi: torch.Tensor) -> torch.Tensor:
        """``(B, K)`` expectation values."""
        probs = _Probs.apply(psi)
        return probs @ self.table.to(probs.dtype)


class _Probs(torch.autograd.Function):
    """``|psi|^2`` with a one-product backward (``2 g psi``)."""

    @staticmethod
    def forward(ctx, psi: torch.Tensor) -> torch.Tensor:
        ctx.save_for_backward(psi)
        return psi.real**2 + psi.imag**2

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> torch.Tensor:
        (psi,) = ctx.saved_tensors
        return psi * (2 * grad)
