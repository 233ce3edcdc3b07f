"""qgen.compiler: compile circuits for vendors' devices with Qiskit, pytket or a verified portfolio of both.

>>> from qgen.compiler import TARGETS
>>> "quantinuum-h2" in TARGETS and "ibm-torino" in TARGETS
True
"""

from qgen.compiler import devices as _devices  # noqa: F401 - registers the targets
from qgen.compiler import portfolio as _portfolio  # noqa: F401 - registers the ``best`` engine
from qgen.compiler.api import CompileResult, compile
from qgen.compiler.engines import ENGINES, Candidate
from qgen.compiler.errors import (
    CompilerError,
    EngineError,
    MiscompileError,
    TargetTooSmallError,
    UnsupportedCircuitError,
)
from qgen.compiler.targets import TARGETS, TargetSpec, get_target
from qgen.compiler.verify import Verdict, verify

__all__ = [
    "ENGINES",
    "TARGETS",
    "Candidate",
    "CompileResult",
    "CompilerError",
    "EngineError",
    "MiscompileError",
    "TargetSpec",
    "TargetTooSmallError",
    "UnsupportedCircuitError",
    "Verdict",
    "compile",
    "get_target",
    "verify",
]
