"""Recipes: versioned YAML files holding the settings of one command (a dataset build, a search, a training).

A recipe names the command it configures and that command's options; ``qgen COMMAND --config FILE`` reads it,
flags given on the command line override it, and commands that write into a folder store the resolved
settings there (``resolved-config.yaml``). A recipe may also carry the published figure of the paper it
reproduces and how ``qgen repro`` runs its benchmark (``paper``: citation, arxiv, metric, value, figures
(label -> published value), note; ``repro``: see :mod:`qgen.repro`).

    recipe: qas-4q-state-prep                 # a name (defaults to the file name)
    description: Sun et al. 2024, 4 qubits    # one line
    command: search                           # the qgen command path, words separated by spaces
    options: {task: state_prep, qubits: 4, budget: 1000}

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
>>> _ = p.write_text("command: dataset build optimization\\noptions:\\n  size: 10\\n")
>>> r = load_recipe(p)
>>> r.command, r.options
(('dataset', 'build', 'optimization'), {'size': 10})
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qgen.errors import QgenError
from qgen.optional import require

__all__ = ["Recipe", "RecipeError", "load_recipe", "recipe_dirs", "find_recipes", "dump_resolved"]

RECIPE_FOLDERS = ("compiler", "datasets", "search", "train")
_TOP_KEYS = {"recipe", "description", "command", "options", "paper", "repro"}
_PAPER_KEYS = {"citation", "metric", "value", "arxiv", "note", "figures"}
_REPRO_KEYS = {"bench", "quick", "full", "out", "result", "expected_minutes", "peer", "figures", "note"}


class RecipeError(QgenError):
    """A recipe file is malformed or does not fit its command (unknown option, wrong type)."""


@dataclass(frozen=True)
class Recipe:
    """One recipe: the command it configures, its options, and optionally a paper figure and a repro spec."""

    name: str
    path: Path
    command: tuple[str, ...]
    options: dict[str, Any]
    description: str = ""
    paper: dict[str, Any] = field(default_factory=dict)
    repro: dict[str, Any] = field(default_factory=dict)


def _fail(path: Path, message: str, line: int | None = None) -> RecipeError:
    where = f"{path}:{line}" if line is not None else str(path)
    return RecipeError(f"{where}: {message}")


def _check_keys(path: Path, what: str, data: dict, allowed: set[str]) -> None:
    import difflib

    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), sorted(allowed), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _fail(path, f"unknown key {key!r} in {what}{hint}; valid: {', '.join(sorted(allowed))}")


def load_recipe(path: str | os.PathLike) -> Recipe:
    """Read and check a recipe file; errors name the file (and the line for YAML syntax errors)."""
    yaml = require("yaml", extra="data", purpose="reading recipes")
    path = Path(path)
    if not path.is_file():
        raise RecipeError(f"{path}: no such recipe file")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise _fail(path, "not a UTF-8 text file") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise _fail(path, f"invalid YAML: {getattr(exc, 'problem', None) or exc}", line) from None
    if not isinstance(data, dict):
        raise _fail(path, "a recipe is a mapping with the keys command and options")
    _check_keys(path, "the recipe", data, _TOP_KEYS)
    command = data.get("command")
    if not isinstance(command, str) or not command.split():
        raise _fail(path, "'command' must name a qgen command, e.g. 'dataset build optimization'")
    options = data.get("options") or {}
    if not isinstance(options, dict) or not all(isinstance(k, str) for k in options):
        raise _fail(path, "'options' must map option names to values")
    for key, value in options.items():
        if not isinstance(value, (str, int, float, bool, list)) and value is not None:
            kind = type(value).__name__
            raise _fail(path, f"option {key!r}: {kind} values are not allowed (use a scalar or a list)")
    paper = data.get("paper") or {}
    repro = data.get("repro") or {}
    if not isinstance(paper, dict) or not isinstance(repro, dict):
        raise _fail(path, "'paper' and 'repro' must be mappings")
    _check_keys(path, "paper", paper, _PAPER_KEYS)
    _check_keys(path, "repro", repro, _REPRO_KEYS)
    name = data.get("recipe") or path.stem
    return Recipe(
        name=str(name),
        path=path,
        command=tuple(command.split()),
        options={k.replace("-", "_"): v for k, v in options.items()},
        description=str(data.get("description") or ""),
        paper=paper,
        repro=repro,
    )


def recipe_dirs() -> list[Path]:
    """Recipe folders: ``$QGEN_RECIPES`` (os.pathsep-separated) or the checkout's top-level folders."""
    env = os.environ.get("QGEN_RECIPES")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    root = Path(__file__).resolve().parents[1]
    return [root / name for name in RECIPE_FOLDERS if (root / name).is_dir()]


def find_recipes() -> list[Recipe]:
    """Every recipe under :func:`recipe_dirs`, sorted by folder and name."""
    out = []
    for folder in recipe_dirs():
        for path in sorted(folder.rglob("*.yaml")):
            out.append(load_recipe(path))
    return out


def dump_resolved(command: tuple[str, ...], options: dict[str, Any], source: Path | None) -> str:
    """The YAML text of a resolved command (what ran, with every option's final value)."""
    yaml = require("yaml", extra="data", purpose="writing resolved recipes")
    clean = {k: (str(v) if isinstance(v, Path) else v) for k, v in sorted(options.items())}
    clean = {k: (list(v) if isinstance(v, tuple) else v) for k, v in clean.items()}
    record: dict[str, Any] = {"command": " ".join(command), "options": clean}
    if source is not None:
        record["recipe"] = str(source)
    return yaml.safe_dump(record, sort_keys=False)
