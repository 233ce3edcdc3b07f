"""A diagnostic: one problem in an OpenQASM program, at a 1-based line and column."""

from __future__ import annotations

from dataclasses import dataclass

from qgen.errors import QasmError


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in an OpenQASM program, at a 1-based line and column."""

    line: int
    column: int
    message: str
    severity: str = "error"
    file: str | None = None

    def format(self) -> str:
        """``file:line:col: message`` (``<input>`` when there is no file name)."""
        tag = "warning: " if self.severity == "warning" else ""
        return f"{self.file or '<input>'}:{self.line}:{self.column}: {tag}{self.message}"

    def to_error(self) -> QasmError:
        """This diagnostic as a :class:`~qgen.errors.QasmError` (not raised)."""
        return QasmError(self.message, file=self.file, line=self.line, column=self.column, diagnostics=[self])


def is_importer_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is a failure of Qiskit's importers to report, not an interrupt.

    Qiskit's Rust importers can panic on some inputs (e.g. an integer literal that overflows 64 bits); a
    Rust panic arrives as pyo3's ``PanicException``, a ``BaseException``, which ``except Exception`` misses.
    """
    if isinstance(exc, Exception):
        return True
    return type(exc).__name__ == "PanicException"
