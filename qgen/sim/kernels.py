"""numba kernels of qgen.sim's op-table engine: forward pass and adjoint-method gradient per circuit.

Imported only when numba is installed (``pip install 'qgen[fast]'``); :mod:`qgen.sim.program` builds the op
tables and falls back to the torch executors without it. Every circuit of a batch has its own op list, so
circuits of different structures cost what their own gates cost (no padding to a common slot layout).

Op kinds (``kind[o]``; ``q[o]`` its qubits, the first the least significant local bit, as in Qiskit):

* ``CONST``: a constant ``2**k`` matrix ``consts[arg]``;
* ``MONO``: a constant monomial gate (a permutation with phases: X, CX, SWAP, CZ, S, ...), applied to the
  local entries it changes only;
* ``U3``: a one-qubit gate ``[[c e^{i a0}, -s e^{i a1}], [s e^{i a2}, c e^{i a3}]]`` (c, s = cos, sin of
  theta / 2) whose five angles ``(theta, a0..a3) = forms[form[o]] @ (angles[arg:arg + 3], 1)`` are linear in
  the gate's own angles: every rotation, phase and U gate;
* ``CU3``: the same matrix on the second qubit, controlled by the first (CRX, CRY, CRZ, CP, CU3);
* ``RZZ``: ``exp(-i theta / 2 Z Z)`` with ``theta = angles[arg]``;
* ``RUNTIME``: a ``2**k`` matrix built by torch at run time, ``rt[arg]`` (its gradient goes back to torch).

``tables`` is the tuple :attr:`qgen.sim.program.Program.tables` (its order is the unpacking below).

Angles (the gates' own) are linear in the circuit parameters,
``angles[a] = off[a] + sum_t coeff[a, t] * flat[idx[a, t]]`` over the flattened parameter matrix (one
extra zero at its end). The cosines and sines of the U3-form ops come precomputed as the ``cache`` of
:func:`forward` (:func:`gate_angles` gives their angles; torch takes them in one vectorised call).
Gradients follow torch's convention for complex tensors (``dL/dRe z + i dL/dIm z``). The backward pass
un-computes the state gate by gate with ``M^dagger``, so no intermediate state is stored.
"""

from __future__ import annotations

import numpy as np
from numba import njit

CONST, MONO, U3, CU3, RZZ, RUNTIME = 0, 1, 2, 3, 4, 5


@njit(cache=True)
def _angles(flat, idx, coeff, off, out):
    for a in range(off.shape[0]):
        v = off[a]
        for t in range(idx.shape[1]):
            v += coeff[a, t] * flat[idx[a, t]]
        out[a] = v


@njit(cache=True)
def _five(ang, a, f, npar):
    """(theta, a0, a1, a2, a3) of a U3-form gate from its own angles ``ang[a:a + npar]``."""
    th, a0, a1, a2, a3 = f[0, 3], f[1, 3], f[2, 3], f[3, 3], f[4, 3]
    for r in range(npar):
        v = ang[a + r]
        th += f[0, r] * v
        a0 += f[1, r] * v
        a1 += f[2, r] * v
        a2 += f[3, r] * v
        a3 += f[4, r] * v
    return th, a0, a1, a2, a3


@njit(cache=True)
def _u3_cached(cache):
    c, s = cache[4].real, cache[5].real
    return c * cache[0], -s * cache[1], s * cache[2], c * cache[3]


@njit(cache=True)
def _u3_grad(cache, a, f, npar, g00, g01, g10, g11, dang):
    """Own-angle gradients of a U3-form gate from its matrix gradient (torch convention)."""
    e0, e1, e2, e3 = cache[0], cache[1], cache[2], cache[3]
    c, s = cache[4].real, cache[5].real
    # dM/dtheta = [[-s/2 e0, -c/2 e1], [c/2 e2, -s/2 e3]]; dM/da_k = i M_k
    d = np.conj(g00) * (-0.5 * s * e0) + np.conj(g01) * (-0.5 * c * e1)
    d += np.conj(g10) * (0.5 * c * e2) + np.conj(g11) * (-0.5 * s * e3)
    d_th = d.real
    d0 = (np.conj(g00) * (1j * c * e0)).real
    d1 = (np.conj(g01) * (-1j * s * e1)).real
    d2 = (np.conj(g10) * (1j * s * e2)).real
    d3 = (np.conj(g11) * (1j * c * e3)).real
    for r in range(npar):
        dang[a + r] += f[0, r] * d_th + f[1, r] * d0 + f[2, r] * d1 + f[3, r] * d2 + f[4, r] * d3


