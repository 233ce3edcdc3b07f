"""qgen.circuits: OpenQASM 2/3 in and out, validation with clear errors, structural profiles.

``validate`` and ``profile`` import no Qiskit; ``load`` / ``dump`` / ``dumps`` / ``read_source`` load
``qgen.circuits.qasm`` (and Qiskit) on first use, so ``qgen validate`` starts fast.
"""

from __future__ import annotations

from typing import Any

from qgen.circuits.limits import Limits
from qgen.circuits.profile import Profile, profile
from qgen.circuits.validate import Diagnostic, free_parameters, qasm_version, validate

_QASM = {"dump", "dumps", "load", "read_source"}

__all__ = [
    "Diagnostic",
    "Limits",
    "Profile",
    "dump",
    "dumps",
    "free_parameters",
    "load",
    "profile",
    "qasm_version",
    "read_source",
    "validate",
]


def __getattr__(name: str) -> Any:
    """``load`` and friends: import ``qgen.circuits.qasm`` (Qiskit) on first use."""
    if name in _QASM:
        from qgen.circuits import qasm

        return getattr(qasm, name)
    raise AttributeError(f"module 'qgen.circuits' has no attribute {name!r}")
