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

from qgen.sim.lanes import LaneCircuit


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
        # the compiled drivers' arguments (empty arrays where a part is absent)
        none_i, none_f = np.zeros(0, dtype=np.int64), np.zeros(0)
        empty = (np.zeros(1, dtype=np.int64), none_i, none_f, none_f)
        self._var = self._batched[0] if self._batched is not None else none_i
        self._b_forms = self._batched[1:] if self._batched is not None else empty
        self._s_forms = self._shared if self._shared is not None else empty
        (src, off), ((start1, members1), (start2, members2)) = circuit._gate_table, circuit._levels
        self._fuse = (src, off, circuit._consts, start1, members1, start2, members2)
        self._virt_shape = (1, len(start1) - 1, 4)
        self._count = len(circuit._table_chains)
        self._num_batched_angles = 0 if circuit._b_cols is None else len(circuit._b_cols)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_pool": []}  # work buffers are not state

    def _trig_buffers(self, rows: int) -> tuple[np.ndarray, ...]:
        """Cosines and sines ``(A, B)`` of the per-sample gates (constant rows filled) and their gradients."""
        for i, bufs in enumerate(self._pool):
            if bufs[0].shape[1] == rows:
                return self._pool.pop(i)
        if self._batched is None:
            bc = np.empty((0, rows))
            return bc, bc, bc, bc
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
    """Per-sample columns and shared weights to expectation values on the lanes kernels (three compiled
    calls, :mod:`qgen.sim.lane_fused`), with the exact (adjoint) backward."""

    @staticmethod
    def forward(ctx, data, weights, readout, data_cols, weight_cols, need_b):  # noqa: D102
        from qgen.sim import lane_fused

        circuit = readout.circuit
        rows = data.shape[0]
        p_t = np.empty((circuit.num_parameters, rows))  # parameter rows, transposed
        ang_b = np.empty((len(readout._var), rows))
        ang_s = np.empty(len(readout._s_forms[3]))
        d, w = data.detach().numpy(), weights.detach().numpy()
        lane_fused.gather_angles(d, w, data_cols, weight_cols, p_t, readout._b_forms, ang_b, readout._s_forms,
                                 ang_s)  # fmt: skip
        cos_v, sin_v = _cos_sin(ang_b)
        sc, ss = _cos_sin(ang_s)
        buf = circuit._take(rows)
        trig = readout._trig_buffers(rows)
        virt = np.empty(readout._virt_shape, dtype=np.complex128)
        state = (circuit._openers_np, readout._count, *buf[4:8], buf[2][0], buf[3][0])
        out = np.empty((readout.table.shape[1], rows))
        count, m = readout._count, buf[1]
        m_table = (m[0, :count], m[1, :count])  # contiguous views: the kernels' fast layout
        trig_in = (readout._var, cos_v, sin_v, trig[0], trig[1], sc, ss)
        op_table, table = circuit._table, readout.table
        lane_fused.forward(*trig_in, readout._fuse, m, m_table, virt, state, op_table, table, out)
        if ctx.needs_input_grad[0] or ctx.needs_input_grad[1]:
            cols = (data_cols, weight_cols)
            ctx.saved = (readout, buf, trig, virt, state, (cos_v, sin_v, sc, ss), p_t, cols, need_b)
        else:
            circuit._give(buf)
            readout._give(trig)
        return torch.from_numpy(out).T

    @staticmethod
    def backward(ctx, grad):  # noqa: D102
        from qgen.sim import lane_fused

        readout, buf, trig, virt, state, (cos_v, sin_v, sc, ss), dp, cols, need_b = ctx.saved
        ctx.saved = None
        circuit = readout.circuit
        rows = buf[0].shape[3]
        d_data, d_w = np.empty((rows, len(cols[0]))), np.empty(len(cols[1]))
        count, m, dm = readout._count, buf[1], buf[0]
        grads = (buf[8], buf[9], buf[10], buf[11], dm, (dm[0, :count], dm[1, :count]), trig[2], trig[3], dp)
        trig_in = (readout._var, cos_v, sin_v, trig[0], trig[1], sc, ss)
        forms = (readout._b_forms[:3], readout._s_forms[:3])
        g = grad.numpy()
        lane_fused.backward(g, readout.table, readout._fuse, (m[0, :count], m[1, :count]), virt, state, grads,
                            circuit._table, trig_in, forms, need_b, cols, (d_data, d_w))  # fmt: skip
        circuit._give(buf)
        readout._give(trig)
        d_data = torch.from_numpy(d_data) if ctx.needs_input_grad[0] else None
        d_w = torch.from_numpy(d_w) if ctx.needs_input_grad[1] else None
        return d_data, d_w, None, None, None, None
