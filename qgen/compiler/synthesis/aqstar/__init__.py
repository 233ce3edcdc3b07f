"""AQ* (Agostinelli et al. 2021-style A* with a learned heuristic): search, word tables, the synthesiser.

>>> from qgen.compiler.synthesis.aqstar import AQStarSynthesizer
>>> AQStarSynthesizer.name
'aqstar'
"""

from qgen.compiler.synthesis.aqstar.synthesizer import METRIC, AQStarSynthesizer

__all__ = ["METRIC", "AQStarSynthesizer"]
