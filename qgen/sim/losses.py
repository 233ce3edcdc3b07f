"""Per-circuit losses for :func:`qgen.sim.train`: energies of Pauli sums and state fidelities."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from qiskit.quantum_info import SparsePauliOp

from qgen.sim.observables import PauliObservables
from qgen.sim.training import LossFn


def energy(observables: SparsePauliOp | Sequence[SparsePauliOp]) -> LossFn:
    """Loss = <H>; one ``SparsePauliOp`` shared by all circuits, or one per circuit (same order)."""
    shared = isinstance(observables, SparsePauliOp)
    ops = [observables] if shared else list(observables)
    cache: dict[tuple, PauliObservables] = {}

    def loss(psi: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        key = (psi.dtype, str(psi.device))
        if key not in cache:
            n = int(round(np.log2(psi.shape[-1])))
            cache[key] = PauliObservables(ops, n, psi.dtype, psi.device)
        obs = cache[key]
        if shared:
            return obs.expectation(psi, per_circuit=False)[:, 0]
        return obs.expectation(psi, per_circuit=True, rows=rows)

    return loss


def infidelity(targets: torch.Tensor | np.ndarray | Sequence) -> LossFn:
    """Loss = 1 - |<target|psi>|^2; ``targets`` is one state ``(2**n,)`` or one per circuit ``(B, 2**n)``."""
    tgt = torch.as_tensor(np.asarray(targets) if not isinstance(targets, torch.Tensor) else targets)
    cache: dict[tuple, torch.Tensor] = {}

    def loss(psi: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        key = (psi.dtype, str(psi.device))
        if key not in cache:
            cache[key] = tgt.to(dtype=psi.dtype, device=psi.device)
        t = cache[key]
        t = t[None, :] if t.dim() == 1 else t[rows]
        overlap = (t.conj() * psi).sum(-1)
        return 1.0 - (overlap.real**2 + overlap.imag**2)

    return loss
