"""qgen.circuits: OpenQASM 2/3 in and out, validation with clear errors, structural profiles."""

from qgen.circuits.limits import Limits
from qgen.circuits.profile import Profile, profile
from qgen.circuits.qasm import dump, dumps, load, read_source
from qgen.circuits.validate import Diagnostic, free_parameters, qasm_version, validate

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
