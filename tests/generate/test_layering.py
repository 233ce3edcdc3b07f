"""qgen.generate stays in its layer: no CLI / UI imports, no search or compiler, no cycles inside it."""

from __future__ import annotations

import ast
from pathlib import Path

import qgen.generate

ROOT = Path(qgen.generate.__file__).parent
FORBIDDEN = ("qgen.cli", "qgen.search", "qgen.compiler", "typer", "rich")


def _imports() -> dict[str, set[str]]:
    """Module name -> every module it imports (anywhere in the file, lazily or not)."""
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT.parent.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        out[name] = found
    return out


def test_no_forbidden_imports() -> None:
    bad = sorted(
        (mod, dep)
        for mod, deps in _imports().items()
        for dep in deps
        if any(dep == f or dep.startswith(f + ".") for f in FORBIDDEN)
    )
    assert bad == []


def test_no_import_cycles_inside_generate() -> None:
    imports = _imports()
    graph = {m: {d for d in deps if d in imports} for m, deps in imports.items()}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        for dep in graph[node]:
            if dep in path:
                cycles.append(path[path.index(dep) :] + [dep])
            elif dep not in done:
                visit(dep, [*path, dep])
        done.add(node)

    done: set[str] = set()
    for mod in graph:
        visit(mod, [mod])
    assert len(graph) > 30 and cycles == []
