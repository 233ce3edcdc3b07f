"""Resource limits on OpenQASM input, checked before a program reaches Qiskit's importers.

Every limit has a default, an environment variable that overrides it, and a ``Limits`` field::

    >>> Limits().max_qubits
    10000
    >>> Limits(max_qubits=50).max_qubits
    50

``load(text, limits=Limits(max_operations=10**7))`` and ``validate(text, limits=...)`` take them explicitly;
without ``limits=`` the defaults, overridden by ``QGEN_QASM_<FIELD>`` environment variables (for example
``QGEN_QASM_MAX_QUBITS=20000``), apply.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

from qgen.errors import QgenError

__all__ = ["Limits", "default_limits"]


@dataclass(frozen=True)
class Limits:
    """Upper bounds on what an OpenQASM program may ask for (all inclusive)."""

    #: size of a program file or text, in bytes (UTF-8)
    max_file_bytes: int = 16 * 1024 * 1024
    #: qubits in all registers together, and one more than the largest physical qubit index ``$n``
    max_qubits: int = 10_000
    #: classical bits in all bit registers together (``creg`` / ``bit``); writing 50,000 with Qiskit's
    #: OpenQASM 3 exporter takes about a second
    max_clbits: int = 50_000
    #: operations after broadcasting over registers, unrolling ``for`` loops and expanding gate definitions
    max_operations: int = 2_000_000
    #: iterations of one ``for`` loop, and of nested loops multiplied together
    max_loop_iterations: int = 100_000
    #: controls on one gate (``ctrl(n) @`` / ``negctrl(n) @`` modifiers added up)
    max_controls: int = 10

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise QgenError(f"Limits.{f.name} must be a positive integer, got {value!r}")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """Defaults overridden by ``QGEN_QASM_MAX_...`` environment variables."""
        environ = os.environ if environ is None else environ
        values = {}
        for f in dataclasses.fields(cls):
            var = env_var(f.name)
            if var in environ:
                try:
                    values[f.name] = int(environ[var].replace("_", ""))
                except ValueError:
                    raise QgenError(f"{var} must be an integer, got {environ[var]!r}") from None
        return cls(**values)


def env_var(field: str) -> str:
    """The environment variable that overrides a ``Limits`` field."""
    return f"QGEN_QASM_{field.upper()}"


def default_limits(limits: Limits | None) -> Limits:
    """``limits``, or the defaults with the environment's overrides."""
    return limits if limits is not None else Limits.from_env()


def exceeded(field: str, value: int, limits: Limits, what: str) -> str:
    """A diagnostic message: ``what`` (``value``) is over the limit, and how to raise it."""
    limit = getattr(limits, field)
    return (
        f"{what} ({value}) exceeds qgen's limit of {limit}: raise it with Limits({field}=...) "
        f"or the environment variable {env_var(field)}"
    )
