"""State evolution of a compiled batch: apply every slot matrix, with adjoint-method backward passes.

Two executors share the slot matrices of :class:`qgen.sim.compiled.CompiledBatch`:

* :class:`EvolveComposed` (small and mid sizes): each slot's amplitudes are brought into the slot's local
  layout by ONE gather whose index (the previous slot's inverse permutation composed with this slot's
  permutation) is precomputed per circuit at compile time, multiplied by the slot matrices (one ``bmm``),
  and left in that layout for the next slot. The forward pass keeps the local states (cheap at these
  sizes), so the backward pass needs no un-computation, and slots without a trainable gate skip their
  matrix gradient.
* :class:`EvolveAdjoint` (large states): permutation tables per qubit tuple, gathered (or reshaped, when
  every circuit of a slot acts on the same qubits) into the local layout and back for each slot; the
  backward pass un-computes the state with ``M^dagger`` so memory stays ``O(B x 2**n)`` at any depth.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class Step:
    """One slot of the composed executor."""

    width: int
    pos: int  # position among the slots of this width
    fwd: torch.Tensor | None  # (B, 2**n) gather index from the previous layout ((2**n,) when shared by all
    bwd: torch.Tensor | None  # circuits; None when unchanged) and its inverse
    trainable: bool  # some circuit has a parametric gate in this slot


@dataclass
class Plan:
    """The composed executor's steps and the gather back to the standard (Qiskit) order."""

    steps: list[Step]
    final: torch.Tensor | None  # (B, 2**n) or (2**n,): last layout -> standard order
    final_inv: torch.Tensor | None


class EvolveComposed(torch.autograd.Function):
    """Forward: one precomputed gather and one ``bmm`` per slot; backward from the stored local states."""

    @staticmethod
    def forward(ctx, plan: Plan, widths: list[int], psi: torch.Tensor, *mats: torch.Tensor):
        by_width = dict(zip(widths, mats, strict=True))
        rows, dim = psi.shape
        saved = []
        x = psi
        for st in plan.steps:
            if st.fwd is not None:
                x = _move(x, st.fwd)
            m = by_width[st.width][st.pos]
            local = x.view(rows, -1, m.shape[-1])
            saved.append(local)
            x = torch.bmm(local, m.transpose(1, 2)).view(rows, dim)
        if plan.final is not None:
            x = _move(x, plan.final)
        ctx.plan, ctx.widths, ctx.states = plan, widths, saved
        ctx.save_for_backward(*mats)
        return x

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: torch.Tensor):
        plan, widths, states = ctx.plan, ctx.widths, ctx.states
        mats = ctx.saved_tensors
        by_width = dict(zip(widths, mats, strict=True))
        needs = {w: ctx.needs_input_grad[3 + i] for i, w in enumerate(widths)}
        grads = {w: torch.empty_like(m) for w, m in by_width.items() if needs[w]}
        rows, dim = grad.shape
        g = grad.contiguous()
        if plan.final_inv is not None:
            g = _move(g, plan.final_inv)
        first = plan.steps[0]
        for st, x in zip(reversed(plan.steps), reversed(states), strict=True):
            m = by_width[st.width][st.pos]
            local = g.view(rows, -1, m.shape[-1])
            if st.width in grads:
                if st.trainable:
                    # y = x M^T  ->  dL/dM = g^T conj(x), per circuit
                    torch.bmm(local.transpose(1, 2), x.conj(), out=grads[st.width][st.pos])
                else:
                    grads[st.width][st.pos].zero_()
            if st is first and not ctx.needs_input_grad[2]:
                break  # nothing before the first slot needs the adjoint state
            g = torch.bmm(local, m.conj()).view(rows, dim)
            if st.bwd is not None:
                g = _move(g, st.bwd)
        ctx.states = None
        mat_grads = [grads.get(w) for w in widths]
        return (None, None, g if ctx.needs_input_grad[2] else None, *mat_grads)


