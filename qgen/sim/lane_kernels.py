"""numba kernels of the batch-in-lanes executor (:mod:`qgen.sim.lanes`): states ``(2**n, B)`` as split real
and imaginary float64 arrays, every gate applied to all B samples in one contiguous (SIMD) inner loop.

Op table: ``kind`` 0 = one-qubit matrix ``m`` (per sample, ``(U, 4, B)``) on the row pairs ``pairs[ref]``,
2 = CZ (sign flips of the rows ``flips[ref]``); CX and SWAP are relabellings of the rows, folded into those
tables when the circuit is compiled. The forward pass keeps the state entering every matrix op (slot
``u`` of ``(U + 1, D, B)``); the backward pass walks the table in reverse with the upstream gradient ``g``
(torch's convention ``dL/dRe + i dL/dIm``): ``g <- U^H g`` and ``dL/dU[i, j] += g_i conj(psi_j)``.
"""

from __future__ import annotations

import numba
import numpy as np

_JIT = {"cache": True, "nogil": True, "fastmath": {"contract"}}


@numba.njit(**_JIT)
def _apply_u(xr, xi, yr, yi, pairs, mr, mi):  # pragma: no cover - compiled
    """``y = U x`` on the row pairs ``(a, b)`` (bit 0, bit 1 of the gate's qubit), all samples."""
    rows = xr.shape[1]
    for p in range(pairs.shape[0]):
        a, b = pairs[p, 0], pairs[p, 1]
        for t in range(rows):
            ar, ai, br, bi = xr[a, t], xi[a, t], xr[b, t], xi[b, t]
            m0r, m0i, m1r, m1i = mr[0, t], mi[0, t], mr[1, t], mi[1, t]
            m2r, m2i, m3r, m3i = mr[2, t], mi[2, t], mr[3, t], mi[3, t]
            yr[a, t] = m0r * ar - m0i * ai + m1r * br - m1i * bi
            yi[a, t] = m0r * ai + m0i * ar + m1r * bi + m1i * br
            yr[b, t] = m2r * ar - m2i * ai + m3r * br - m3i * bi
            yi[b, t] = m2r * ai + m2i * ar + m3r * bi + m3i * br


@numba.njit(**_JIT)
def _flip(xr, xi, rows_):  # pragma: no cover - compiled
    """CZ: negate the listed rows (``-1`` ends the list)."""
    for k in range(rows_.shape[0]):
        r = rows_[k]
        if r < 0:
            break
        for t in range(xr.shape[1]):
            xr[r, t] = -xr[r, t]
            xi[r, t] = -xi[r, t]


@numba.njit(**_JIT)
def lanes_forward(kind, ref, pairs, flips, mre, mim, sre, sim):  # pragma: no cover - compiled
    """Run the op table on slot 0 of ``sre/sim`` ``(U + 1, D, B)``; slot u: the state entering matrix op u."""
    cur = 0
    for o in range(kind.shape[0]):
        if kind[o] == 0:
            _apply_u(sre[cur], sim[cur], sre[cur + 1], sim[cur + 1], pairs[ref[o]], mre[cur], mim[cur])
            cur += 1
        else:
            _flip(sre[cur], sim[cur], flips[ref[o]])


@numba.njit(**_JIT)
def lanes_backward(kind, ref, pairs, flips, mre, mim, sre, sim, gr, gi, dmr, dmi):  # pragma: no cover
    """Adjoint pass: ``g`` (D, B) becomes the gradient of the initial state; ``dm`` (U, 4, B) receives the
    gradients of the matrices (zeroed by the caller)."""
    cur = mre.shape[0]
    for o in range(kind.shape[0] - 1, -1, -1):
        if kind[o] != 0:
            _flip(gr, gi, flips[ref[o]])
            continue
        cur -= 1
        xr, xi, mr, mi, dr, di = sre[cur], sim[cur], mre[cur], mim[cur], dmr[cur], dmi[cur]
        pr = pairs[ref[o]]
        for p in range(pr.shape[0]):
            a, b = pr[p, 0], pr[p, 1]
            _accumulate(gr[a], gi[a], gr[b], gi[b], xr[a], xi[a], xr[b], xi[b], dr, di)
            _adjoint(gr[a], gi[a], gr[b], gi[b], mr, mi)


@numba.njit(**_JIT)
def _accumulate(g0r, g0i, g1r, g1i, p0r, p0i, p1r, p1i, dr, di):  # pragma: no cover - compiled
    """``dU[i, j] += g_i conj(p_j)`` for one amplitude pair, all samples."""
    for t in range(g0r.shape[0]):
        dr[0, t] += g0r[t] * p0r[t] + g0i[t] * p0i[t]
        di[0, t] += g0i[t] * p0r[t] - g0r[t] * p0i[t]
        dr[1, t] += g0r[t] * p1r[t] + g0i[t] * p1i[t]
        di[1, t] += g0i[t] * p1r[t] - g0r[t] * p1i[t]
        dr[2, t] += g1r[t] * p0r[t] + g1i[t] * p0i[t]
        di[2, t] += g1i[t] * p0r[t] - g1r[t] * p0i[t]
        dr[3, t] += g1r[t] * p1r[t] + g1i[t] * p1i[t]
        di[3, t] += g1i[t] * p1r[t] - g1r[t] * p1i[t]


