"""``sk``: the Solovay-Kitaev algorithm (Dawson & Nielsen, quant-ph/0505030) as Qiskit implements it.

The recursion degree grows (1, 2, ...) until the word is within ``eps`` or ``max_degree`` is reached; the best
word found is returned (its ``distance`` may then exceed ``eps``). Basis {h, t, tdg}.
"""

from __future__ import annotations

import functools
import time

import numpy as np

from qgen.compiler.synthesis.base import SYNTHESIZERS, SynthesisResult
from qgen.compiler.synthesis.unitaries import distance, phase_between, rz_matrix
from qgen.compiler.synthesis.words import exact_word, word_matrix


@functools.lru_cache(maxsize=1)
def _decomposer():
    from qiskit.synthesis import SolovayKitaevDecomposition

    return SolovayKitaevDecomposition()


class SolovayKitaevSynthesizer:
    """Qiskit's Solovay-Kitaev decomposition over {h, t, tdg}.

    Args:
        max_degree: the largest recursion degree tried (each degree multiplies the length by about 5).
    """

    name = "sk"

    def __init__(self, max_degree: int = 5) -> None:
        self.max_degree = int(max_degree)

    def synthesize_unitary(self, unitary: np.ndarray, eps: float) -> SynthesisResult:
        """Approximate a 2x2 unitary to distance <= eps, raising the recursion degree as needed."""
        start = time.perf_counter()
        u = np.asarray(unitary, dtype=complex)
        exact = exact_word(u)
        if exact is not None:
            word, phi = exact
            return SynthesisResult(word, 0.0, phi, time.perf_counter() - start, {"exact": True})
        best: tuple[float, tuple[str, ...], int] | None = None
        for degree in range(0, self.max_degree + 1):
            circ = _decomposer().run(u, degree)
            word = tuple(inst.operation.name for inst in circ.data)
            dist = distance(u, word_matrix(word))
            if best is None or dist < best[0]:
                best = (dist, word, degree)
            if dist <= eps:
                break
        dist, word, degree = best
        return SynthesisResult(
            word, dist, phase_between(u, word_matrix(word)), time.perf_counter() - start, {"degree": degree}
        )

    def synthesize_rz(self, theta: float, eps: float) -> SynthesisResult:
        """Approximate Rz(theta) (as a general unitary)."""
        return self.synthesize_unitary(rz_matrix(theta), eps)


SYNTHESIZERS.register("sk", SolovayKitaevSynthesizer)
