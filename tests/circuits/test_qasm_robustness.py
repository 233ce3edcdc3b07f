"""Real-world OpenQASM input: text or path, binary files, internal errors as diagnostics, infinite angles."""

from __future__ import annotations

from pathlib import Path

import pytest

from qgen.circuits import dumps, load, read_source, validate
from qgen.errors import QasmError, QgenError

H2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[4];\n'
H3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[4] q;\n'


def _errors(text: str) -> list[str]:
    return [d.format() for d in validate(text) if d.severity == "error"]


def test_long_one_line_program_is_text_not_a_path() -> None:
    text = "OPENQASM 3.0 " + "// padding " * 30  # >= 256 characters, no ';', no newline
    assert len(text) > 256
    with pytest.raises(QasmError, match="<input>:1:"):
        load(text)
    program = 'OPENQASM 3.0; include "stdgates.inc"; qubit[1] q; ' + "x q[0]; " * 40
    assert load(program).size() == 40
    assert read_source("x" * 300) == ("x" * 300, None)  # not a file, and no OSError


def test_binary_and_non_utf8_files_are_clear_errors(tmp_path: Path) -> None:
    binary = tmp_path / "a.qasm"
    binary.write_bytes(b"OPENQASM 2.0;\n\x00\x01\x02")
    with pytest.raises(QasmError) as err:
        load(binary)
    assert str(err.value) == f"{binary}:1:1: not a text file: NUL byte at byte 14"
    latin = tmp_path / "b.qasm"
    latin.write_bytes("OPENQASM 2.0;\n// caf\u00e9\n".encode("latin-1"))
    with pytest.raises(QasmError, match=r"b\.qasm:1:1: not a text file / not UTF-8 at byte 20"):
        load(str(latin))
    (d,) = validate(b"OPENQASM 2.0;\n\xff\n", filename="c.qasm")
    assert d.format().startswith("c.qasm:1:1: not a text file / not UTF-8 at byte 14")


@pytest.mark.parametrize(
    ("body", "where", "text"),
    [
        ("h q[(-1)**0.5];", "4:5", "qubit index into 'q' must be an integer"),
        ("h q[3:0];", "4:5", "empty qubit range 3:0 into 'q'"),
        ("rx(" + "7" * 5000 + ") q[0];", "4:4", "number literal too long (5000 digits)"),
        ("gate g a { g a; }", "4:12", "gate 'g' cannot call itself"),
        ("rx(1e309) q[0];", "4:4", "parameter of 'rx' is not a finite number (got inf)"),
        ("gphase(1e309);", "4:8", "parameter of 'gphase' is not a finite number"),
        ("rx(theta * (1e308 * 10)) q[0];", "4:12", "not a finite number"),
    ],
)
def test_former_internal_errors_are_diagnostics(body: str, where: str, text: str) -> None:
    (first, *_) = _errors(H3 + body)
    assert first.startswith(f"<input>:{where}: ") and text in first
    assert "internal error" not in first


def test_qasm2_self_call_and_non_finite_angles() -> None:
    assert "cannot call itself" in _errors(H2 + "gate g a { g a; }")[0]
    assert "not a finite number" in _errors(H2 + "rx(1e309) q[0];")[0]
    assert "not a finite number" in _errors(H2 + "rx(exp(1000)) q[0];")[0]
    assert _errors(H2 + "rx(ln(-1)) q[0];")[0].startswith("<input>:4:4:")


def test_non_finite_global_phase_is_not_written() -> None:
    qc = load(H3 + "x q[0];")
    qc.global_phase = float("inf")
    with pytest.raises(QgenError, match="not a finite number"):
        dumps(qc)


def test_an_index_beyond_64_bits_is_a_diagnostic_not_a_rust_panic():
    """Qiskit's Rust lexer panics on integers over 2**64 (pyo3 PanicException, a BaseException)."""
    import qgen

    text = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[18446744073709551616];\n'
    diags = [d for d in qgen.validate(text) if d.severity == "error"]
    assert diags and "out of range" in diags[0].message
    with pytest.raises(qgen.QasmError, match="out of range"):
        qgen.load(text)
