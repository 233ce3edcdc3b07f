"""numba kernels of the lanes executor's chain products (:mod:`qgen.sim.lanes`): one-qubit gate matrices from
the cosines and sines of their angles, their products along each qubit's runs (shared runs once, then per
sample with the samples in the lanes), the product state of the opening runs, and the adjoints of all three.
"""

from __future__ import annotations

import numba
import numpy as np

from qgen.sim.lane_kernels import _JIT, _mm

_SUMS = {**_JIT, "fastmath": {"contract", "reassoc"}}  # sums over samples in SIMD lanes


@numba.njit(inline="always", **_JIT)
def _gate(t, i, src, off, bc, bs, sc, ss, consts, virt, u):  # pragma: no cover - compiled
    """Gate ``i``'s matrix for sample t into ``u[0:4]``: ``[[c e0, -s e1], [s e2, c e3]]`` from the cosines
    and sines of its five angles (``c, s`` of theta / 2, ``e_j = cos a_j + i sin a_j``), a constant (src 2)
    or a shared product (src 3)."""
    o = off[i]
    if src[i] == 3:
        for j in range(4):
            u[j] = virt[o, j]
    elif src[i] == 2:
        for j in range(4):
            u[j] = consts[o, j]
    elif src[i] == 0:
        c, s = bc[t, o], bs[t, o]
        u[0] = c * complex(bc[t, o + 1], bs[t, o + 1])
        u[1] = -s * complex(bc[t, o + 2], bs[t, o + 2])
        u[2] = s * complex(bc[t, o + 3], bs[t, o + 3])
        u[3] = c * complex(bc[t, o + 4], bs[t, o + 4])
    else:
        c, s = sc[o], ss[o]
        u[0] = c * complex(sc[o + 1], ss[o + 1])
        u[1] = -s * complex(sc[o + 2], ss[o + 2])
        u[2] = s * complex(sc[o + 3], ss[o + 3])
        u[3] = c * complex(sc[o + 4], ss[o + 4])


@numba.njit(inline="always", **_JIT)
def _mul2(a, b, out):  # pragma: no cover - compiled
    """``out = a @ b`` for 2x2 matrices stored as 4 entries (row-major)."""
    x0 = a[0] * b[0] + a[1] * b[2]
    x1 = a[0] * b[1] + a[1] * b[3]
    x2 = a[2] * b[0] + a[3] * b[2]
    x3 = a[2] * b[1] + a[3] * b[3]
    out[0], out[1], out[2], out[3] = x0, x1, x2, x3


@numba.njit(**_JIT)
def fuse_chains(src, off, bc, bs, sc, ss, consts, virt, start, members, out):  # pragma: no cover - compiled
    """``out[t, c] = U_last ... U_first`` of chain c (gates ``members[start[c]:start[c + 1]]``, first applied
    first) for every sample t; ``out`` ``(B, C, 4)``."""
    rows, chains = out.shape[0], out.shape[1]
    u = np.empty(4, dtype=np.complex128)
    acc = np.empty(4, dtype=np.complex128)
    for t in range(rows):
        for c in range(chains):
            _gate(t, members[start[c]], src, off, bc, bs, sc, ss, consts, virt, acc)
            for k in range(start[c] + 1, start[c + 1]):
                _gate(t, members[k], src, off, bc, bs, sc, ss, consts, virt, u)
                _mul2(u, acc, acc)
            for j in range(4):
                out[t, c, j] = acc[j]


