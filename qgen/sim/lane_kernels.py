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
