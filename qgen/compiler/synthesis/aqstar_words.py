"""Clifford+T words: the 24 single-qubit Cliffords, quaternion products, peephole simplification, phases.

Words are lists of gate names in circuit order (the first is applied first) over {h, s, sdg, t, tdg, x, z}.
"""

from __future__ import annotations

import functools

import numpy as np

from qgen.compiler.synthesis.rl_basis import GATE_MATRICES, quaternions

_DIAGONAL_POWER = {"t": 1, "s": 2, "z": 4, "sdg": 6, "tdg": 7}
_POWER_WORD = {0: [], 1: ["t"], 2: ["s"], 3: ["s", "t"], 4: ["z"], 5: ["z", "t"], 6: ["sdg"], 7: ["tdg"]}
_SELF_INVERSE = {"h", "x"}


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


def word_matrix(word: list[str] | tuple[str, ...]) -> np.ndarray:
    """Matrix of a single-qubit word in circuit order (exact gate matrices, global phase included)."""
    out = np.eye(2, dtype=complex)
    for g in word:
        out = GATE_MATRICES[g] @ out
    return out


def global_phase(target: np.ndarray, word: list[str] | tuple[str, ...]) -> float:
    """The phase phi with ``target ~= exp(i phi) * word_matrix(word)`` (best fit: arg tr(W^dag U))."""
    w = word_matrix(word)
    return float(np.angle(np.trace(w.conj().T @ np.asarray(target, dtype=complex))))


def simplify(word: list[str] | tuple[str, ...]) -> list[str]:
    """Peephole clean-up: merge runs of diagonal gates (powers of T mod 8), cancel ``h h`` and ``x x``.

    The result equals the input up to global phase and never has more T gates or more gates.
    """
    out = list(word)
    changed = True
    while changed:
        changed = False
        merged: list[str] = []
        i = 0
        while i < len(out):
            g = out[i]
            if g in _DIAGONAL_POWER:
                j, power = i, 0
                while j < len(out) and out[j] in _DIAGONAL_POWER:
                    power += _DIAGONAL_POWER[out[j]]
                    j += 1
                repl = _POWER_WORD[power % 8]
                shorter = len(repl) < j - i
                merged.extend(repl if shorter else out[i:j])
                changed = changed or shorter
                i = j
            elif g in _SELF_INVERSE and merged and merged[-1] == g:
                merged.pop()
                changed = True
                i += 1
            else:
                merged.append(g)
                i += 1
        out = merged
    return out


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