@numba.njit(**_JIT)
def fuse_chains_backward(src, off, bc, bs, sc, ss, consts, virt, start, members, dout, dbc, dbs, dsc, dss, dvirt):  # noqa: E501  # pragma: no cover
    """Gradients of the cosines and sines from the chains' (torch's convention): walking a chain back,
    ``dU_k = G P_{k-1}^H`` and ``G <- U_k^H G`` (``P`` the prefix products), then ``dL/dx = Re(conj(dU)
    dU/dx)`` for each cosine and sine; the four gradient arrays are zeroed by the caller."""
    rows, chains = dout.shape[0], dout.shape[1]
    longest = 1
    for c in range(chains):
        longest = max(longest, start[c + 1] - start[c])
    gates = np.empty((longest, 4), dtype=np.complex128)
    prefix = np.empty((longest, 4), dtype=np.complex128)
    g = np.empty(4, dtype=np.complex128)
    d = np.empty(4, dtype=np.complex128)
    adj = np.empty(4, dtype=np.complex128)
    for t in range(rows):
        for c in range(chains):
            s0, e = start[c], start[c + 1]
            for k in range(e - s0):
                _gate(t, members[s0 + k], src, off, bc, bs, sc, ss, consts, virt, gates[k])
            for j in range(4):
                prefix[0, j] = gates[0, j]
            for k in range(1, e - s0):
                _mul2(gates[k], prefix[k - 1], prefix[k])
            for j in range(4):
                g[j] = dout[t, c, j]
            for k in range(e - s0 - 1, -1, -1):
                if k == 0:
                    for j in range(4):
                        d[j] = g[j]
                else:
                    adj[0], adj[1] = prefix[k - 1, 0].conjugate(), prefix[k - 1, 2].conjugate()
                    adj[2], adj[3] = prefix[k - 1, 1].conjugate(), prefix[k - 1, 3].conjugate()
                    _mul2(g, adj, d)
                    adj[0], adj[1] = gates[k, 0].conjugate(), gates[k, 2].conjugate()
                    adj[2], adj[3] = gates[k, 1].conjugate(), gates[k, 3].conjugate()
                    _mul2(adj, g, g)
                i = members[s0 + k]
                if src[i] == 3:
                    for j in range(4):
                        dvirt[off[i], j] += d[j]
                    continue
                if src[i] == 2:
                    continue
                o = off[i]
                if src[i] == 0:
                    c_, s_ = bc[t, o], bs[t, o]
                    e0, e1 = complex(bc[t, o + 1], bs[t, o + 1]), complex(bc[t, o + 2], bs[t, o + 2])
                    e2, e3 = complex(bc[t, o + 3], bs[t, o + 3]), complex(bc[t, o + 4], bs[t, o + 4])
                else:
                    c_, s_ = sc[o], ss[o]
                    e0, e1 = complex(sc[o + 1], ss[o + 1]), complex(sc[o + 2], ss[o + 2])
                    e2, e3 = complex(sc[o + 3], ss[o + 3]), complex(sc[o + 4], ss[o + 4])
                dc = (d[0].conjugate() * e0).real + (d[3].conjugate() * e3).real
                ds = (d[2].conjugate() * e2).real - (d[1].conjugate() * e1).real
                gcos = (c_ * d[0].real, -s_ * d[1].real, s_ * d[2].real, c_ * d[3].real)
                gsin = (c_ * d[0].imag, -s_ * d[1].imag, s_ * d[2].imag, c_ * d[3].imag)
                if src[i] == 0:
                    dbc[t, o] += dc
                    dbs[t, o] += ds
                    for j in range(4):
                        dbc[t, o + 1 + j] += gcos[j]
                        dbs[t, o + 1 + j] += gsin[j]
                else:
                    dsc[o] += dc
                    dss[o] += ds
                    for j in range(4):
                        dsc[o + 1 + j] += gcos[j]
                        dss[o + 1 + j] += gsin[j]


@numba.njit(**_JIT)
def product_state(vr, vi, lr, li):  # pragma: no cover - compiled
    """Kronecker product of one-qubit states ``(n, 2, B)``: level m (rows ``2**m .. 2**(m+1)``) of
    ``lr/li`` ``(2**(n+1), B)`` holds the product over qubits below m; the last level is the state."""
    n, rows = vr.shape[0], vr.shape[2]
    for t in range(rows):
        lr[1, t] = 1.0
        li[1, t] = 0.0
    for m in range(n):
        src, dst, size = 1 << m, 2 << m, 1 << m
        for b in range(2):
            for k in range(size):
                for t in range(rows):
                    ar, ai, br, bi = lr[src + k, t], li[src + k, t], vr[m, b, t], vi[m, b, t]
                    lr[dst + k + b * size, t] = ar * br - ai * bi
                    li[dst + k + b * size, t] = ar * bi + ai * br


@numba.njit(**_JIT)
def product_state_backward(vr, vi, lr, li, gr, gi, dvr, dvi):  # pragma: no cover - compiled
    """Gradients of the one-qubit states from that of the product (``g`` ``(2**n, B)``, overwritten)."""
    n, rows = vr.shape[0], vr.shape[2]
    for m in range(n - 1, -1, -1):
        size = 1 << m
        for b in range(2):
            for t in range(rows):
                dvr[m, b, t] = 0.0
                dvi[m, b, t] = 0.0
            for k in range(size):
                for t in range(rows):  # dv[b] += G[k + b size] conj(A[k])
                    g_r, g_i = gr[k + b * size, t], gi[k + b * size, t]
                    ar, ai = lr[size + k, t], li[size + k, t]
                    dvr[m, b, t] += g_r * ar + g_i * ai
                    dvi[m, b, t] += g_i * ar - g_r * ai
        for k in range(size):
            for t in range(rows):  # G[k] = sum_b G[k + b size] conj(v[b])
                g0r, g0i, g1r, g1i = gr[k, t], gi[k, t], gr[k + size, t], gi[k + size, t]
                v0r, v0i, v1r, v1i = vr[m, 0, t], vi[m, 0, t], vr[m, 1, t], vi[m, 1, t]
                gr[k, t] = g0r * v0r + g0i * v0i + g1r * v1r + g1i * v1i
                gi[k, t] = g0i * v0r - g0r * v0i + g1i * v1r - g1r * v1i


