"""numba drivers of :mod:`qgen.sim.lane_expect`: the whole lanes path in three compiled calls.

:func:`gather_angles` builds the transposed parameter rows from the per-sample columns and the weights and
evaluates every angle's linear form; torch then takes the cosines and sines (vectorised); :func:`forward`
runs the chain products, the opening product state, the op table and the readout; :func:`backward` runs
the readout's gradient, the adjoint pass, the chain products' adjoints and the linear forms' transposes
down to the gradients of the per-sample columns and of the weights. One call per stage instead of one per
kernel: with a hundred samples, numba's per-call cost is most of a step.
"""

from __future__ import annotations

import numba
import numpy as np

from qgen.sim.lane_chains import (
    fuse_chains,
    fuse_chains_backward,
    fuse_lanes,
    fuse_lanes_backward,
    product_state,
    product_state_backward,
)
from qgen.sim.lane_kernels import _JIT, adjoint_inplace, readout, readout_grad, run_inplace, sparse_rows


@numba.njit(**_JIT)
def gather_angles(data, weights, data_cols, weight_cols, p_t, b_forms, ang_b, s_forms, ang_s):  # noqa: E501  # pragma: no cover
    """Parameter rows ``p_t`` ``(P, B)``; the per-sample angles ``ang_b`` and the shared ``ang_s``."""
    for j in range(data_cols.shape[0]):
        col = data_cols[j]
        for t in range(p_t.shape[1]):
            p_t[col, t] = data[t, j]
    for j in range(weight_cols.shape[0]):
        col, v = weight_cols[j], weights[j]
        for t in range(p_t.shape[1]):
            p_t[col, t] = v
    start, cols, vals, base = b_forms
    sparse_rows(start, cols, vals, base, p_t, ang_b)
    start, cols, vals, base = s_forms
    sparse_rows(start, cols, vals, base, p_t[:, :1], ang_s)  # shared angles ``(A', 1)``: from row 0


@numba.njit(**_JIT)
def forward(var, cos_v, sin_v, bc, bs, sc, ss, fuse, m, m_table, virt, state, op_table, table, out):  # noqa: E501  # pragma: no cover
    """Chain products, opening product state, op table and readout ``out`` ``(K, B)``."""
    src, off, consts, start1, members1, start2, members2 = fuse
    for i in range(var.shape[0]):
        r = var[i]
        for t in range(bc.shape[1]):
            bc[r, t] = cos_v[i, t]
            bs[r, t] = sin_v[i, t]
    dummy, none = np.empty((1, 0)), np.empty((0, 4), dtype=np.complex128)
    fuse_chains(src, off, dummy, dummy, sc, ss, consts, none, start1, members1, virt)
    fuse_lanes(src, off, bc, bs, virt[0], start2, members2, m[0], m[1])
    run_state(m, m_table, state, op_table)
    readout(state[6], state[7], table, out)


@numba.njit(**_JIT)
def run_state(m, m_table, state, op_table):  # pragma: no cover - compiled
    """The state ``state[6:8]`` ``(D, B)`` from the chain products ``m``: the openers' product state (each
    opener acts on |0>: its first column), then the op table with the table's matrices ``m_table``."""
    openers, _, vr, vi, lr, li, sr, si = state
    for q in range(openers.shape[0]):
        c = openers[q]
        for t in range(vr.shape[2]):
            if c < 0:
                vr[q, 0, t], vr[q, 1, t], vi[q, 0, t], vi[q, 1, t] = 1.0, 0.0, 0.0, 0.0
            else:
                vr[q, 0, t], vr[q, 1, t] = m[0, c, 0, t], m[0, c, 2, t]
                vi[q, 0, t], vi[q, 1, t] = m[1, c, 0, t], m[1, c, 2, t]
    product_state(vr, vi, lr, li)
    dim = sr.shape[0]
    sr[:, :] = lr[dim:]
    si[:, :] = li[dim:]
    kind, ref, pairs, flips = op_table
    run_inplace(kind, ref, pairs, flips, m_table[0], m_table[1], sr, si)


