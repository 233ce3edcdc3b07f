"""Shared CLI plumbing: qgen errors become one line on stderr and exit code 1, never a traceback.

A missing optional dependency names the pip extra that brings it (exit 1); Ctrl-C says what was kept and
that the same command resumes (exit 130).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import TypeVar

import typer
from rich.console import Console

from qgen.errors import QgenError
from qgen.optional import EXTRAS, MissingExtraError

F = TypeVar("F", bound=Callable)

#: the one line printed on Ctrl-C (exit code 130)
INTERRUPTED = (
    "interrupted; finished work (written files, checkpoints, dataset shards) was kept; "
    "run the same command again to resume"
)

console = Console()
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``qgen: error: message`` on stderr and return the Exit to raise."""
    err_console.print(f"qgen: error: {message}", markup=False)
    return typer.Exit(code)


def handle_errors(fn: F) -> F:
    """Decorator: QgenError / OSError / a missing extra -> one line on stderr, exit 1; Ctrl-C -> exit 130."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except MissingExtraError as exc:
            raise fail(str(exc)) from None
        except QgenError as exc:
            raise fail(str(exc)) from None
        except ModuleNotFoundError as exc:
            top = (exc.name or "").split(".")[0]
            if top not in EXTRAS:
                raise
            raise fail(str(MissingExtraError(top, EXTRAS[top]))) from None
        except OSError as exc:
            raise fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc)) from None
        except KeyboardInterrupt:
            raise fail(INTERRUPTED, 130) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: object) -> None:
    """Write JSON to stdout (plain, no Rich markup)."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def parse_params(items: list[str]) -> dict[str, float]:
    """``--param NAME=VALUE`` options -> ``{name: value}``; malformed items raise QgenError."""
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QgenError(f"--param expects NAME=VALUE, got {item!r}")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise QgenError(f"--param {name}: {value!r} is not a number") from None
    return out
