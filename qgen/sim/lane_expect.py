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
    """Cosines and sines: numpy for a few (less overhead), torch for many (vectorised; numpy's float64 ones
    are scalar loops)."""
    if angles.size <= 512:
        return np.cos(angles), np.sin(angles)
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
        self._pool: list[_Work] = []
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

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_pool": []}  # work buffers are not state

    def _workspace(self, rows: int) -> _Work:
        """Work arrays for ``rows`` samples (reused: page faults cost more than small kernels)."""
        for i, work in enumerate(self._pool):
            if work.rows == rows:
                return self._pool.pop(i)
        return _Work(self, rows)

    def _give(self, work: _Work) -> None:
        if len(self._pool) < 2:
            self._pool.append(work)

    def run(
        self, data: np.ndarray, weights: np.ndarray, data_cols: np.ndarray, weight_cols: np.ndarray
    ) -> tuple[np.ndarray, _Work]:
        """Expectation values ``(B, K)`` (a transposed view) for per-sample columns ``data`` ``(B, Pd)`` and
        shared ``weights`` ``(Pw,)``, without autograd; the work arrays come back for :meth:`gradient` (or
        :meth:`release`)."""
        from qgen.sim import lane_fused

        circuit = self.circuit
        rows = data.shape[0]
        work = self._workspace(rows)
        lane_fused.gather_angles(data, weights, data_cols, weight_cols, work.p_t, self._b_forms, work.ang_b,
                                 self._s_forms, work.ang_s)  # fmt: skip
        work.cos_v, work.sin_v = _cos_sin(work.ang_b)
        work.sc, work.ss = _cos_sin(work.ang_s[:, 0])
        trig_in = (self._var, work.cos_v, work.sin_v, work.bc, work.bs, work.sc, work.ss)
        lane_fused.forward(*trig_in, self._fuse, work.m, work.m_table, work.virt, work.state, circuit._table,
                           self.table, work.out)  # fmt: skip
        work.cols = (data_cols, weight_cols)
        return work.out.T, work

    def gradient(self, work: _Work, grad: np.ndarray, need_b: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The gradients ``(B, Pd)`` of the per-sample columns (zero unless ``need_b``, where the per-sample
        gates read those columns only) and ``(Pw,)`` of the weights, from that of :meth:`run`'s output
        ``grad`` ``(B, K)``; releases the work arrays."""
        from qgen.sim import lane_fused

        need_b = need_b or not self.circuit._b_pure
        rows = work.rows
        d_data, d_w = np.empty((rows, len(work.cols[0]))), np.empty(len(work.cols[1]))
        trig_in = (self._var, work.cos_v, work.sin_v, work.bc, work.bs, work.sc, work.ss)
        forms = (self._b_forms[:3], self._s_forms[:3])
        op_table = self.circuit._table
        lane_fused.backward(grad, self.table, self._fuse, work.m_table, work.virt, work.state, work.grads,
                            op_table, trig_in, forms, need_b, work.cols, (d_data, d_w))  # fmt: skip
        self._give(work)
        return d_data, d_w

    def release(self, work: _Work) -> None:
        """Give back the work arrays of a :meth:`run` whose gradient is not wanted."""
        self._give(work)

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
        return _Expect.apply(data, weights, self, data_cols, weight_cols, batched_grad)


class _Work:
    """The work arrays of one :meth:`LaneReadout.run` (and its gradient) for ``rows`` samples."""

    def __init__(self, readout: LaneReadout, rows: int) -> None:
        circuit = readout.circuit
        self.rows = rows
        buf = circuit._take(rows)  # kept by this workspace
        count, self.m = readout._count, buf[1]
        self.m_table = (self.m[0, :count], self.m[1, :count])  # contiguous views: the kernels' fast layout
        self.state = (circuit._openers_np, count, *buf[4:8], buf[2][0], buf[3][0])
        if readout._batched is None:
            self.bc = self.bs = db = dbs = np.empty((0, rows))
        else:
            cos0, sin0 = readout._const
            self.bc, self.bs = np.repeat(cos0[:, None], rows, 1), np.repeat(sin0[:, None], rows, 1)
            db, dbs = np.empty_like(self.bc), np.empty_like(self.bs)
        self.p_t = np.empty((circuit.num_parameters, rows))  # parameter rows transposed (and their gradient)
        dm = buf[0]
        dm_table = (dm[0, :count], dm[1, :count])
        self.grads = (buf[8], buf[9], buf[10], buf[11], dm, dm_table, db, dbs, self.p_t)
        self.ang_b = np.empty((len(readout._var), rows))
        self.ang_s = np.empty((len(readout._s_forms[3]), 1))
        self.virt = np.empty(readout._virt_shape, dtype=np.complex128)
        self.out = np.empty((readout.table.shape[1], rows))


class _Expect(torch.autograd.Function):
    """Per-sample columns and shared weights to expectation values on the lanes kernels (three compiled
    calls, :mod:`qgen.sim.lane_fused`), with the exact (adjoint) backward."""

    @staticmethod
    def forward(ctx, data, weights, readout, data_cols, weight_cols, batched_grad):  # noqa: D102
        out, work = readout.run(data.detach().numpy(), weights.detach().numpy(), data_cols, weight_cols)
        if ctx.needs_input_grad[0] or ctx.needs_input_grad[1]:
            ctx.saved = (readout, work, batched_grad)
        else:
            readout.release(work)
        return torch.from_numpy(out.copy())

    @staticmethod
    def backward(ctx, grad):  # noqa: D102
        readout, work, batched_grad = ctx.saved
        ctx.saved = None
        d_data, d_w = readout.gradient(work, grad.numpy(), need_b=batched_grad)
        d_data = torch.from_numpy(d_data) if ctx.needs_input_grad[0] else None
        d_w = torch.from_numpy(d_w) if ctx.needs_input_grad[1] else None
        return d_data, d_w, None, None, None, None
