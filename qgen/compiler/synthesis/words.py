"""Gate words: the one ``word_matrix``, phases, peephole simplification, a table of short exact words.

Words are sequences of gate names in circuit order (the first is applied first); single-qubit words use
``unitaries.GATE_MATRICES`` ({h, s, sdg, t, tdg, x, y, z} and the HRC V-gates).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Mapping, Sequence

import numpy as np

from qgen.compiler.synthesis.unitaries import GATE_MATRICES, phase_between

_DIAGONAL_POWER = {"t": 1, "s": 2, "z": 4, "sdg": 6, "tdg": 7}
_POWER_WORD = {0: [], 1: ["t"], 2: ["s"], 3: ["s", "t"], 4: ["z"], 5: ["z", "t"], 6: ["sdg"], 7: ["tdg"]}
_SELF_INVERSE = {"h", "x"}




def word_matrix(word: Sequence, matrices: Mapping | np.ndarray | None = None, dim: int = 2) -> np.ndarray:
    """The unitary of a word in circuit order (the first gate is applied first), global phase included.

    Args:
        word: gate keys (names for single-qubit words; action indices with ``matrices`` an array).
        matrices: lookup of each key's ``dim x dim`` matrix; defaults to ``unitaries.GATE_MATRICES``.
        dim: matrix dimension.
    """
    table = GATE_MATRICES if matrices is None else matrices
    out = np.eye(dim, dtype=complex)
    for g in word:
        out = table[g] @ out
    return out


def global_phase(target: np.ndarray, word: Sequence[str]) -> float:
    """The phase phi with ``target ~= exp(i phi) * word_matrix(word)`` (best fit: arg tr(W^dag U))."""
    return phase_between(np.asarray(target, dtype=complex), word_matrix(word))


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


def _key(u: np.ndarray) -> tuple:
    """A hashable key of a 2x2 unitary modulo global phase."""
    flat = u.reshape(-1)
    k = int(np.argmax(np.abs(flat) > 1e-6))
    v = flat * np.exp(-1j * np.angle(flat[k]))
    return tuple(np.round(np.concatenate([v.real, v.imag]), 6))


@functools.lru_cache(maxsize=1)
def exact_table(max_length: int = 6) -> dict[tuple, tuple[str, ...]]:
    """Shortest words (up to ``max_length`` gates) for every unitary they reach, keyed modulo phase."""
    table: dict[tuple, tuple[str, ...]] = {_key(np.eye(2)): ()}
    gates = ("h", "s", "sdg", "t", "tdg", "x")  # the gates of the clifford_t target
    for length in range(1, max_length + 1):
        for word in itertools.product(gates, repeat=length):
            key = _key(word_matrix(word))
            if key not in table:
                table[key] = word
    return table


def exact_word(u: np.ndarray, atol: float = 1e-9) -> tuple[tuple[str, ...], float] | None:
    """An exact short Clifford+T word for ``u`` (and the phase with ``u = e^{i phi} word``), or ``None``."""
    word = exact_table().get(_key(u))
    if word is None:
        return None
    w = word_matrix(word)
    phi = phase_between(u, w)
    if np.abs(u - np.exp(1j * phi) * w).max() > atol:
        return None
    return word, phi