@numba.njit(**_JIT)
def _load(i, src, off, bc, bs, virt, ur, ui):  # pragma: no cover - compiled
    """Gate ``i`` for every sample into ``ur/ui`` ``(4, B)``: per-sample u3 form from the cosines and sines
    ``(A, B)``, or a shared product (src 3)."""
    o = off[i]
    rows = ur.shape[1]
    if src[i] == 3:
        for j in range(4):
            zr, zi = virt[o, j].real, virt[o, j].imag
            for t in range(rows):
                ur[j, t] = zr
                ui[j, t] = zi
        return
    for t in range(rows):
        c, s = bc[o, t], bs[o, t]
        ur[0, t], ui[0, t] = c * bc[o + 1, t], c * bs[o + 1, t]
        ur[1, t], ui[1, t] = -s * bc[o + 2, t], -s * bs[o + 2, t]
        ur[2, t], ui[2, t] = s * bc[o + 3, t], s * bs[o + 3, t]
        ur[3, t], ui[3, t] = c * bc[o + 4, t], c * bs[o + 4, t]


@numba.njit(**_JIT)
def fuse_lanes(src, off, bc, bs, virt, start, members, outr, outi):  # pragma: no cover - compiled
    """Per-sample chain products in lane layout: ``out[c]`` ``(4, B)`` = ``U_last ... U_first`` of chain c."""
    rows = bc.shape[1]
    ur, ui = np.empty((4, rows)), np.empty((4, rows))
    for c in range(start.shape[0] - 1):
        _load(members[start[c]], src, off, bc, bs, virt, outr[c], outi[c])
        for k in range(start[c] + 1, start[c + 1]):
            _load(members[k], src, off, bc, bs, virt, ur, ui)
            _mm(ur, ui, outr[c], outi[c], outr[c], outi[c], False, False)


@numba.njit(**_SUMS)
def fuse_lanes_backward(src, off, bc, bs, virt, start, members, dr, di, dbc, dbs, dvirt, need_b):  # noqa: E501  # pragma: no cover
    """Adjoint of :func:`fuse_lanes`: ``dU_k = G P_{k-1}^H``, ``G <- U_k^H G`` along each chain; cosines' and
    sines' gradients into ``dbc/dbs`` ``(A, B)`` (written: every per-sample gate sits in one chain once; only
    with ``need_b``), the shared products' (summed over samples) into ``dvirt`` (zeroed by the caller)."""
    rows = bc.shape[1]
    longest = 1
    for c in range(start.shape[0] - 1):
        longest = max(longest, start[c + 1] - start[c])
    pr, pi = np.empty((longest, 4, rows)), np.empty((longest, 4, rows))
    ur, ui = np.empty((4, rows)), np.empty((4, rows))
    gr, gi = np.empty((4, rows)), np.empty((4, rows))
    er, ei = np.empty((4, rows)), np.empty((4, rows))
    for c in range(start.shape[0] - 1):
        s0, e = start[c], start[c + 1]
        first = -1  # the first gate of the chain whose gradient is wanted
        for k in range(e - s0):
            if need_b or src[members[s0 + k]] == 3:
                first = k
                break
        if first < 0:
            continue
        _load(members[s0], src, off, bc, bs, virt, pr[0], pi[0])
        for k in range(1, e - s0 - 1):
            _load(members[s0 + k], src, off, bc, bs, virt, ur, ui)
            _mm(ur, ui, pr[k - 1], pi[k - 1], pr[k], pi[k], False, False)
        gr[:, :] = dr[c]
        gi[:, :] = di[c]
        for k in range(e - s0 - 1, first - 1, -1):
            i = members[s0 + k]
            wanted = need_b or src[i] == 3
            if k == 0:
                er[:, :] = gr
                ei[:, :] = gi
            else:
                if wanted:
                    _mm(gr, gi, pr[k - 1], pi[k - 1], er, ei, False, True)
                if k > first:
                    _load(i, src, off, bc, bs, virt, ur, ui)
                    _mm(ur, ui, gr, gi, gr, gi, True, False)
            if not wanted:
                continue
            o = off[i]
            if src[i] == 3:
                for j in range(4):
                    acc_r, acc_i = 0.0, 0.0
                    for t in range(rows):
                        acc_r += er[j, t]
                        acc_i += ei[j, t]
                    dvirt[o, j] += complex(acc_r, acc_i)
                continue
            for t in range(rows):
                c_, s_ = bc[o, t], bs[o, t]
                dbc[o, t] = (er[0, t] * bc[o + 1, t] + ei[0, t] * bs[o + 1, t]) + (
                    er[3, t] * bc[o + 4, t] + ei[3, t] * bs[o + 4, t])
                dbs[o, t] = (er[2, t] * bc[o + 3, t] + ei[2, t] * bs[o + 3, t]) - (
                    er[1, t] * bc[o + 2, t] + ei[1, t] * bs[o + 2, t])
                dbc[o + 1, t] = c_ * er[0, t]
                dbs[o + 1, t] = c_ * ei[0, t]
                dbc[o + 2, t] = -s_ * er[1, t]
                dbs[o + 2, t] = -s_ * ei[1, t]
                dbc[o + 3, t] = s_ * er[2, t]
                dbs[o + 3, t] = s_ * ei[2, t]
                dbc[o + 4, t] = c_ * er[3, t]
                dbs[o + 4, t] = c_ * ei[3, t]
