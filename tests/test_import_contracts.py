"""Architecture contracts (``[tool.importlinter]`` in pyproject.toml) hold, and catch a wrong import.

The contracts: the layers (cli > models > search | generate > datasets > backends > compiler | tn > train >
sim > circuits | hamiltonians > registry | files | optional | progress > errors | _version), only qgen.cli
imports typer / rich, and no import cycles between the modules of one subsystem.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")

ROOT = Path(__file__).resolve().parents[1]
LINT = Path(sys.executable).with_name("lint-imports")
pytestmark = pytest.mark.skipif(not LINT.exists(), reason="import-linter is not installed (qgen[test])")


def _lint(cwd: Path, *args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(pythonpath or cwd)}
    return subprocess.run(
        [str(LINT), "--no-cache", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def _skeleton(tmp_path: Path) -> Path:
    """A package ``qgen`` with one empty subpackage per module the layers name, and the real contracts."""
    pkg = tmp_path / "qgen"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    layers = next(c for c in _config()["contracts"] if c["type"] == "layers")["layers"]
    for layer in layers:
        for name in layer.replace(":", "|").split("|"):
            sub = pkg / name.strip().strip("()").split(".", 1)[1]
            sub.mkdir()
            (sub / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    return tmp_path


def test_contracts_hold_on_the_real_tree() -> None:
    res = _lint(ROOT)
    assert res.returncode == 0, res.stdout[-4000:]


def test_clean_skeleton_keeps_every_contract(tmp_path: Path) -> None:
    root = _skeleton(tmp_path)
    (root / "qgen" / "cli" / "app.py").write_text("import typer\nimport rich\nimport qgen.sim\n")
    (root / "qgen" / "sim" / "api.py").write_text("import qgen.circuits\nimport qgen.errors\n")
    res = _lint(root)
    assert res.returncode == 0, res.stdout[-4000:]
    assert "Contracts: 3 kept, 0 broken." in res.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    root = _skeleton(tmp_path)
    (root / "qgen" / "sim" / "bad.py").write_text("import qgen.search\n")
    res = _lint(root)
    assert res.returncode == 1
    assert "qgen.sim is not allowed to import qgen.search" in res.stdout
    assert "Contracts: 2 kept, 1 broken." in res.stdout


def test_siblings_are_independent(tmp_path: Path) -> None:
    root = _skeleton(tmp_path)
    (root / "qgen" / "generate" / "bad.py").write_text("import qgen.search\n")
    res = _lint(root, "--contract", "layers")
    assert res.returncode == 1 and "qgen.generate is not allowed to import qgen.search" in res.stdout


def test_library_code_importing_rich_breaks_cli_only(tmp_path: Path) -> None:
    root = _skeleton(tmp_path)
    (root / "qgen" / "train" / "loop.py").write_text("from rich.progress import Progress\n")
    res = _lint(root, "--contract", "cli-only")
    assert res.returncode == 1 and "qgen.train is not allowed to import rich" in res.stdout


def test_a_cycle_inside_a_subsystem_breaks_acyclic(tmp_path: Path) -> None:
    root = _skeleton(tmp_path)
    (root / "qgen" / "tn" / "a.py").write_text("import qgen.tn.b\n")
    (root / "qgen" / "tn" / "b.py").write_text("import qgen.tn.a\n")
    res = _lint(root, "--contract", "acyclic")
    assert res.returncode == 1 and "No cycles are allowed in qgen.tn" in res.stdout
