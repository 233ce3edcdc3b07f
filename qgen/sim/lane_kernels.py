"""numba kernels of the batch-in-lanes executor (:mod:`qgen.sim.lanes`): states ``(2**n, B)`` as split real
and imaginary float64 arrays, every gate applied to all B samples in one contiguous (SIMD) inner loop.

Op table: ``kind`` 0 = one-qubit matrix ``m`` (per sample, ``(U, 4, B)``) on the row pairs ``pairs[ref]``,
2 = CZ (sign flips of the rows ``flips[ref]``); CX and SWAP are relabellings of the rows, folded into those
tables when the circuit is compiled. The forward pass evolves one state in place; the backward pass walks
the table in reverse, uncomputing the state (``psi <- U^H psi``: the gates are unitary, so no state is
stored — keeping one per op cost more in memory traffic than the extra product costs in arithmetic) beside
the upstream gradient ``g`` (torch's convention ``dL/dRe + i dL/dIm``): ``dL/dU[i, j] += g_i conj(psi_j)``,
then ``g <- U^H g``.
"""

from __future__ import annotations

import numba
import numpy as np

_JIT = {"cache": True, "nogil": True, "fastmath": {"contract"}}


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


@numba.njit(**_JIT)
def readout(re, im, table, out):  # pragma: no cover - compiled
    """``out[k] = sum_d table[d, k] |psi_d|^2`` ``(K, B)`` from the lanes state ``(D, B)`` (stored rows)."""
    dim, rows = re.shape
    prob = np.empty(rows)
    out[:, :] = 0.0
    for d in range(dim):
        for t in range(rows):
            prob[t] = re[d, t] * re[d, t] + im[d, t] * im[d, t]
        for k in range(table.shape[1]):
            c = table[d, k]
            if c != 0.0:
                for t in range(rows):
                    out[k, t] += c * prob[t]


@numba.njit(**_JIT)
def readout_grad(re, im, table, g, gr, gi):  # pragma: no cover - compiled
    """The state's gradient ``2 psi sum_k table[:, k] g[k]`` (torch's convention) from that of the readout
    ``g`` ``(K, B)``."""
    dim, rows = re.shape
    w = np.empty(rows)
    for d in range(dim):
        w[:] = 0.0
        for k in range(table.shape[1]):
            c = 2.0 * table[d, k]
            if c != 0.0:
                for t in range(rows):
                    w[t] += c * g[k, t]
        for t in range(rows):
            gr[d, t] = w[t] * re[d, t]
            gi[d, t] = w[t] * im[d, t]


@numba.njit(**_JIT)
def sparse_rows(start, cols, vals, base, x, out):  # pragma: no cover - compiled
    """``out[a] = base[a] + sum_j vals[j] x[cols[j]]``, ``j`` in ``start[a]:start[a + 1]`` (rows ``(B,)``)."""
    for a in range(out.shape[0]):
        for t in range(out.shape[1]):
            out[a, t] = base[a]
        for j in range(start[a], start[a + 1]):
            c, row = vals[j], cols[j]
            for t in range(out.shape[1]):
                out[a, t] += c * x[row, t]


@numba.njit(**_JIT)
def _apply_u_inplace(xr, xi, pairs, mr, mi):  # pragma: no cover - compiled
    """``x <- U x`` on the row pairs ``(a, b)``, all samples."""
    rows = xr.shape[1]
    for p in range(pairs.shape[0]):
        a, b = pairs[p, 0], pairs[p, 1]
        for t in range(rows):
            ar, ai, br, bi = xr[a, t], xi[a, t], xr[b, t], xi[b, t]
            m0r, m0i, m1r, m1i = mr[0, t], mi[0, t], mr[1, t], mi[1, t]
            m2r, m2i, m3r, m3i = mr[2, t], mi[2, t], mr[3, t], mi[3, t]
            xr[a, t] = m0r * ar - m0i * ai + m1r * br - m1i * bi
            xi[a, t] = m0r * ai + m0i * ar + m1r * bi + m1i * br
            xr[b, t] = m2r * ar - m2i * ai + m3r * br - m3i * bi
            xi[b, t] = m2r * ai + m2i * ar + m3r * bi + m3i * br


@numba.njit(**_JIT)
def run_inplace(kind, ref, pairs, flips, mre, mim, xr, xi):  # pragma: no cover - compiled
    """Run the op table on the state ``x`` ``(D, B)`` in place."""
    cur = 0
    for o in range(kind.shape[0]):
        if kind[o] == 0:
            _apply_u_inplace(xr, xi, pairs[ref[o]], mre[cur], mim[cur])
            cur += 1
        else:
            _flip(xr, xi, flips[ref[o]])


@numba.njit(**_JIT)
def _adjoint_pair(xr, xi, gr, gi, a, b, mr, mi):  # pragma: no cover - compiled
    """``x <- U^H x`` and ``g <- U^H g`` on the rows ``a, b``, all samples."""
    for t in range(xr.shape[1]):
        m0r, m0i, m1r, m1i = mr[0, t], mi[0, t], mr[1, t], mi[1, t]
        m2r, m2i, m3r, m3i = mr[2, t], mi[2, t], mr[3, t], mi[3, t]
        ar, ai, br, bi = xr[a, t], xi[a, t], xr[b, t], xi[b, t]
        xr[a, t] = m0r * ar + m0i * ai + m2r * br + m2i * bi
        xi[a, t] = m0r * ai - m0i * ar + m2r * bi - m2i * br
        xr[b, t] = m1r * ar + m1i * ai + m3r * br + m3i * bi
        xi[b, t] = m1r * ai - m1i * ar + m3r * bi - m3i * br
        ar, ai, br, bi = gr[a, t], gi[a, t], gr[b, t], gi[b, t]
        gr[a, t] = m0r * ar + m0i * ai + m2r * br + m2i * bi
        gi[a, t] = m0r * ai - m0i * ar + m2r * bi - m2i * br
        gr[b, t] = m1r * ar + m1i * ai + m3r * br + m3i * bi
        gi[b, t] = m1r * ai - m1i * ar + m3r * bi - m3i * br