@numba.njit(**_JIT)
def state_grad(m_table, dm, dm_table, state, grads, op_table):  # pragma: no cover - compiled
    """The chain products' gradient ``dm`` ``(2, C, 4, B)`` by the adjoint method from the state's gradient
    ``grads[0:2]`` (the state in ``state[6:8]`` is un-computed on the way); the openers' from their
    product state's."""
    openers, _, vr, vi, lr, li, sr, si = state
    gr, gi, dvr, dvi = grads
    dm_table[0][:, :, :] = 0.0
    dm_table[1][:, :, :] = 0.0
    kind, ref, pairs, flips = op_table
    adjoint_inplace(kind, ref, pairs, flips, m_table[0], m_table[1], sr, si, gr, gi, dm_table[0],
                    dm_table[1])  # fmt: skip
    product_state_backward(vr, vi, lr, li, gr, gi, dvr, dvi)
    for q in range(openers.shape[0]):
        c = openers[q]
        if c >= 0:
            for t in range(sr.shape[1]):
                dm[0, c, 0, t], dm[0, c, 2, t] = dvr[q, 0, t], dvr[q, 1, t]
                dm[1, c, 0, t], dm[1, c, 2, t] = dvi[q, 0, t], dvi[q, 1, t]
                dm[0, c, 1, t], dm[0, c, 3, t], dm[1, c, 1, t], dm[1, c, 3, t] = 0.0, 0.0, 0.0, 0.0


@numba.njit(**_JIT)
def backward(grad, table, fuse, m_table, virt, state, grads, op_table, trig, forms, need_b, cols, outs):  # noqa: E501  # pragma: no cover
    """The per-sample columns' and the weights' gradients (``outs``) from the readout's ``grad``."""
    src, off, consts, start1, members1, start2, members2 = fuse
    gr, gi, dvr, dvi, dm, dm_table, db, dbs, dp = grads
    var, cos_v, sin_v, bc, bs, sc, ss = trig
    (b_start, b_cols, b_vals), (s_start, s_cols, s_vals) = forms
    data_cols, weight_cols = cols
    d_data, d_w = outs
    rows, k_out = grad.shape
    g_t = np.empty((k_out, rows))
    for t in range(rows):
        for k in range(k_out):
            g_t[k, t] = grad[t, k]
    readout_grad(state[6], state[7], table, g_t, gr, gi)
    state_grad(m_table, dm, dm_table, state, (gr, gi, dvr, dvi), op_table)
    dvirt = np.zeros_like(virt)
    fuse_lanes_backward(src, off, bc, bs, virt[0], start2, members2, dm[0], dm[1], db, dbs, dvirt[0], need_b)
    dummy, none = np.empty((1, 0)), np.empty((0, 4), dtype=np.complex128)
    ds, dss = np.zeros(sc.shape[0]), np.zeros(ss.shape[0])
    fuse_chains_backward(src, off, dummy, dummy, sc, ss, consts, none, start1, members1, dvirt, dummy, dummy,
                         ds, dss, none)  # fmt: skip
    dp[:, :] = 0.0
    if need_b:
        for i in range(var.shape[0]):
            r = var[i]
            for j in range(b_start[i], b_start[i + 1]):
                col, c = b_cols[j], b_vals[j]
                for t in range(rows):
                    dp[col, t] += c * (cos_v[i, t] * dbs[r, t] - sin_v[i, t] * db[r, t])
    for a in range(sc.shape[0]):
        d = sc[a] * dss[a] - ss[a] * ds[a]
        for j in range(s_start[a], s_start[a + 1]):
            dp[s_cols[j], 0] += s_vals[j] * d
    for j in range(data_cols.shape[0]):
        col = data_cols[j]
        for t in range(rows):
            d_data[t, j] = dp[col, t]
    for j in range(weight_cols.shape[0]):
        col = weight_cols[j]
        acc = 0.0
        for t in range(rows):
            acc += dp[col, t]
        d_w[j] = acc
