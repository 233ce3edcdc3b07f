"""Autograd kernels of :mod:`qgen.sim.structured`: amplitude permutations and phase multiplications with
short hand-written backward passes, and small batched matrix helpers."""

from __future__ import annotations

import torch


def _state_grad(grad: torch.Tensor, e: torch.Tensor, shape: torch.Size) -> torch.Tensor:
    """The gradient of ``psi`` in ``psi * e``, summed over the batch where ``psi`` was broadcast."""
    g = grad * e.conj()
    return g.sum(0, keepdim=True) if g.shape != shape else g


def _phase_grad(grad: torch.Tensor, out: torch.Tensor, rows: int) -> torch.Tensor:
    """``dL/dphi`` per amplitude of ``out = psi * exp(i phi)``: ``Re(conj(g) i out) = -Im(conj(g) out)``,
    summed over the batch where the phase had ``rows`` (one) row."""
    t = -(grad.conj() * out).imag
    return t.sum(0, keepdim=True) if t.shape[0] != rows else t


class Permute(torch.autograd.Function):
    """``x[:, index]`` whose backward is a gather by the inverse permutation (no scatter-add)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, index: torch.Tensor, inverse: torch.Tensor) -> torch.Tensor:
        ctx.inverse = inverse
        return x.index_select(1, index)

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        return grad.index_select(1, ctx.inverse), None, None


class PhaseMul(torch.autograd.Function):
    """``psi * exp(i phi)`` for real ``phi`` (rows broadcast), with a two-product backward."""

    @staticmethod
    def forward(ctx, psi: torch.Tensor, phi: torch.Tensor) -> torch.Tensor:
        e = torch.complex(torch.cos(phi), torch.sin(phi)).to(psi.dtype)
        out = psi * e
        ctx.save_for_backward(e, out)
        ctx.shapes = (psi.shape, phi.shape)
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        e, out = ctx.saved_tensors
        psi_shape, phi_shape = ctx.shapes
        g_psi = _state_grad(grad, e, psi_shape) if ctx.needs_input_grad[0] else None
        g_phi = _phase_grad(grad, out, phi_shape[0]) if ctx.needs_input_grad[1] else None
        return g_psi, g_phi


class ProductPhaseMul(torch.autograd.Function):
    """``psi * exp(i phi)`` for a phase that is a sum of one-qubit terms: ``pairs`` ``(R, 2n)`` holds the
    phase of qubit q's bit b at ``2q + b``; ``exp(i phi)`` is their Kronecker product (qubit n-1 first), and
    the gradient of the pairs is ``Im``-part products summed by the bit-indicator matrix ``(D, 2n)``."""

    @staticmethod
    def forward(ctx, psi: torch.Tensor, pairs: torch.Tensor, indicator: torch.Tensor) -> torch.Tensor:
        rows, n = pairs.shape[0], pairs.shape[1] // 2
        z = torch.complex(torch.cos(pairs), torch.sin(pairs)).to(psi.dtype).view(rows, n, 2)
        e = z[:, n - 1]
        for q in range(n - 2, -1, -1):
            e = (e[:, :, None] * z[:, q, None, :]).reshape(rows, -1)
        out = psi * e
        ctx.save_for_backward(e, out, indicator)
        ctx.shapes = (psi.shape, pairs.shape)
        return out

    @staticmethod
    def backward(ctx, grad: torch.Tensor):
        e, out, indicator = ctx.saved_tensors
        psi_shape, pairs_shape = ctx.shapes
        g_psi = _state_grad(grad, e, psi_shape) if ctx.needs_input_grad[0] else None
        g_pairs = None
        if ctx.needs_input_grad[1]:
            t = _phase_grad(grad, out, pairs_shape[0])  # dL/dphi per amplitude
            g_pairs = t @ indicator.to(t.dtype)
        return g_psi, g_pairs, None


def kron(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Batched Kronecker product of ``(R, m, m)`` and ``(R', k, k)`` (rows broadcast)."""
    m, k = a.shape[-1], b.shape[-1]
    out = a[:, :, None, :, None] * b[:, None, :, None, :]
    return out.reshape(out.shape[0], m * k, m * k)


def chain_product(mats: torch.Tensor) -> torch.Tensor:
    """``(R, C, L, 2, 2)`` -> ``(R, C, 2, 2)``: the products ``M_{L-1} ... M_0`` of the chains (as a tree)."""
    while mats.shape[2] > 1:
        if mats.shape[2] % 2:
            eye = torch.eye(2, dtype=mats.dtype, device=mats.device).expand(*mats.shape[:2], 1, 2, 2)
            mats = torch.cat([mats, eye], 2)
        mats = mats[:, :, 1::2] @ mats[:, :, 0::2]
    return mats[:, :, 0]
