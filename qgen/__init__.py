"""qgen: generate, search and compile quantum circuits for quantum machine learning.

The front door: ``load`` / ``dumps`` OpenQASM 2/3, ``validate`` it, ``profile`` circuits; the simulator is
``qgen.sim``.
"""

from qgen._version import __version__
from qgen.circuits import Diagnostic, Profile, dump, dumps, load, profile, validate
from qgen.errors import QasmError, QgenError

__all__ = [
    "Diagnostic",
    "Profile",
    "QasmError",
    "QgenError",
    "__version__",
    "dump",
    "dumps",
    "load",
    "profile",
    "validate",
]
