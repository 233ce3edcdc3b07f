"""User-facing exception types. The CLI turns these into one line and a non-zero exit."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class QgenError(Exception):
    """Base class of every error qgen raises on purpose (bad input, bad settings)."""


class QasmError(QgenError):
    """An OpenQASM program is malformed; carries the file, 1-based line and column, and a message."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        diagnostics: list | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.diagnostics = list(diagnostics or [])
        super().__init__(self.location_message())

    def location_message(self) -> str:
        """``file:line:col: message`` (parts that are unknown are left out)."""
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class UnknownNameError(QgenError, KeyError):
    """A name was looked up in a registry (gates, targets, problems, ...) that does not hold it."""

    def __init__(self, kind: str, name: str, valid: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.valid = sorted(valid)
        close = difflib.get_close_matches(name, self.valid, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        msg = f"unknown {kind} {name!r}.{hint} Valid: {', '.join(self.valid)}"
        self.message = msg
        super().__init__(msg)

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class SimulationError(QgenError):
    """A circuit cannot be simulated as asked (mid-circuit measurement, unbound parameters, size)."""


class UnsupportedGateError(SimulationError):
    """A gate has neither a native kernel nor a matrix qgen.sim could use."""
