"""qgen: generate, search and compile quantum circuits for quantum machine learning.

The front door: ``load`` / ``dumps`` OpenQASM 2/3, ``validate`` it, ``profile`` circuits, ``compile``
them to a vendor's target; the simulator is ``qgen.sim``.
"""

from qgen._version import __version__
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


_CIRCUITS = {"Diagnostic", "Profile", "dump", "dumps", "load", "profile", "validate"}


def __getattr__(name: str):
    """Lazy front door: Qiskit loads on the first ``qgen.load`` / ``profile``, the compiler on ``compile``."""
    if name == "compile":
        from qgen.compiler import compile

        return compile
    if name in _CIRCUITS:
        import qgen.circuits

        return getattr(qgen.circuits, name)
    raise AttributeError(f"module 'qgen' has no attribute {name!r}")