@njit(cache=True)
def _apply1(psi, q, m00, m01, m10, m11):
    """``psi <- m psi`` on qubit ``q``."""
    step = 1 << q
    for hi in range(0, psi.shape[0], 2 * step):
        for i in range(hi, hi + step):
            a0, a1 = psi[i], psi[i + step]
            psi[i] = m00 * a0 + m01 * a1
            psi[i + step] = m10 * a0 + m11 * a1


@njit(cache=True)
def _back1(psi, g, q, m00, m01, m10, m11, want):
    """One-qubit adjoint step: ``psi``, ``g`` <- ``m^dagger`` times them; returns ``g conj(psi_before)^T``."""
    c00, c01, c10, c11 = np.conj(m00), np.conj(m10), np.conj(m01), np.conj(m11)  # m^dagger
    step = 1 << q
    g00 = g01 = g10 = g11 = 0j
    for hi in range(0, psi.shape[0], 2 * step):
        for i in range(hi, hi + step):
            a0, a1 = psi[i], psi[i + step]
            x0, x1 = c00 * a0 + c01 * a1, c10 * a0 + c11 * a1
            psi[i], psi[i + step] = x0, x1
            b0, b1 = g[i], g[i + step]
            if want:
                cx0, cx1 = np.conj(x0), np.conj(x1)
                g00 += b0 * cx0
                g01 += b0 * cx1
                g10 += b1 * cx0
                g11 += b1 * cx1
            g[i] = c00 * b0 + c01 * b1
            g[i + step] = c10 * b0 + c11 * b1
    return g00, g01, g10, g11


@njit(cache=True)
def _applyk(psi, off, bt, k, m, adjoint, v):
    """``psi <- m psi`` (or ``m^dagger psi``) for a ``2**k`` matrix; ``off``: the local offsets, ``bt``: the
    indices whose bits at the gate's qubits are zero."""
    kk = 1 << k
    for t in range(psi.shape[0] >> k):
        b = bt[t]
        for j in range(kk):
            v[j] = psi[b + off[j]]
        for i in range(kk):
            acc = 0j
            if adjoint:
                for j in range(kk):
                    acc += np.conj(m[j, i]) * v[j]
            else:
                for j in range(kk):
                    acc += m[i, j] * v[j]
            psi[b + off[i]] = acc


@njit(cache=True)
def _backk(psi, g, off, bt, k, m, grad, v, w):
    """k-qubit adjoint step with the matrix gradient (see :func:`_back1`)."""
    kk = 1 << k
    for t in range(psi.shape[0] >> k):
        b = bt[t]
        for j in range(kk):
            v[j] = psi[b + off[j]]
            w[j] = g[b + off[j]]
        for i in range(kk):
            acc = 0j
            acc_g = 0j
            for j in range(kk):
                mc = np.conj(m[j, i])
                acc += mc * v[j]
                acc_g += mc * w[j]
            psi[b + off[i]] = acc
            g[b + off[i]] = acc_g
        for i in range(kk):
            for j in range(kk):
                grad[i, j] += w[i] * np.conj(psi[b + off[j]])


@njit(cache=True)
def _mono(psi, adj, off, bt, k, act, src, phase, nact, pure, adjoint, v):
    """A monomial gate ``out[i] = phase[i] in[perm[i]]`` on ``psi`` (or its inverse on ``psi`` and ``adj``),
    touching only the local entries it moves or rephases: ``act[:nact]``, entry ``act[j]`` reads entry
    ``act[src[j]]``."""
    for t in range(psi.shape[0] >> k):
        b = bt[t]
        if adjoint:
            for j in range(nact):
                v[j] = psi[b + off[act[j]]]
                v[j + 8] = adj[b + off[act[j]]]
            for j in range(nact):
                i = b + off[act[src[j]]]
                if pure:
                    psi[i] = v[j]
                    adj[i] = v[j + 8]
                else:
                    c = np.conj(phase[j])
                    psi[i] = c * v[j]
                    adj[i] = c * v[j + 8]
        else:
            for j in range(nact):
                v[j] = psi[b + off[act[j]]]
            if pure:
                for j in range(nact):
                    psi[b + off[act[j]]] = v[src[j]]
            else:
                for j in range(nact):
                    psi[b + off[act[j]]] = phase[j] * v[src[j]]


@njit(cache=True)
def _swap(psi, adj, bt, k, o1, o2):
    """Swap the amplitudes at local offsets ``o1`` and ``o2`` (in ``psi`` and, when it differs, ``adj``)."""
    both = psi is not adj
    for t in range(psi.shape[0] >> k):
        b = bt[t]
        psi[b + o1], psi[b + o2] = psi[b + o2], psi[b + o1]
        if both:
            adj[b + o1], adj[b + o2] = adj[b + o2], adj[b + o1]