@numba.njit(**_JIT)
def _adjoint(g0r, g0i, g1r, g1i, mr, mi):  # pragma: no cover - compiled
    """``g <- U^H g`` for one amplitude pair, all samples."""
    for t in range(g0r.shape[0]):
        ar, ai, br, bi = g0r[t], g0i[t], g1r[t], g1i[t]
        g0r[t] = mr[0, t] * ar + mi[0, t] * ai + mr[2, t] * br + mi[2, t] * bi
        g0i[t] = mr[0, t] * ai - mi[0, t] * ar + mr[2, t] * bi - mi[2, t] * br
        g1r[t] = mr[1, t] * ar + mi[1, t] * ai + mr[3, t] * br + mi[3, t] * bi
        g1i[t] = mr[1, t] * ai - mi[1, t] * ar + mr[3, t] * bi - mi[3, t] * br


def empty_slots(count: int, dim: int, rows: int) -> tuple[np.ndarray, np.ndarray]:
    """Uninitialised state slots ``(count, dim, rows)`` (real, imaginary)."""
    return np.empty((count, dim, rows)), np.empty((count, dim, rows))


@numba.njit(**_JIT)
def to_lanes_perm(z, perm, re, im):  # pragma: no cover - compiled
    """Complex ``(B, D)`` in logical order into real and imaginary ``(D, B)`` rows ``perm``."""
    rows, cols = z.shape
    for t in range(rows):
        for k in range(cols):
            re[perm[k], t] = z[t, k].real
            im[perm[k], t] = z[t, k].imag


@numba.njit(**_JIT)
def from_lanes_perm(re, im, perm, z):  # pragma: no cover - compiled
    """Rows ``perm`` of real and imaginary ``(D, B)`` into complex ``(B, D)`` in logical order."""
    cols, rows = re.shape
    for t in range(rows):
        for k in range(cols):
            z[t, k] = complex(re[perm[k], t], im[perm[k], t])


@numba.njit(**_JIT)
def to_lanes(z, re, im):  # pragma: no cover - compiled
    """Complex ``(B, K)`` into real and imaginary ``(K, B)``."""
    rows, cols = z.shape
    for t in range(rows):
        for k in range(cols):
            re[k, t] = z[t, k].real
            im[k, t] = z[t, k].imag


@numba.njit(**_JIT)
def from_lanes(re, im, z):  # pragma: no cover - compiled
    """Real and imaginary ``(K, B)`` into complex ``(B, K)``."""
    cols, rows = re.shape
    for t in range(rows):
        for k in range(cols):
            z[t, k] = complex(re[k, t], im[k, t])


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
def gather_lanes(mats, table, openers, mre, mim, vr, vi):  # pragma: no cover - compiled
    """Chain matrices ``(B, C, 4)`` into the kernel's layout: table chains ``(U, 4, B)`` and the first columns
    of the opening chains ``(n, 2, B)`` (``|0>`` where a qubit has none)."""
    rows = mats.shape[0]
    for t in range(rows):
        for u in range(table.shape[0]):
            for j in range(4):
                z = mats[t, table[u], j]
                mre[u, j, t] = z.real
                mim[u, j, t] = z.imag
        for q in range(openers.shape[0]):
            c = openers[q]
            for b in range(2):
                if c < 0:
                    vr[q, b, t] = 1.0 - b
                    vi[q, b, t] = 0.0
                else:
                    z = mats[t, c, 2 * b]
                    vr[q, b, t] = z.real
                    vi[q, b, t] = z.imag


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
def scatter_lanes(dmr, dmi, dvr, dvi, table, openers, dmats):  # pragma: no cover - compiled
    """The kernel-layout gradients back into ``(B, C, 4)`` (zeroed by the caller)."""
    rows = dmats.shape[0]
    for t in range(rows):
        for u in range(table.shape[0]):
            for j in range(4):
                dmats[t, table[u], j] += complex(dmr[u, j, t], dmi[u, j, t])
        for q in range(openers.shape[0]):
            c = openers[q]
            if c >= 0:
                for b in range(2):
                    dmats[t, c, 2 * b] += complex(dvr[q, b, t], dvi[q, b, t])


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
def _mm(ar, ai, br, bi, cr, ci, adj_a, adj_b):  # pragma: no cover - compiled
    """``c = op(a) @ op(b)`` for per-sample 2x2 matrices ``(4, B)`` (op: the adjoint where flagged); ``c`` may
    be ``a`` or ``b``."""
    for t in range(ar.shape[1]):
        a0, a1 = complex(ar[0, t], ai[0, t]), complex(ar[1, t], ai[1, t])
        a2, a3 = complex(ar[2, t], ai[2, t]), complex(ar[3, t], ai[3, t])
        if adj_a:
            a0, a1, a2, a3 = a0.conjugate(), a2.conjugate(), a1.conjugate(), a3.conjugate()
        b0, b1 = complex(br[0, t], bi[0, t]), complex(br[1, t], bi[1, t])
        b2, b3 = complex(br[2, t], bi[2, t]), complex(br[3, t], bi[3, t])
        if adj_b:
            b0, b1, b2, b3 = b0.conjugate(), b2.conjugate(), b1.conjugate(), b3.conjugate()
        x0, x1 = a0 * b0 + a1 * b2, a0 * b1 + a1 * b3
        x2, x3 = a2 * b0 + a3 * b2, a2 * b1 + a3 * b3
        cr[0, t], ci[0, t], cr[1, t], ci[1, t] = x0.real, x0.imag, x1.real, x1.imag
        cr[2, t], ci[2, t], cr[3, t], ci[3, t] = x2.real, x2.imag, x3.real, x3.imag


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


