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


@pytest.mark.parametrize(
    "program",
    [
        # fuzz_bench seed 11, case 262 (minimised): an infinite constant inside a gate body
        H2 + "gate g c,t { u1(-3*pi/8) t; cx c,t; u1(1e309*pi/8) t; }\ngate ctu c,t { g c,t; }\n"
        + "ctu q[0],q[1];",
        H2 + "gate g(a) t { u1(a*1e300) t; }\ng(1e10) q[0];",
        H2 + "creg c[1];\nif(c==1) u1(1e309) q[0];",
        H3 + "gate g(a) t { rx(a*1e300) t; }\ng(1e10) q[0];",
    ],
)
def test_infinite_angles_inside_gate_bodies_are_load_errors(program: str) -> None:
    """Non-finite values are load-time errors wherever they are, not a later refusal of ``dumps``."""
    errors = _errors(program)
    assert errors and ("not a finite number" in errors[0] or "infinite" in errors[0])
    with pytest.raises(QasmError):
        load(program)


def test_finite_gate_body_is_still_loaded() -> None:
    qc = load(H2 + "gate g(a) t { u1(a*1e300) t; }\ng(1e-300) q[0];")
    assert qc.count_ops() == {"g": 1}
    assert qc.data[0].operation.definition.data[0].operation.params[0] == pytest.approx(1.0)


def test_unicode_parameter_names_survive_qasm3_round_trip() -> None:
    """fuzz_bench seed 11, case 38: Qiskit's exporter writes ``gaméma`` as ``_gam_ma``."""
    qc = load(H3 + "input float[64] gaméma;\nrz(2 * gaméma + β + ħ) q[0];\nrz(γ) q[1];")
    text = dumps(qc, version=3)
    assert "input float[64] gaméma;" in text and "_gam" not in text
    again = load(text)
    assert sorted(p.name for p in again.parameters) == sorted(p.name for p in qc.parameters)
    assert sorted(p.name for p in again.parameters) == ["gaméma", "ħ", "β", "γ"]
    assert str(again.data[0].operation.params[0]) == str(qc.data[0].operation.params[0])


@pytest.mark.parametrize("register", ["qreg q[0];", "creg c[ 0 ];"])
def test_zero_size_register_is_an_error_in_qasm2_too(register: str) -> None:
    """fuzz_bench seed 12, case 129: Qiskit's QASM 2 importer took ``qreg q[0];``, and dumps wrote
    ``qubit[0] q;``, which OpenQASM 3 rejects: a loaded program did not load back."""
    program = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg r[1];\n' + register + "\nh r[0];"
    (first, *_) = _errors(program)
    assert first.startswith("<input>:4:") and "register size must be a positive integer" in first
    with pytest.raises(QasmError, match="positive integer"):
        load(program)


@pytest.mark.parametrize(
    ("body", "where", "text"),
    [
        # fuzz_bench seed 13, case 3155: Qiskit's converter read '$n' as physical qubit n and added n qubits
        ("input float[$10000000064] th;\nrx(th) q[0];", "4:13", "must be an integer from 1 to 1024"),
        ("input angle[th2] th;\nrx(th) q[0];", "4:13", "must be an integer from 1 to 1024"),
        # found beside it: a physical qubit as an angle became a parameter named '$100000000'
        ("rx($100000000) q[0];", "4:4", "'$100000000' is a physical qubit, not a number"),
        ("gphase($3);", "4:8", "'$3' is a physical qubit, not a number"),
    ],
)
def test_physical_qubits_where_numbers_belong_are_errors(body: str, where: str, text: str) -> None:
    program = H3 + body
    (first, *_) = _errors(program)
    assert first.startswith(f"<input>:{where}: ") and text in first
    with pytest.raises(QasmError):
        load(program)


def test_input_float_sizes_still_load() -> None:
    qc = load(H3 + "input float[32] a;\ninput float b;\ninput angle[20] c;\nrx(a + b + c) q[0];")
    assert sorted(p.name for p in qc.parameters) == ["a", "b", "c"]