@njit(cache=True)
def _rephase(psi, adj, bt, k, o1, p):
    """Multiply the amplitudes at local offset ``o1`` by ``p`` (in ``psi`` and, when it differs, ``adj``)."""
    both = psi is not adj
    for t in range(psi.shape[0] >> k):
        b = bt[t] + o1
        psi[b] *= p
        if both:
            adj[b] *= p


@njit(cache=True)
def _mono1(psi, q, p0, p1, swap):
    """A one-qubit monomial gate: ``diag(p0, p1)``, after swapping the two amplitudes when ``swap``."""
    step = 1 << q
    for hi in range(0, psi.shape[0], 2 * step):
        for i in range(hi, hi + step):
            a0, a1 = psi[i], psi[i + step]
            if swap:
                psi[i], psi[i + step] = p0 * a1, p1 * a0
            else:
                psi[i], psi[i + step] = p0 * a0, p1 * a1


@njit(cache=True)
def _diag1(psi, q, d0, d1):
    """``diag(d0, d1)`` on qubit ``q``."""
    step = 1 << q
    for hi in range(0, psi.shape[0], 2 * step):
        for i in range(hi, hi + step):
            psi[i] *= d0
            psi[i + step] *= d1


@njit(cache=True)
def _back_diag1(psi, g, q, d0, d1):
    """Un-compute ``diag(d0, d1)``; returns the diagonal of ``g conj(psi_before)^T``."""
    c0, c1 = np.conj(d0), np.conj(d1)
    step = 1 << q
    g00 = g11 = 0j
    for hi in range(0, psi.shape[0], 2 * step):
        for i in range(hi, hi + step):
            x0, x1 = psi[i] * c0, psi[i + step] * c1
            psi[i], psi[i + step] = x0, x1
            b0, b1 = g[i], g[i + step]
            g00 += b0 * np.conj(x0)
            g11 += b1 * np.conj(x1)
            g[i], g[i + step] = b0 * c0, b1 * c1
    return g00, g11


@njit(cache=True)
def _apply_cu(psi, c, tq, m00, m01, m10, m11):
    cb, tb = 1 << c, 1 << tq
    for i in range(psi.shape[0]):
        if (i & cb) and not (i & tb):
            a0, a1 = psi[i], psi[i | tb]
            psi[i] = m00 * a0 + m01 * a1
            psi[i | tb] = m10 * a0 + m11 * a1


@njit(cache=True)
def _back_cu(psi, g, c, tq, m00, m01, m10, m11):
    c00, c01, c10, c11 = np.conj(m00), np.conj(m10), np.conj(m01), np.conj(m11)
    cb, tb = 1 << c, 1 << tq
    g00 = g01 = g10 = g11 = 0j
    for i in range(psi.shape[0]):
        if (i & cb) and not (i & tb):
            j = i | tb
            a0, a1 = psi[i], psi[j]
            x0, x1 = c00 * a0 + c01 * a1, c10 * a0 + c11 * a1
            psi[i], psi[j] = x0, x1
            b0, b1 = g[i], g[j]
            cx0, cx1 = np.conj(x0), np.conj(x1)
            g00 += b0 * cx0
            g01 += b0 * cx1
            g10 += b1 * cx0
            g11 += b1 * cx1
            g[i] = c00 * b0 + c01 * b1
            g[j] = c10 * b0 + c11 * b1
    return g00, g01, g10, g11


@njit(cache=True)
def _apply_rzz(psi, qa, qb, theta):
    e = np.exp(-0.5j * theta)
    ec = np.conj(e)
    for i in range(psi.shape[0]):
        if ((i >> qa) ^ (i >> qb)) & 1:
            psi[i] *= ec
        else:
            psi[i] *= e


@njit(cache=True)
def _back_rzz(psi, g, qa, qb, theta):
    """Un-compute an RZZ; returns dL/dtheta."""
    e = np.exp(0.5j * theta)  # the inverse of the even-parity phase exp(-i theta / 2)
    ec = np.conj(e)
    d = 0.0
    for i in range(psi.shape[0]):
        y = psi[i]
        # y_i = d_i x_i, d_i = exp(-+ i theta / 2) (even / odd parity): dL/dtheta = Re(conj(g_i) (-+ i/2) y_i)
        if ((i >> qa) ^ (i >> qb)) & 1:
            d += (np.conj(g[i]) * (0.5j * y)).real
            psi[i] = y * ec
            g[i] = g[i] * ec
        else:
            d += (np.conj(g[i]) * (-0.5j * y)).real
            psi[i] = y * e
            g[i] = g[i] * e
    return d


