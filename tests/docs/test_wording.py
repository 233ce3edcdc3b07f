"""Docs and help speak to users: no "issue", no RESEARCH.md, no paths outside the repository.

Scans README.md, BENCHMARKS.md, docs/*.md, the docstrings of benchmarks/*.py and the ``--help`` text of
every command of the lazy command table (each group's own subcommands included).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
BANNED = [
    (re.compile(r"\bissues?\b", re.IGNORECASE), "'issue'"),
    (re.compile(r"RESEARCH\.md"), "RESEARCH.md"),
    (re.compile(r"\.\./shared|/work/|~/work"), "a path outside the repository"),
    (re.compile(r"edit(ing)? (`)?qgen/cli/app\.py"), "telling users to edit qgen/cli/app.py"),
]


def _problems(name: str, text: str) -> list[str]:
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        for pattern, what in BANNED:
            if pattern.search(line):
                out.append(f"{name}:{n}: {what}: {line.strip()[:120]}")
    return out


def _docstrings(path: Path) -> str:
    """Every docstring (module, class, function) of a Python file, joined."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = [tree, *(n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef)))]
    return "\n".join(d for n in nodes if (d := ast.get_docstring(n)))


def test_docs_and_benchmark_docstrings() -> None:
    files = [ROOT / "README.md", ROOT / "BENCHMARKS.md", *sorted((ROOT / "docs").glob("*.md"))]
    problems = [p for f in files for p in _problems(f.name, f.read_text(encoding="utf-8"))]
    for script in sorted((ROOT / "benchmarks").glob("*.py")):
        problems += _problems(f"benchmarks/{script.name} (docstrings)", _docstrings(script))
    assert problems == []


def test_the_scanner_finds_each_banned_word() -> None:
    text = "the issue\nIssues: none\nRESEARCH.md s. 3\n../shared/x\nedit qgen/cli/app.py\ntissue ok\n"
    found = [p.split(": ")[1] for p in _problems("x", text)]
    assert found == ["'issue'", "'issue'", "RESEARCH.md", "a path outside the repository",
                     "telling users to edit qgen/cli/app.py"]  # fmt: skip


def _command_paths() -> list[list[str]]:
    """Every command path of the CLI: the table's, and each loaded group's own subcommands."""
    from typer.core import _click as click
    from typer.main import get_command

    from qgen.cli.app import app

    root = get_command(app)
    paths: list[list[str]] = [[]]
    todo: list[tuple[list[str], object, object]] = [([], root, click.Context(root, info_name="qgen"))]
    while todo:
        words, group, ctx = todo.pop()
        for name in group.list_commands(ctx):
            cmd = group.get_command(ctx, name)
            paths.append([*words, name])
            if hasattr(cmd, "list_commands"):
                todo.append(([*words, name], cmd, click.Context(cmd, info_name=name, parent=ctx)))
    return paths


@pytest.mark.slow
def test_every_help_text() -> None:
    """Loads every command (torch, transformers, ...) and reads its --help."""
    from qgen.cli.app import app

    runner = CliRunner()
    problems = []
    paths = _command_paths()
    assert len(paths) > 20
    for words in paths:
        res = runner.invoke(app, [*words, "--help"], env={"COLUMNS": "200"})
        assert res.exit_code == 0, (words, res.output)
        problems += _problems("qgen " + " ".join(words) + " --help", res.output)
    assert problems == []
