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
    picked: list = [None, None]  # the last rows tensor and its targets (train passes the same one each step)

    def loss(psi: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        key = (psi.dtype, str(psi.device))
        if key not in cache:
            cache[key] = tgt.to(dtype=psi.dtype, device=psi.device)
        t = cache[key]
        if t.dim() == 1:
            t = t[None, :]
        elif picked[0] is rows and picked[1].dtype == psi.dtype:
            t = picked[1]
        else:
            t = t[rows]
            picked[:] = [rows, t]
        return _Infidelity.apply(psi, t)

    return loss


class _Infidelity(torch.autograd.Function):
    """``1 - |<t|psi>|^2`` per row; backward in one line: ``dL/dpsi = -2 <t|psi> t`` (torch convention)."""

    @staticmethod
    def forward(ctx, psi: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        overlap = torch.linalg.vecdot(t, psi)  # sum(conj(t) * psi)
        ctx.save_for_backward(overlap, t)
        return 1.0 - torch.view_as_real(overlap).square().sum(-1)

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: torch.Tensor):
        overlap, t = ctx.saved_tensors
        return (overlap * (-2.0 * grad)).unsqueeze(-1) * t, None