@njit(cache=True)
def gate_angles(tables, flat, out):
    """The five angles ``(theta / 2, a0..a3)`` of every U3-form op, row ``cid`` of ``out`` ``(C, 5)``; their
    cosines and sines are taken outside (vectorised) and come back to :func:`forward` as its cache."""
    kind, arg, form, forms, form_np = tables[1], tables[7], tables[8], tables[9], tables[10]
    ang_idx, ang_coeff, ang_off, cid = tables[20], tables[21], tables[22], tables[24]
    ang = np.empty(ang_off.shape[0])
    _angles(flat, ang_idx, ang_coeff, ang_off, ang)
    for o in range(kind.shape[0]):
        if kind[o] == U3 or kind[o] == CU3:
            f = form[o]
            th, a0, a1, a2, a3 = _five(ang, arg[o], forms[f], form_np[f])
            row = out[cid[o]]
            row[0], row[1], row[2], row[3], row[4] = 0.5 * th, a0, a1, a2, a3


@njit(cache=True)
def forward(tables, cache, rt, flat, psi):
    """Evolve every row of ``psi`` (``(B, 2**n)``, the initial states, overwritten) through its op list."""
    (
        ptr,
        kind,
        nq,
        qs,
        bid,
        bases,
        off,
        arg,
        form,
        forms,
        form_np,
        form_diag,
        consts,
        mono_act,
        mono_src,
        mono_phase,
        mono_nact,
        mono_pure,
        mono_full,
        mono_swap,
        ang_idx,
        ang_coeff,
        ang_off,
        phase,
        cid,
    ) = tables
    ang = np.empty(ang_off.shape[0])
    _angles(flat, ang_idx, ang_coeff, ang_off, ang)
    v = np.empty(16, dtype=np.complex128)
    for b in range(psi.shape[0]):
        row = psi[b]
        for o in range(ptr[b], ptr[b + 1]):
            kd = kind[o]
            if kd == U3:
                f = form[o]
                m00, m01, m10, m11 = _u3_cached(cache[cid[o]])
                if form_diag[f]:
                    _diag1(row, qs[o, 0], m00, m11)
                else:
                    _apply1(row, qs[o, 0], m00, m01, m10, m11)
            elif kd == MONO:
                a = arg[o]
                if nq[o] == 1:
                    ph = mono_full[a]
                    _mono1(row, qs[o, 0], ph[0], ph[1], mono_swap[a])
                elif mono_nact[a] <= 2 and mono_pure[a]:  # CX, SWAP, CCX, CSWAP: one transposition
                    _swap(row, row, bases[bid[o]], nq[o], off[o, mono_act[a, 0]], off[o, mono_act[a, 1]])
                elif mono_nact[a] == 1:  # CZ, CCZ: one entry rephased
                    _rephase(row, row, bases[bid[o]], nq[o], off[o, mono_act[a, 0]], mono_phase[a, 0])
                else:
                    ph = mono_phase[a]
                    _mono(
                        row,
                        row,
                        off[o],
                        bases[bid[o]],
                        nq[o],
                        mono_act[a],
                        mono_src[a],
                        ph,
                        mono_nact[a],
                        mono_pure[a],
                        False,
                        v,
                    )
            elif kd in (CONST, RUNTIME):
                m = consts[arg[o]] if kd == CONST else rt[arg[o]]
                if nq[o] == 1:
                    _apply1(row, qs[o, 0], m[0, 0], m[0, 1], m[1, 0], m[1, 1])
                else:
                    _applyk(row, off[o], bases[bid[o]], nq[o], m, False, v)
            elif kd == CU3:
                f = form[o]
                m00, m01, m10, m11 = _u3_cached(cache[cid[o]])
                _apply_cu(row, qs[o, 0], qs[o, 1], m00, m01, m10, m11)
            else:
                _apply_rzz(row, qs[o, 0], qs[o, 1], ang[arg[o]])
        if phase[b] >= 0:
            e = np.exp(1j * ang[phase[b]])
            for i in range(row.shape[0]):
                row[i] *= e


