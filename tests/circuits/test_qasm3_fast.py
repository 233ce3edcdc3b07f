"""Plain OpenQASM 3 read by Qiskit's Rust OpenQASM 2 importer gives exactly the circuit of the full path."""

from __future__ import annotations

import importlib
import time
from pathlib import Path

import pytest

from qgen.circuits import dumps, load, validate
from qgen.circuits._qasm3_fast import translate
from qgen.circuits.limits import Limits

checking = importlib.import_module("qgen.circuits.validate")
CORPUS = Path(__file__).resolve().parents[1] / "data" / "qasmbench"


@pytest.mark.slow
def test_fast_path_gives_the_same_circuit_as_the_full_checker() -> None:
    fast_count = 0
    for path in sorted(CORPUS.glob("*.qasm")):
        text = dumps(load(path), version=3)
        fast = checking._fast_qasm3(text, Limits())
        slow = checking._validate_slow(text, None, Limits())[1]
        assert slow is not None
        if fast is not None:
            fast_count += 1
            assert fast == slow, path.name
            assert fast.global_phase == pytest.approx(float(slow.global_phase))
    assert fast_count >= 30


@pytest.mark.parametrize(
    "body",
    [
        "ctrl @ x q[0], q[1];",  # modifiers
        "input float[64] t;\nrx(t) q[0];",  # parameters
        "rx(sin(0.1)) q[0];",  # function calls are not OpenQASM 3 gate arguments in qgen
        "h q[0:1];",  # ranges
        "h $0;",  # physical qubits
        "for int i in [0:1] { x q[0]; }",
        "gate h a { x a; }",  # redefinition of a stdgates gate
        "rx(2**3) q[0];",
    ],
)
def test_other_constructs_take_the_full_path(body: str) -> None:
    assert translate('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\n' + body) is None


def test_errors_in_plain_programs_keep_qgen_messages() -> None:
    (d,) = validate('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\ncx q[0], q[0];\n')
    assert d.format() == "<input>:4:10: qubit q[0] used twice in 'cx'"
    (d,) = validate('OPENQASM 3.0;\nqubit[2] q;\nh q[0];\n')
    assert "did you forget 'include \"stdgates.inc\";'" in d.message


@pytest.mark.slow
@pytest.mark.parametrize("version", [2, 3])
def test_hundred_thousand_statements_load_in_seconds(version: int) -> None:
    head = (
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[10];\n'
        if version == 2
        else 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[10] q;\n'
    )
    body = "".join(f"rz(0.{i}) q[{i % 10}];\ncx q[{i % 10}], q[{(i + 1) % 10}];\n" for i in range(50_000))
    start = time.perf_counter()
    assert validate(head + body) == []
    assert load(head + body).size() == 100_000
    assert time.perf_counter() - start < 20  # about 5 s on a loaded 2-core machine; 90 s before


@pytest.mark.slow
def test_long_invalid_programs_are_reported_from_their_beginning() -> None:
    body = "".join(f"rz(0.{i}) q[{i % 10}];\ncx q[{i % 10}], q[{(i + 1) % 10}];\n" for i in range(10_000))
    start = time.perf_counter()
    wrong_include = 'OPENQASM 3.0;\ninclude "qelib1.inc";\nqubit[10] q;\n' + body
    first = validate(wrong_include)[0]
    assert first.format() == (
        "<input>:2:1: cannot include 'qelib1.inc' in an OpenQASM 3 program: use 'stdgates.inc'"
    )
    truncated = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[10];\n' + body + "cx q[0], q[1"
    (last,) = validate(truncated)
    assert last.line == 20_004 and "qiskit.qasm2" in last.message
    assert time.perf_counter() - start < 10  # 20 s and more before


def test_long_qasm2_program_with_an_undefined_gate_is_reported_quickly() -> None:
    body = "".join(f"rz(0.{i}) q[{i % 10}];\ncx q[{i % 10}], q[{(i + 1) % 10}];\n" for i in range(10_000))
    start = time.perf_counter()
    text = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[10];\n' + body + "foo q[0];\nswap q[0], q[1];\n"
    errors = [d.format() for d in validate(text) if d.severity == "error"]
    assert errors == ["<input>:20004:1: undefined gate 'foo'"]
    no_include = "OPENQASM 2.0;\nqreg q[10];\n" + "CX q[0], q[1];\n" * 20_000 + "swap q[0], q[1];"
    (d,) = validate(no_include)
    assert d.format() == "<input>:20003:1: undefined gate 'swap' (did you forget 'include \"qelib1.inc\";'?)"
    assert time.perf_counter() - start < 10
