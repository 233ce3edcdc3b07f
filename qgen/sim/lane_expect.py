"""Expectation values of diagonal observables on the lanes executor, as one autograd step.

``(B, P)`` parameter rows go to ``(B, K)`` expectation values ``|psi|^2 @ table`` without a torch operation
in between: the angles and their cosines and sines (numpy), the chain products, the state and its readout
(numba, :mod:`qgen.sim.lanes`) in the forward pass; the readout's gradient seeds the adjoint pass, whose
result goes back through the chain products and the angles to the parameter rows in the backward pass. For
small batches (a VQC step on a hundred samples) the dozens of small torch operations and their autograd
nodes cost more than the simulation; here they are gone.
"""

from __future__ import annotations

import numpy as np
import torch

from qgen.sim.lanes import LaneCircuit, fuse_backward, fuse_forward, state_backward, state_forward


class LaneReadout:
    """A lanes circuit with a diagonal readout table ``(2**n, K)``, ready for :meth:`expectations`."""

    def __init__(self, circuit: LaneCircuit, table: np.ndarray) -> None:
        self.circuit = circuit
        table = np.asarray(table, dtype=np.float64)
        self.table = np.empty_like(table)
        self.table[circuit._final] = table  # rows of the state as the kernels leave it
        offset, coeff, scale = (t.numpy() for t in (circuit._offset, circuit._coeff, circuit._scale))
        self._batched = None
        if circuit._b_cols is not None:
            var, cos0, sin0 = (t.numpy() for t in circuit._b_var)
            cols = circuit._b_cols.numpy()[var]
            coef_t = np.ascontiguousarray(coeff[:, cols].T)
            self._batched = (var, coef_t, offset[cols, None], scale[var, None])
            self._const = (cos0, sin0)
        self._shared = None
        if circuit._s_cols is not None:
            cols = circuit._s_cols.numpy()
            self._shared = (np.ascontiguousarray(coeff[:, cols]), offset[cols], scale[: len(cols)])
        self._pool: list[tuple[np.ndarray, np.ndarray]] = []

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_pool": []}  # work buffers are not state

    def _trig_buffers(self, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """Cosine and sine arrays ``(A, B)`` of the per-sample gates, constant rows filled (reused)."""
        for i, (bc, _) in enumerate(self._pool):
            if bc.shape[1] == rows:
                return self._pool.pop(i)
        cos0, sin0 = self._const
        return np.repeat(cos0[:, None], rows, 1), np.repeat(sin0[:, None], rows, 1)

    def _give(self, buffers: tuple[np.ndarray, np.ndarray]) -> None:
        if len(self._pool) < 2:
            self._pool.append(buffers)

    def expectations(self, params: torch.Tensor) -> torch.Tensor:
        """``(B, K)`` expectation values for parameter rows ``(B, P)`` (float64, CPU); differentiable."""
        return _Expect.apply(params, self)


def _mm(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` through torch, whose thread count qgen sets (numpy's BLAS would start its own threads)."""
    return torch.mm(torch.from_numpy(a), torch.from_numpy(b)).numpy()


class _Expect(torch.autograd.Function):
    """Parameter rows to expectation values on the lanes kernels, with the exact (adjoint) backward."""

    @staticmethod
    def forward(ctx, params, readout):  # noqa: D102
        circuit = readout.circuit
        p = params.detach().numpy()
        rows = p.shape[0]
        trig_b = None
        if readout._batched is not None:
            var, coef_t, off, scale = readout._batched
            angles = (_mm(coef_t, p.T) + off) * scale
            cos_v, sin_v = np.cos(angles), np.sin(angles)
            bc, bs = readout._trig_buffers(rows)
            bc[var], bs[var] = cos_v, sin_v
            trig_b = (cos_v, sin_v)
        else:
            bc = bs = np.empty((0, rows))
        if readout._shared is not None:
            coef, off, scale = readout._shared
            angles = (_mm(p[:1], coef)[0] + off) * scale
            sc, ss = np.cos(angles), np.sin(angles)
        else:
            sc = ss = np.empty(0)
        mats, virt = fuse_forward(circuit, bc, bs, sc, ss)
        saved = state_forward(circuit, mats)
        last = len(circuit._table_chains)
        re, im = saved[0][2][last], saved[0][3][last]
        out = _mm((re * re + im * im).T, readout.table)
        if ctx.needs_input_grad[0]:
            ctx.saved = (readout, p.shape, (bc, bs, sc, ss), trig_b, virt, mats.shape, saved)
        else:
            circuit._give(saved[0])
            if trig_b is not None:
                readout._give((bc, bs))
        return torch.from_numpy(out)

    @staticmethod
    def backward(ctx, grad):  # noqa: D102
        readout, shape, trig, trig_b, virt, mshape, saved = ctx.saved
        ctx.saved = None
        circuit = readout.circuit
        buf = saved[0]
        last = len(circuit._table_chains)
        re, im = buf[2][last], buf[3][last]
        weight = _mm(readout.table, 2.0 * grad.numpy().T)  # d(out)/d|psi|^2, times 2: the gradient of psi
        np.multiply(weight, re, out=buf[8])
        np.multiply(weight, im, out=buf[9])
        dm = state_backward(circuit, saved, mshape)
        db, dbs, ds, dss = fuse_backward(circuit, *trig, virt, dm)
        dp = np.zeros(shape)
        if trig_b is not None:
            var, coef_t, _, scale = readout._batched
            cos_v, sin_v = trig_b
            dang = (cos_v * dbs[var] - sin_v * db[var]) * scale
            dp += _mm(dang.T, coef_t)
            readout._give(trig[:2])
        if readout._shared is not None:
            coef, _, scale = readout._shared
            sc, ss = trig[2:]
            dp[0] += _mm(coef, ((sc * dss - ss * ds) * scale)[:, None])[:, 0]
        return torch.from_numpy(dp), None
