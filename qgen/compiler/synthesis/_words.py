"""Exact Clifford+T words: 2x2 matrices of the gates, products of words, and a table of short exact words.

Words are gate names in circuit order (the first is applied first); the basis is {h, s, sdg, t, tdg, x}.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

_S2 = 1 / np.sqrt(2)
MATRICES: dict[str, np.ndarray] = {
    "h": np.array([[_S2, _S2], [_S2, -_S2]], dtype=complex),
    "s": np.diag([1, 1j]).astype(complex),
    "sdg": np.diag([1, -1j]).astype(complex),
    "t": np.diag([1, np.exp(1j * np.pi / 4)]).astype(complex),
    "tdg": np.diag([1, np.exp(-1j * np.pi / 4)]).astype(complex),
    "x": np.array([[0, 1], [1, 0]], dtype=complex),
}
"""Matrices of the single-qubit Clifford+T gates (Qiskit conventions)."""


def word_matrix(gates: tuple[str, ...] | list[str]) -> np.ndarray:
    """The unitary of a gate word (the first gate is applied first)."""
    out = np.eye(2, dtype=complex)
    for g in gates:
        out = MATRICES[g] @ out
    return out


def phase_between(target: np.ndarray, approx: np.ndarray) -> float:
    """The phase phi that best aligns ``exp(i phi) * approx`` with ``target``: arg tr(approx^dag target)."""
    return float(np.angle(np.trace(approx.conj().T @ target)))


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
    gates = ("h", "s", "sdg", "t", "tdg", "x")
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
