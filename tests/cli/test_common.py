"""``handle_errors``: one line on stderr for qgen errors and missing extras (exit 1), Ctrl-C (exit 130)."""

from __future__ import annotations

import typer
from typer.testing import CliRunner

from qgen.cli._common import INTERRUPTED, handle_errors
from qgen.errors import QgenError
from qgen.optional import require

runner = CliRunner()


def _app(fn) -> typer.Typer:
    app = typer.Typer()
    app.command("go")(handle_errors(fn))

    @app.callback()
    def _group() -> None:
        """Test shell."""

    return app


def _run(fn):
    return runner.invoke(_app(fn), ["go"])


def test_qgen_error_is_one_line_exit_1() -> None:
    def go() -> None:
        raise QgenError("bad input; pass --x")

    res = _run(go)
    assert res.exit_code == 1 and res.stderr == "qgen: error: bad input; pass --x\n"


def test_missing_extra_names_the_pip_extra() -> None:
    def go() -> None:
        require("quimb_not_installed_here", extra="tn", purpose="DMRG")

    res = _run(go)
    assert res.exit_code == 1
    assert res.stderr == (
        "qgen: error: quimb_not_installed_here is needed for DMRG but is not installed; "
        "install it with: pip install 'qgen[tn]'\n"
    )


def test_plain_import_of_a_missing_optional_module_names_its_extra() -> None:
    def go() -> None:
        raise ModuleNotFoundError("No module named 'pytket'", name="pytket")

    res = _run(go)
    assert res.exit_code == 1 and "pip install 'qgen[compile]'" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output


def test_unknown_missing_module_is_a_bug_not_an_extra() -> None:
    def go() -> None:
        raise ModuleNotFoundError("No module named 'qgen.nothing'", name="qgen.nothing")

    res = _run(go)
    assert res.exit_code == 1 and isinstance(res.exception, ModuleNotFoundError)


def test_keyboard_interrupt_says_what_was_kept_and_exits_130() -> None:
    def go() -> None:
        raise KeyboardInterrupt

    res = _run(go)
    assert res.exit_code == 130
    assert res.stderr == f"qgen: error: {INTERRUPTED}\n"
    assert "kept" in INTERRUPTED and "same command again to resume" in INTERRUPTED


def test_os_error_names_the_file(tmp_path) -> None:
    def go() -> None:
        (tmp_path / "missing.txt").read_text()

    res = _run(go)
    assert res.exit_code == 1 and res.stderr.startswith("qgen: error: No such file or directory: ")
