"""Expectation values of diagonal observables on the lanes executor, as one autograd step.

``(B, P)`` parameter rows go to ``(B, K)`` expectation values ``|psi|^2 @ table`` without a torch operation
in between: the angles (sparse linear forms) and their cosines and sines, the chain products, the state and
its readout (numba, :mod:`qgen.sim.lanes`) in the forward pass; the readout's gradient seeds the adjoint
pass, whose result goes back through the chain products and the angles to the parameter rows in the
backward pass. Work arrays are reused between calls. For small batches (a VQC step on a hundred samples)
the dozens of small torch operations and autograd nodes of the generic path cost more than the simulation;
here they are gone.
"""

from __future__ import annotations

import numpy as np
import torch

from qgen.sim.lanes import LaneCircuit, fuse_backward, fuse_forward, state_backward, state_forward


def _sparse(coeff: np.ndarray, cols: np.ndarray, scale: np.ndarray) -> tuple[np.ndarray, ...]:
    """The linear forms ``scale[a] * coeff[:, cols[a]]`` as rows of (parameter, value) pairs."""
    start, idx, vals = [0], [], []
    for a, col in enumerate(cols):
        nz = np.nonzero(coeff[:, col])[0]
        idx.extend(nz.tolist())
        vals.extend((coeff[nz, col] * scale[a]).tolist())
        start.append(len(idx))
    return np.array(start, dtype=np.int64), np.array(idx, dtype=np.int64), np.array(vals, dtype=np.float64)


