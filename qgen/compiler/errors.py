"""Errors of the compiler: each names the limit that was hit and what to do about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from qgen.errors import QgenError

if TYPE_CHECKING:
    from qiskit.circuit import QuantumCircuit


class CompilerError(QgenError):
    """Base class of the errors ``qgen.compile`` raises on purpose."""


class TargetTooSmallError(CompilerError):
    """The circuit has more qubits than the target device."""

    def __init__(self, target: str, circuit_qubits: int, target_qubits: int) -> None:
        self.target = target
        self.circuit_qubits = circuit_qubits
        self.target_qubits = target_qubits
        super().__init__(
            f"the circuit has {circuit_qubits} qubits but target {target!r} has only {target_qubits}: "
            "choose a larger target (see `qgen targets`)"
        )


class UnsupportedCircuitError(CompilerError):
    """The circuit uses what the compiler does not handle (classical control, mid-circuit measurement)."""


class EngineError(CompilerError):
    """An engine cannot compile this circuit for this target (e.g. free parameters on a discrete gate set)."""


class MiscompileError(CompilerError):
    """The compiled circuit is not equivalent to the original; both circuits are attached.

    Attributes:
        original: the input circuit (measurements removed).
        compiled: the compiled circuit that failed the check.
        verdict: the :class:`qgen.compiler.verify.Verdict` with the metric and its value.
    """

    def __init__(
        self, message: str, original: QuantumCircuit, compiled: QuantumCircuit, verdict=None
    ) -> None:
        self.original = original
        self.compiled = compiled
        self.verdict = verdict
        super().__init__(message)