@numba.njit(**_JIT)
def _outer_pair(gr, gi, xr, xi, a, b, dr, di):  # pragma: no cover - compiled
    """``E[i, j] += g_i conj(x_j)`` over the rows ``a, b`` (``E`` ``(4, B)``), all samples."""
    for t in range(xr.shape[1]):
        g0r, g0i, g1r, g1i = gr[a, t], gi[a, t], gr[b, t], gi[b, t]
        p0r, p0i, p1r, p1i = xr[a, t], xi[a, t], xr[b, t], xi[b, t]
        dr[0, t] += g0r * p0r + g0i * p0i
        di[0, t] += g0i * p0r - g0r * p0i
        dr[1, t] += g0r * p1r + g0i * p1i
        di[1, t] += g0i * p1r - g0r * p1i
        dr[2, t] += g1r * p0r + g1i * p0i
        di[2, t] += g1i * p0r - g1r * p0i
        dr[3, t] += g1r * p1r + g1i * p1i
        di[3, t] += g1i * p1r - g1r * p1i


@numba.njit(**_JIT)
def _mm(ar, ai, br, bi, cr, ci, adj_a, adj_b):  # pragma: no cover - compiled
    """``c = op(a) @ op(b)`` for per-sample 2x2 matrices ``(4, B)`` (op: the adjoint where flagged); ``c`` may
    be ``a`` or ``b``. The flags pick one of three branch-free (vectorised) loops."""
    if adj_a:
        _mm_loop(ar, ai, br, bi, cr, ci, 0, 2, 1, 3, -1.0, 0, 1, 2, 3, 1.0)
    elif adj_b:
        _mm_loop(ar, ai, br, bi, cr, ci, 0, 1, 2, 3, 1.0, 0, 2, 1, 3, -1.0)
    else:
        _mm_loop(ar, ai, br, bi, cr, ci, 0, 1, 2, 3, 1.0, 0, 1, 2, 3, 1.0)


@numba.njit(**_JIT)
def _mm_loop(ar, ai, br, bi, cr, ci, a0, a1, a2, a3, sa, b0, b1, b2, b3, sb):  # pragma: no cover - compiled
    """``c = A @ B`` with ``A[j] = a[aj]`` (imaginary parts times ``sa``: -1 conjugates) and likewise B."""
    for t in range(ar.shape[1]):
        x0r, x0i, x1r, x1i = ar[a0, t], sa * ai[a0, t], ar[a1, t], sa * ai[a1, t]
        x2r, x2i, x3r, x3i = ar[a2, t], sa * ai[a2, t], ar[a3, t], sa * ai[a3, t]
        y0r, y0i, y1r, y1i = br[b0, t], sb * bi[b0, t], br[b1, t], sb * bi[b1, t]
        y2r, y2i, y3r, y3i = br[b2, t], sb * bi[b2, t], br[b3, t], sb * bi[b3, t]
        cr[0, t] = x0r * y0r - x0i * y0i + x1r * y2r - x1i * y2i
        ci[0, t] = x0r * y0i + x0i * y0r + x1r * y2i + x1i * y2r
        cr[1, t] = x0r * y1r - x0i * y1i + x1r * y3r - x1i * y3i
        ci[1, t] = x0r * y1i + x0i * y1r + x1r * y3i + x1i * y3r
        cr[2, t] = x2r * y0r - x2i * y0i + x3r * y2r - x3i * y2i
        ci[2, t] = x2r * y0i + x2i * y0r + x3r * y2i + x3i * y2r
        cr[3, t] = x2r * y1r - x2i * y1i + x3r * y3r - x3i * y3i
        ci[3, t] = x2r * y1i + x2i * y1r + x3r * y3i + x3i * y3r


@numba.njit(**_JIT)
def adjoint_inplace(kind, ref, pairs, flips, mre, mim, xr, xi, gr, gi, dmr, dmi):  # pragma: no cover
    """Adjoint pass from the final state ``x`` (uncomputed in place back to the initial one: ``x <- U^H x``
    op by op, no stored states) and its gradient ``g`` (becomes the initial state's); ``dm`` ``(U, 4, B)``
    receives the matrices' gradients (zeroed by the caller). With ``x' = U^H x`` and ``g' = U^H g`` (both
    taken first, in one sweep), ``dL/dU = sum g conj(x')^T = U (sum g' conj(x')^T)``: the sum over row pairs
    is taken on the updated pair and multiplied by ``U`` once per op."""
    cur = mre.shape[0]
    for o in range(kind.shape[0] - 1, -1, -1):
        if kind[o] != 0:
            _flip(gr, gi, flips[ref[o]])
            _flip(xr, xi, flips[ref[o]])
            continue
        cur -= 1
        mr, mi, dr, di = mre[cur], mim[cur], dmr[cur], dmi[cur]
        pr = pairs[ref[o]]
        for p in range(pr.shape[0]):
            a, b = pr[p, 0], pr[p, 1]
            _adjoint_pair(xr, xi, gr, gi, a, b, mr, mi)
            _outer_pair(gr, gi, xr, xi, a, b, dr, di)
        _mm(mr, mi, dr, di, dr, di, False, False)  # E <- U E