def _cos_sin(angles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cosines and sines through torch (vectorised; numpy's float64 ones are scalar loops)."""
    a = torch.from_numpy(angles)
    return torch.cos(a).numpy(), torch.sin(a).numpy()


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
            cols, sc = circuit._b_cols.numpy()[var], scale[var]
            self._batched = (var, *_sparse(coeff, cols, sc), offset[cols] * sc)
            self._const = (cos0, sin0)
        self._shared = None
        if circuit._s_cols is not None:
            cols = circuit._s_cols.numpy()
            sc = scale[: len(cols)]
            self._shared = (*_sparse(coeff, cols, sc), offset[cols] * sc)
        self._pool: list[tuple[np.ndarray, ...]] = []

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_pool": []}  # work buffers are not state

    def _trig_buffers(self, rows: int) -> tuple[np.ndarray, ...]:
        """Cosines and sines ``(A, B)`` of the per-sample gates (constant rows filled) and their gradients."""
        for i, bufs in enumerate(self._pool):
            if bufs[0].shape[1] == rows:
                return self._pool.pop(i)
        cos0, sin0 = self._const
        bc, bs = np.repeat(cos0[:, None], rows, 1), np.repeat(sin0[:, None], rows, 1)
        return bc, bs, np.empty_like(bc), np.empty_like(bs)

    def _give(self, buffers: tuple[np.ndarray, ...]) -> None:
        if len(self._pool) < 2:
            self._pool.append(buffers)

    def expectations(self, params: torch.Tensor, batched_grad: bool = True) -> torch.Tensor:
        """``(B, K)`` expectation values for parameter rows ``(B, P)`` (float64, CPU); differentiable.
        ``batched_grad=False``: the per-sample columns need no gradient (theirs is left at zero where the
        per-sample gates read nothing else)."""
        cols = np.arange(params.shape[1])
        return self.expectations_split(params, params.new_zeros(0), cols, cols[:0], batched_grad)

    def expectations_split(
        self,
        data: torch.Tensor,
        weights: torch.Tensor,
        data_cols: np.ndarray,
        weight_cols: np.ndarray,
        batched_grad: bool = True,
    ) -> torch.Tensor:
        """As :meth:`expectations`, with the parameter rows given as per-sample columns ``data`` ``(B, Pd)``
        (parameters ``data_cols``) and weights ``(Pw,)`` shared by every row (parameters ``weight_cols``):
        no ``(B, P)`` matrix is built in torch, and the weights' gradient is summed in the same step."""
        need_b = batched_grad or not self.circuit._b_pure
        return _Expect.apply(data, weights, self, data_cols, weight_cols, need_b)


class _Expect(torch.autograd.Function):
    """Per-sample columns and shared weights to expectation values on the lanes kernels, with the exact
    (adjoint) backward."""

    @staticmethod
    def forward(ctx, data, weights, readout, data_cols, weight_cols, need_b):  # noqa: D102
        from qgen.sim.lane_kernels import readout as read
        from qgen.sim.lane_kernels import sparse_rows

        circuit = readout.circuit
        rows = data.shape[0]
        p_t = np.empty((circuit.num_parameters, rows))  # parameter rows, transposed
        p_t[data_cols] = data.detach().numpy().T
        p_t[weight_cols] = weights.detach().numpy()[:, None]
        buf = circuit._take(rows)
        trig, cos_sin = None, None
        if readout._batched is not None:
            var, start, cols, vals, base = readout._batched
            angles = np.empty((len(var), rows))
            sparse_rows(start, cols, vals, base, p_t, angles)
            cos_sin = _cos_sin(angles)
            trig = readout._trig_buffers(rows)
            trig[0][var], trig[1][var] = cos_sin
            bc, bs = trig[:2]
        else:
            bc = bs = np.empty((0, rows))
        sc = ss = np.empty(0)
        if readout._shared is not None:
            start, cols, vals, base = readout._shared
            angles = np.empty((len(base), 1))
            sparse_rows(start, cols, vals, base, np.ascontiguousarray(p_t[:, :1]), angles)
            sc, ss = _cos_sin(angles[:, 0])
        _, virt = fuse_forward(circuit, bc, bs, sc, ss, out=buf[1])
        saved = state_forward(circuit, buf[1], buf)
        out = np.empty((readout.table.shape[1], rows))
        read(buf[2][0], buf[3][0], readout.table, out)  # slot 0: the state
        if ctx.needs_input_grad[0] or ctx.needs_input_grad[1]:
            cols = (data_cols, weight_cols)
            ctx.saved = (readout, p_t.shape, cols, (bc, bs, sc, ss), trig, cos_sin, virt, saved, need_b)
        else:
            circuit._give(buf)
            if trig is not None:
                readout._give(trig)
        return torch.from_numpy(out).T

    @staticmethod
    def backward(ctx, grad):  # noqa: D102
        from qgen.sim.lane_kernels import readout_grad, sparse_rows_t

        readout, shape, (data_cols, weight_cols), cs, trig, cos_sin, virt, saved, need_b = ctx.saved
        ctx.saved = None
        circuit = readout.circuit
        buf = saved[0]
        g = np.ascontiguousarray(grad.numpy().T, dtype=np.float64)
        readout_grad(buf[2][0], buf[3][0], readout.table, g, buf[8], buf[9])
        dm = state_backward(circuit, saved)
        out = None if trig is None else trig[2:]
        db, dbs, ds, dss = fuse_backward(circuit, *cs, virt, dm, out=out, need_b=need_b)
        dp = np.zeros(shape)  # (P, B)
        if trig is not None and need_b:
            var, start, cols, vals, _ = readout._batched
            cos_v, sin_v = cos_sin
            sparse_rows_t(start, cols, vals, cos_v * dbs[var] - sin_v * db[var], dp)
        if trig is not None:
            readout._give(trig)
        if readout._shared is not None:
            start, cols, vals, _ = readout._shared
            sc, ss = cs[2:]
            row = np.empty((shape[0], 1))
            sparse_rows_t(start, cols, vals, (sc * dss - ss * ds)[:, None], row)
            dp[:, 0] += row[:, 0]
        circuit._give(buf)
        d_data = torch.from_numpy(dp[data_cols]).T if ctx.needs_input_grad[0] else None
        d_w = torch.from_numpy(dp[weight_cols].sum(1)) if ctx.needs_input_grad[1] else None
        return d_data, d_w, None, None, None, None
