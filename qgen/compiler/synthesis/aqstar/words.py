"""AQ*'s word algebra on unit quaternions: products, inverses, and the 24 single-qubit Cliffords.

Words are lists of gate names in circuit order (the first is applied first) over {h, s, sdg, x, z}.
"""

from __future__ import annotations

import functools

import numpy as np

from qgen.compiler.synthesis.unitaries import GATE_MATRICES, quaternions


def hamilton(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Quaternion product matching the matrix product: ``U(p) U(q) = U(hamilton(p, q))``; broadcasts."""
    p0, pv = p[..., :1], p[..., 1:]
    q0, qv = q[..., :1], q[..., 1:]
    r0 = p0 * q0 - np.sum(pv * qv, axis=-1, keepdims=True)
    rv = p0 * qv + q0 * pv + np.cross(pv, qv)
    return np.concatenate([r0, rv], axis=-1)


def conjugate(q: np.ndarray) -> np.ndarray:
    """Quaternion of the inverse unitary."""
    return q * np.array([1.0, -1.0, -1.0, -1.0])


@functools.lru_cache(maxsize=1)
def cliffords() -> tuple[np.ndarray, tuple[tuple[str, ...], ...]]:
    """The 24 single-qubit Cliffords up to phase: quaternions ``(24, 4)``, shortest words over {h,s,sdg,x,z}.

    The identity is first.
    """
    gens = ["h", "s", "sdg", "x", "z"]
    quats = [np.array([1.0, 0.0, 0.0, 0.0])]
    words: list[tuple[str, ...]] = [()]
    seen = {_key(quats[0])}
    frontier = [((), quats[0])]
    while frontier:
        nxt = []
        for word, q in frontier:
            for g in gens:
                w = (*word, g)
                p = hamilton(quaternions(GATE_MATRICES[g]), q)
                k = _key(p)
                if k not in seen:
                    seen.add(k)
                    quats.append(p)
                    words.append(w)
                    nxt.append((w, p))
        frontier = nxt
    assert len(quats) == 24, f"expected 24 Cliffords, found {len(quats)}"
    return np.stack(quats), tuple(words)


def _key(q: np.ndarray) -> tuple[float, ...]:
    """Sign-canonical rounded quaternion (a hashable phase-invariant key)."""
    nz = np.flatnonzero(np.abs(q) > 1e-9)
    q = q if q[nz[0]] > 0 else -q
    return tuple(np.round(q, 9) + 0.0)