def _move(x: torch.Tensor, index: torch.Tensor) -> torch.Tensor:
    """Reorder amplitudes: one index for every circuit (1-D) or one row per circuit."""
    return x.index_select(1, index) if index.dim() == 1 else x.gather(1, index)


def to_local(psi: torch.Tensor, slot, batch) -> torch.Tensor:
    """Amplitudes ``(B, 2**n)`` -> ``(B, R, K)`` with the slot's qubits (LSB first) on the last axis."""
    n, k = batch.num_qubits, len(slot.uniform) if slot.uniform is not None else slot.width
    rows = psi.shape[0]
    if slot.uniform is not None:
        axes = [1 + (n - 1 - q) for q in reversed(slot.uniform)]
        t = torch.movedim(psi.view(rows, *([2] * n)), axes, list(range(n + 1 - k, n + 1)))
        return t.reshape(rows, -1, 2**k)
    perm = batch._perm[slot.width][slot.tuple_ids]
    return psi.gather(1, perm).view(rows, -1, 2**k)


def from_local(local: torch.Tensor, slot, batch) -> torch.Tensor:
    """Inverse of :func:`to_local`."""
    n = batch.num_qubits
    rows = local.shape[0]
    if slot.uniform is not None:
        k = len(slot.uniform)
        axes = [1 + (n - 1 - q) for q in reversed(slot.uniform)]
        shape = [rows] + [2] * n
        t = local.reshape(shape)  # axes already in moved order
        return torch.movedim(t, list(range(n + 1 - k, n + 1)), axes).reshape(rows, 2**n)
    inv = batch._inv[slot.width][slot.tuple_ids]
    return local.reshape(rows, 2**n).gather(1, inv)


class EvolveAdjoint(torch.autograd.Function):
    """Apply every slot to the state; the backward pass is the adjoint method.

    Gates are unitary, so instead of storing every intermediate state (memory slots x B x 2**n) the backward
    pass un-computes the state slot by slot with ``M^dagger`` while it carries the adjoint vector back:
    memory stays O(B x 2**n) whatever the depth. Gradients flow to the slot matrices (and from there to the
    angles through ordinary autograd) and to the initial state.
    """

    @staticmethod
    def forward(ctx, batch, widths: list[int], psi: torch.Tensor, *mats: torch.Tensor):
        by_width = dict(zip(widths, mats, strict=True))
        for slot in batch.slots:
            m = by_width[slot.width][slot.pos]  # (B, K, K)
            local = torch.bmm(to_local(psi, slot, batch), m.transpose(1, 2))
            psi = from_local(local, slot, batch)
        ctx.batch, ctx.widths = batch, widths
        ctx.save_for_backward(psi, *mats)
        return psi

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: torch.Tensor):
        batch, widths = ctx.batch, ctx.widths
        psi, *mats = ctx.saved_tensors
        by_width = dict(zip(widths, mats, strict=True))
        needs = {w: ctx.needs_input_grad[3 + i] for i, w in enumerate(widths)}
        grads = {w: torch.zeros_like(m) for w, m in by_width.items() if needs[w]}
        for slot in reversed(batch.slots):
            m = by_width[slot.width][slot.pos]
            # un-compute: state before the slot is M^dagger applied to the state after it
            psi_local = torch.bmm(to_local(psi, slot, batch), m.conj())
            grad_local = to_local(grad, slot, batch)
            if slot.trainable and slot.width in grads:
                # y = x M^T  ->  dL/dM = g^T conj(x), per circuit
                grads[slot.width][slot.pos] = torch.bmm(grad_local.transpose(1, 2), psi_local.conj())
            psi = from_local(psi_local, slot, batch)
            grad = from_local(torch.bmm(grad_local, m.conj()), slot, batch)
        mat_grads = [grads.get(w) for w in widths]
        return (None, None, grad if ctx.needs_input_grad[2] else None, *mat_grads)