@numba.njit(**_JIT)
def fuse_lanes_backward(src, off, bc, bs, virt, start, members, dr, di, dbc, dbs, dvirt):  # pragma: no cover
    """Adjoint of :func:`fuse_lanes`: ``dU_k = G P_{k-1}^H``, ``G <- U_k^H G`` along each chain; cosines' and
    sines' gradients into ``dbc/dbs`` ``(A, B)``, the shared products' (summed over samples) into ``dvirt``;
    all zeroed by the caller."""
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
        _load(members[s0], src, off, bc, bs, virt, pr[0], pi[0])
        for k in range(1, e - s0):
            _load(members[s0 + k], src, off, bc, bs, virt, ur, ui)
            _mm(ur, ui, pr[k - 1], pi[k - 1], pr[k], pi[k], False, False)
        gr[:, :] = dr[c]
        gi[:, :] = di[c]
        for k in range(e - s0 - 1, -1, -1):
            i = members[s0 + k]
            if k == 0:
                er[:, :] = gr
                ei[:, :] = gi
            else:
                _mm(gr, gi, pr[k - 1], pi[k - 1], er, ei, False, True)
                _load(i, src, off, bc, bs, virt, ur, ui)
                _mm(ur, ui, gr, gi, gr, gi, True, False)
            o = off[i]
            if src[i] == 3:
                for j in range(4):
                    acc = 0j
                    for t in range(rows):
                        acc += complex(er[j, t], ei[j, t])
                    dvirt[o, j] += acc
                continue
            for t in range(rows):
                c_, s_ = bc[o, t], bs[o, t]
                dbc[o, t] += (er[0, t] * bc[o + 1, t] + ei[0, t] * bs[o + 1, t]) + (
                    er[3, t] * bc[o + 4, t] + ei[3, t] * bs[o + 4, t])
                dbs[o, t] += (er[2, t] * bc[o + 3, t] + ei[2, t] * bs[o + 3, t]) - (
                    er[1, t] * bc[o + 2, t] + ei[1, t] * bs[o + 2, t])
                dbc[o + 1, t] += c_ * er[0, t]
                dbs[o + 1, t] += c_ * ei[0, t]
                dbc[o + 2, t] += -s_ * er[1, t]
                dbs[o + 2, t] += -s_ * ei[1, t]
                dbc[o + 3, t] += s_ * er[2, t]
                dbs[o + 3, t] += s_ * ei[2, t]
                dbc[o + 4, t] += c_ * er[3, t]
                dbs[o + 4, t] += c_ * ei[3, t]


@numba.njit(**_JIT)
def probs_from_lanes(re, im, perm, out):  # pragma: no cover - compiled
    """``|psi|^2`` ``(B, D)`` in logical order from rows ``perm`` of the lanes state."""
    cols, rows = re.shape
    for t in range(rows):
        for k in range(cols):
            r = perm[k]
            out[t, k] = re[r, t] * re[r, t] + im[r, t] * im[r, t]


@numba.njit(**_JIT)
def probs_grad_to_lanes(grad, perm, re, im, gr, gi):  # pragma: no cover - compiled
    """The state's gradient ``2 g psi`` (torch's convention) from that of ``|psi|^2`` ``(B, D)``."""
    rows, cols = grad.shape
    for t in range(rows):
        for k in range(cols):
            r = perm[k]
            gr[r, t] = 2.0 * grad[t, k] * re[r, t]
            gi[r, t] = 2.0 * grad[t, k] * im[r, t]
