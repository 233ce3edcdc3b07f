"""Binary files and out-of-range sizes on the command line: exit 1 with the reason, never a traceback."""

from __future__ import annotations

import pytest

from qgen.cli.app import main

BINARY = b"\x7fELF\x02\x01\x01\x00\x00\x00\xd0\xff binary"


def run(argv: list[str], capsys) -> tuple[int, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    return code, capsys.readouterr().err


@pytest.mark.parametrize("command", ["validate", "profile", "simulate", "compile", "run"])
def test_a_binary_file_is_a_diagnostic(command, tmp_path, capsys):
    path = tmp_path / "prog.qasm"
    path.write_bytes(BINARY)
    code, err = run([command, str(path)], capsys)
    assert code == 1
    assert f"{path}:1:1: not a text file: NUL byte at byte 7" in err
    assert "Traceback" not in err


def test_dataset_problems_rejects_a_negative_size(capsys):
    code, err = run(["dataset", "problems", "--max-qubits", "-1"], capsys)
    assert code == 1 and "--max-qubits must be >= 1, got -1" in err
