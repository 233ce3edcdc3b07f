"""Shared CLI plumbing: qgen errors become one line on stderr and exit code 1, never a traceback.

A missing optional dependency names the pip extra that brings it (exit 1); Ctrl-C says what was kept and
that the same command resumes (exit 130).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from rich.console import Console
from typer.core import TyperGroup

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


class OwnRunGroup(TyperGroup):
    """A group whose required options (``qgen search --out``) bind its own run, not its subcommands'."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        """Parse the group's options; before a subcommand name, its required options may be left out."""
        if args and args[0] in self.list_commands(ctx):
            relaxed = [p for p in self.params if getattr(p, "required", False)]
            for p in relaxed:
                p.required = False
            try:
                return super().parse_args(ctx, args)
            finally:
                for p in relaxed:
                    p.required = True
        return super().parse_args(ctx, args)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``qgen: error: message`` on stderr and return the Exit to raise."""
    err_console.print(f"qgen: error: {message}", markup=False)
    return typer.Exit(code)


def handle_errors(fn: F) -> F:
    """Decorator: QgenError / OSError / a missing extra -> one line on stderr, exit 1; Ctrl-C -> exit 130."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            result = fn(*args, **kwargs)
            _write_resolved_recipe()
            return result
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


def _write_resolved_recipe() -> None:
    """After a command run with ``--config``, store its resolved options in its output folder."""
    from typer._click.globals import get_current_context  # Typer 0.29 bundles its own click

    ctx = get_current_context(silent=True)
    root = ctx.find_root() if ctx is not None else None
    recipe = (root.obj or {}).get("recipe") if root is not None and isinstance(root.obj, dict) else None
    if recipe is None:
        return
    out = next((ctx.params[k] for k in ("out", "output", "out_dir") if ctx.params.get(k)), None)
    if out is None or not Path(out).is_dir():
        return
    from qgen.files import atomic_write_text
    from qgen.recipes import dump_resolved

    words = tuple(ctx.command_path.split()[1:])
    atomic_write_text(Path(out) / "resolved-config.yaml", dump_resolved(words, dict(ctx.params), recipe.path))


def print_json(data: object) -> None:
    """Write JSON to stdout (plain, no Rich markup)."""
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


def parse_params(items: list[str]) -> dict[str, float]:
    """``--param NAME=VALUE`` options -> ``{name: value}``; malformed or non-finite items raise QgenError."""
    import math

    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise QgenError(f"--param expects NAME=VALUE, got {item!r}")
        try:
            number = float(value)
        except ValueError:
            raise QgenError(f"--param {name}: {value!r} is not a number") from None
        if not math.isfinite(number):
            raise QgenError(f"--param {name}: {value!r} is not a finite number")
        out[name.strip()] = number
    return out


def read_values(path: Path) -> dict[str, float]:
    """A values file: a JSON object ``{"name": value}`` (``qgen search`` writes ``best_<m>.values.json``).

    A record that holds that object under ``"values"`` (``best_<method>.json``) or ``"parameters"``
    (``qgen tn-init``'s JSON) is read too. Non-numbers, NaN and infinities raise QgenError.
    """
    import math

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QgenError(f"--values {path}: no such file") from None
    except json.JSONDecodeError as exc:
        raise QgenError(f"--values {path}: not JSON ({exc.msg}, line {exc.lineno})") from None
    if isinstance(data, dict):
        for key in ("values", "parameters"):
            if isinstance(data.get(key), dict):
                data = data[key]
                break
    if not isinstance(data, dict):
        raise QgenError(f'--values {path}: expected a JSON object {{"name": value, ...}}')
    out = {}
    for name, value in data.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise QgenError(f"--values {path}: {name!r} is {value!r}, not a finite number")
        out[str(name)] = float(value)
    return out


def gather_values(values_file: Path | None, params: list[str], names: list[str]) -> dict[str, float]:
    """Values of a circuit's parameters ``names``: from ``--values FILE`` (its names the circuit lacks are
    ignored), then ``--param NAME=VALUE`` (which wins; an unknown name is an error)."""
    out = {}
    if values_file is not None:
        out = {k: v for k, v in read_values(values_file).items() if k in set(names)}
    given = parse_params(params)
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise QgenError(f"--param {', '.join(unknown)}: the circuit has no such parameter; it has {names}")
    out.update(given)
    return out
