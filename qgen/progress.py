"""Progress reporting without a UI: library code calls a :class:`Progress`; the CLI draws it with Rich.

Library functions take ``progress: Progress | None``; ``None`` means silent. A callback sees
``start(task, total, unit)``, ``advance(task, n, **info)`` and ``finish(task)``; ``info`` may carry numbers
such as ``loss`` or ``tokens``. Rates and ETAs are computed by whoever draws the bar.
"""

from __future__ import annotations

import time
from typing import Any, Protocol, runtime_checkable

__all__ = ["Progress", "NullProgress", "RecordingProgress", "report"]


@runtime_checkable
class Progress(Protocol):
    """The small callback protocol every long job reports to."""

    def start(self, task: str, total: int | None = None, unit: str = "it") -> None:
        """A task begins (``total`` None when unknown)."""

    def advance(self, task: str, n: int = 1, **info: Any) -> None:
        """``n`` more units of ``task`` are done; ``info`` adds figures to show (loss, tokens/s, ...)."""

    def finish(self, task: str) -> None:
        """The task ended."""


class NullProgress:
    """Reports nothing."""

    def start(self, task: str, total: int | None = None, unit: str = "it") -> None:
        """Ignore."""

    def advance(self, task: str, n: int = 1, **info: Any) -> None:
        """Ignore."""

    def finish(self, task: str) -> None:
        """Ignore."""


class RecordingProgress:
    """Keeps every event in ``events`` (for tests and logs)."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str, Any, float]] = []

    def start(self, task: str, total: int | None = None, unit: str = "it") -> None:
        """Record a start."""
        self.events.append(("start", task, total, time.monotonic()))

    def advance(self, task: str, n: int = 1, **info: Any) -> None:
        """Record an advance."""
        self.events.append(("advance", task, (n, info), time.monotonic()))

    def finish(self, task: str) -> None:
        """Record a finish."""
        self.events.append(("finish", task, None, time.monotonic()))

    def done(self, task: str) -> int:
        """Units of ``task`` advanced so far."""
        return sum(e[2][0] for e in self.events if e[0] == "advance" and e[1] == task)


def report(progress: Progress | None) -> Progress:
    """``progress`` or a :class:`NullProgress` when it is None."""
    return NullProgress() if progress is None else progress
