"""The ``qgen`` application: lazy loading (help and validate import no heavy library), its command table."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qgen.cli.app import COMMANDS, app

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "pytket", "datasets", "sklearn", "quimb", "botorch")
runner = CliRunner()


def _modules_after(*argv: str) -> tuple[int, str, list[str]]:
    """Run ``qgen ARGV`` in a fresh interpreter; return exit code, stdout and the heavy modules it loaded."""
    code = (
        "import sys, json\n"
        "from qgen.cli.app import main\n"
        f"sys.argv = ['qgen', *{list(argv)!r}]\n"
        "try:\n    main()\n"
        "except SystemExit as exc:\n    rc = exc.code or 0\n"
        "else:\n    rc = 0\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "sys.stderr.write('\\nHEAVY=' + json.dumps([rc, heavy]) + '\\n')\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    rc, heavy = json.loads(res.stderr.rsplit("HEAVY=", 1)[1])
    return rc, res.stdout, heavy


def test_help_lists_every_command_without_importing_heavy_libraries() -> None:
    rc, out, heavy = _modules_after("--help")
    assert rc == 0 and heavy == []
    for path in COMMANDS:
        if " " not in path:
            assert f" {path} " in out, path


def test_validate_imports_no_heavy_library() -> None:
    rc, out, heavy = _modules_after("validate", "examples/ghz.qasm")
    assert rc == 0 and "examples/ghz.qasm: ok" in out and heavy == []


def test_import_qgen_front_door_is_torch_free() -> None:
    code = (
        "import sys, qgen\n"
        "c = qgen.load('examples/ghz.qasm')\n"
        "assert qgen.validate(qgen.dumps(c)) == []\n"
        "assert qgen.profile(c).num_qubits == c.num_qubits\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


def test_group_help_lists_table_children() -> None:
    result = runner.invoke(app, ["train", "--help"])
    assert result.exit_code == 0
    for name in ("arch2vec", "ketgpt", "synthesizer", "llm"):
        assert name in result.stdout


def test_typo_suggests_the_command() -> None:
    result = runner.invoke(app, ["validat", "x.qasm"])
    assert result.exit_code == 2 and "Did you mean 'validate'?" in result.output


def test_table_targets_are_module_attribute_pairs() -> None:
    for path, (target, help_text) in COMMANDS.items():
        module, sep, attr = target.partition(":")
        assert sep and module.startswith("qgen.") and attr, path
        assert help_text and "\n" not in help_text, path
        parent = path.rpartition(" ")[0]
        assert not parent or parent in COMMANDS, f"{path}: group {parent!r} is not in the table"


@pytest.mark.slow
def test_table_help_matches_each_commands_own_help() -> None:
    """Loads every command (torch, transformers, ...): the table's help is the command's first line."""
    from qgen.cli.app import _load

    for path, (target, help_text) in COMMANDS.items():
        cmd = _load(path, target)
        assert cmd.get_short_help_str(limit=500) == help_text, path
        assert isinstance(cmd.name, str) and cmd.name == path.rsplit(" ", 1)[-1]
