"""Single-qubit Clifford+T synthesisers, looked up by name in ``SYNTHESIZERS``."""

import contextlib

from qgen.compiler.synthesis import gridsynth, sk
from qgen.compiler.synthesis.base import SYNTHESIZERS, SynthesisResult, Synthesizer, unitary_distance

with contextlib.suppress(ImportError):  # the deep-Q / AQ* synthesiser registers itself when present
    from qgen.compiler.synthesis import aqstar  # noqa: F401

__all__ = ["SYNTHESIZERS", "SynthesisResult", "Synthesizer", "gridsynth", "sk", "unitary_distance"]
