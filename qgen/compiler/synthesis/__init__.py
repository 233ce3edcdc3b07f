"""Single-qubit Clifford+T synthesisers, looked up by name in ``SYNTHESIZERS``; bases in ``bases.BASES``.

Layout: ``unitaries`` (gate matrices, distance, phase), ``words`` (word algebra), ``bases`` (basis registry),
``base`` (the synthesiser interface), ``gridsynth`` / ``sk`` / ``aqstar`` (synthesisers), ``lowering`` (whole
circuits to Clifford+T), ``rl`` (deep-Q training for AQ*'s heuristic).
"""

from qgen.compiler.synthesis import aqstar, gridsynth, sk
from qgen.compiler.synthesis.base import SYNTHESIZERS, SynthesisResult, Synthesizer
from qgen.compiler.synthesis.bases import BASES, Basis, get_basis
from qgen.compiler.synthesis.errors import SynthesisError
from qgen.compiler.synthesis.unitaries import distance as unitary_distance

__all__ = [
    "BASES",
    "SYNTHESIZERS",
    "Basis",
    "SynthesisError",
    "SynthesisResult",
    "Synthesizer",
    "aqstar",
    "get_basis",
    "gridsynth",
    "sk",
    "unitary_distance",
]
