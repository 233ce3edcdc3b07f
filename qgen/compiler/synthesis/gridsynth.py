"""``gridsynth``: optimal-T-count Rz synthesis (Ross & Selinger, arXiv:1403.2975) through pygridsynth.

A general single-qubit unitary is split into ``e^{i a} Rz(b) H Rz(c) H Rz(d)`` (a ZXZ Euler decomposition,
Rx = H Rz H) and each non-trivial Rz is synthesised with a third of the error budget; rotations by multiples
of pi/4 become exact words. Distances are the phase-invariant d(U, V) = sqrt(1 - |tr(U^dag V) / 2|^2).
"""

from __future__ import annotations

import functools
import time
import warnings

import numpy as np
from qiskit.synthesis import OneQubitEulerDecomposer

from qgen.compiler.synthesis.base import SYNTHESIZERS, SynthesisResult
from qgen.compiler.synthesis.unitaries import distance, phase_between, rz_matrix
from qgen.compiler.synthesis.words import exact_word, word_matrix
from qgen.optional import require

_LETTERS = {"H": ("h",), "S": ("s",), "T": ("t",), "X": ("x",), "W": ()}


@functools.lru_cache(maxsize=4096)
def _gridsynth_word(theta: float, eps: float, seed: int) -> tuple[str, ...]:
    pygridsynth = require("pygridsynth", extra="compile", purpose="gridsynth Rz synthesis")
    import mpmath  # a dependency of pygridsynth

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = pygridsynth.gridsynth_gates(mpmath.mpf(theta), mpmath.mpf(eps), seed=seed)
    # pygridsynth writes a matrix product (the rightmost letter acts first); W is the phase e^{i pi/4}
    word: list[str] = []
    for letter in reversed(text):
        word.extend(_LETTERS[letter])
    return tuple(word)


class GridsynthSynthesizer:
    """Rz rotations by pygridsynth; other unitaries by a ZXZ Euler split into three Rz syntheses.

    Args:
        seed: pygridsynth's seed (its search is randomised; same seed, same word).
    """

    name = "gridsynth"

    def __init__(self, seed: int = 0) -> None:
        self.seed = int(seed)

    def synthesize_rz(self, theta: float, eps: float) -> SynthesisResult:
        """Approximate Rz(theta) to distance <= eps, keeping the exact global phase."""
        start = time.perf_counter()
        target = rz_matrix(theta)
        exact = exact_word(target)
        if exact is not None:
            word, phi = exact
            return SynthesisResult(word, 0.0, phi, time.perf_counter() - start, {"exact": True})
        # gridsynth's epsilon bounds the operator norm ||Rz - V||, which is >= our distance d
        budget = float(eps)
        for _ in range(4):
            word = _gridsynth_word(float(theta), budget, self.seed)
            approx = word_matrix(word)
            dist = distance(target, approx)
            if dist <= eps:
                break
            budget /= 2
        phi = phase_between(target, approx)
        return SynthesisResult(word, dist, phi, time.perf_counter() - start, {"gridsynth_eps": budget})

    def synthesize_unitary(self, unitary: np.ndarray, eps: float) -> SynthesisResult:
        """Approximate a 2x2 unitary: ZXZ Euler angles, each Rz to eps / 3 (distances add up)."""
        start = time.perf_counter()
        u = np.asarray(unitary, dtype=complex)
        exact = exact_word(u)
        if exact is not None:
            word, phi = exact
            return SynthesisResult(word, 0.0, phi, time.perf_counter() - start, {"exact": True})
        theta, phi_e, lam, _ = OneQubitEulerDecomposer("ZXZ").angles_and_phase(u)
        # u ~ Rz(phi_e) Rx(theta) Rz(lam) and Rx(theta) = H Rz(theta) H
        parts = [self.synthesize_rz(lam, eps / 3), None, self.synthesize_rz(theta, eps / 3), None]
        parts.append(self.synthesize_rz(phi_e, eps / 3))
        word: list[str] = []
        for part in parts:
            word.extend(("h",) if part is None else part.gates)
        approx = word_matrix(word)
        dist = distance(u, approx)
        return SynthesisResult(
            tuple(word), dist, phase_between(u, approx), time.perf_counter() - start, {"euler": "ZXZ"}
        )


SYNTHESIZERS.register("gridsynth", GridsynthSynthesizer)
