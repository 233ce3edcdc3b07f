"""qgen: generate, search and compile quantum circuits for quantum machine learning.

The front door: ``load`` / ``dumps`` OpenQASM 2/3, ``validate`` it, ``profile`` circuits, ``compile``
them to a vendor's target; the simulator is ``qgen.sim``.
"""

from qgen._version import __version__
from qgen.circuits import Diagnostic, Profile, dump, dumps, load, profile, validate
from qgen.errors import QasmError, QgenError

__all__ = [
    "Diagnostic",
    "compile",
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


def __getattr__(name: str):
    """Lazy front door: ``qgen.compile`` loads the compiler (pytket, Qiskit passes) on first use."""
    if name == "compile":
        from qgen.compiler import compile

        return compile
    raise AttributeError(f"module 'qgen' has no attribute {name!r}")