@njit(cache=True)
def backward(tables, cache, rt, flat, psi, g, grad_flat, grad_rt):
    """Adjoint pass: ``psi`` (final states) and ``g`` (dL/dpsi) are overwritten with the initial states and
    dL/d(initial states); parameter gradients go to ``grad_flat``, runtime-matrix gradients to ``grad_rt``."""
    (
        ptr,
        kind,
        nq,
        qs,
        bid,
        bases,
        off,
        arg,
        form,
        forms,
        form_np,
        form_diag,
        consts,
        mono_act,
        mono_src,
        mono_phase,
        mono_nact,
        mono_pure,
        mono_full,
        mono_swap,
        ang_idx,
        ang_coeff,
        ang_off,
        phase,
        cid,
    ) = tables
    num = ang_off.shape[0]
    ang = np.empty(num)
    _angles(flat, ang_idx, ang_coeff, ang_off, ang)
    dang = np.zeros(num)
    v = np.empty(16, dtype=np.complex128)
    w = np.empty(8, dtype=np.complex128)
    for b in range(psi.shape[0]):
        row, adj = psi[b], g[b]
        if phase[b] >= 0:
            e = np.exp(-1j * ang[phase[b]])
            d = 0.0
            for i in range(row.shape[0]):
                d += (np.conj(adj[i]) * (1j * row[i])).real
                row[i] *= e
                adj[i] *= e
            dang[phase[b]] += d
        for o in range(ptr[b + 1] - 1, ptr[b] - 1, -1):
            kd = kind[o]
            if kd == U3:
                f = form[o]
                m00, m01, m10, m11 = _u3_cached(cache[cid[o]])
                if form_diag[f]:
                    g00, g11 = _back_diag1(row, adj, qs[o, 0], m00, m11)
                    g01 = g10 = 0j
                else:
                    g00, g01, g10, g11 = _back1(row, adj, qs[o, 0], m00, m01, m10, m11, True)
                _u3_grad(cache[cid[o]], arg[o], forms[f], form_np[f], g00, g01, g10, g11, dang)
            elif kd == MONO:
                a = arg[o]
                if nq[o] == 1:
                    ph = mono_full[a]
                    if mono_swap[a]:  # y0 = p0 x1, y1 = p1 x0: x0 = conj(p1) y1, x1 = conj(p0) y0
                        p0, p1 = np.conj(ph[1]), np.conj(ph[0])
                    else:
                        p0, p1 = np.conj(ph[0]), np.conj(ph[1])
                    _mono1(row, qs[o, 0], p0, p1, mono_swap[a])
                    _mono1(adj, qs[o, 0], p0, p1, mono_swap[a])
                elif mono_nact[a] <= 2 and mono_pure[a]:
                    _swap(row, adj, bases[bid[o]], nq[o], off[o, mono_act[a, 0]], off[o, mono_act[a, 1]])
                elif mono_nact[a] == 1:
                    p = np.conj(mono_phase[a, 0])
                    _rephase(row, adj, bases[bid[o]], nq[o], off[o, mono_act[a, 0]], p)
                else:
                    ph = mono_phase[a]
                    _mono(
                        row,
                        adj,
                        off[o],
                        bases[bid[o]],
                        nq[o],
                        mono_act[a],
                        mono_src[a],
                        ph,
                        mono_nact[a],
                        mono_pure[a],
                        True,
                        v,
                    )
            elif kd == CONST:
                m = consts[arg[o]]
                if nq[o] == 1:
                    _back1(row, adj, qs[o, 0], m[0, 0], m[0, 1], m[1, 0], m[1, 1], False)
                else:
                    _applyk(row, off[o], bases[bid[o]], nq[o], m, True, v)
                    _applyk(adj, off[o], bases[bid[o]], nq[o], m, True, v)
            elif kd == RUNTIME:
                m, gm = rt[arg[o]], grad_rt[arg[o]]
                if nq[o] == 1:
                    g00, g01, g10, g11 = _back1(row, adj, qs[o, 0], m[0, 0], m[0, 1], m[1, 0], m[1, 1], True)
                    gm[0, 0] += g00
                    gm[0, 1] += g01
                    gm[1, 0] += g10
                    gm[1, 1] += g11
                else:
                    _backk(row, adj, off[o], bases[bid[o]], nq[o], m, gm, v, w)
            elif kd == CU3:
                f = form[o]
                m00, m01, m10, m11 = _u3_cached(cache[cid[o]])
                g00, g01, g10, g11 = _back_cu(row, adj, qs[o, 0], qs[o, 1], m00, m01, m10, m11)
                _u3_grad(cache[cid[o]], arg[o], forms[f], form_np[f], g00, g01, g10, g11, dang)
            else:
                dang[arg[o]] += _back_rzz(row, adj, qs[o, 0], qs[o, 1], ang[arg[o]])
    for a in range(num):
        d = dang[a]
        if d != 0.0:
            for t in range(ang_idx.shape[1]):
                grad_flat[ang_idx[a, t]] += ang_coeff[a, t] * d
