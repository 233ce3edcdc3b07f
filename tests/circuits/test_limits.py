"""Resource limits: checked before Qiskit sees the program, each with a clear error and a way to raise it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from qgen.circuits import dumps, load, validate
from qgen.circuits.limits import Limits
from qgen.errors import QasmError, QgenError

H2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
H3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'


def _first_error(text: str, **kw) -> str:
    errors = [d for d in validate(text, **kw) if d.severity == "error"]
    assert errors, "expected an error"
    return errors[0].format()


@pytest.mark.parametrize(
    ("program", "where", "field"),
    [
        (H3 + "qubit[4] q;\nfor int i in [0:99999999999999999999] { x q; }", "4:15", "max_loop_iterations"),
        (H3 + "qubit[4] q;\nfor int i in [0:999] { for int j in [0:999] { x q[0]; } }", "4:38",
         "max_loop_iterations"),
        (H3 + "h $100000000;", "3:3", "max_qubits"),
        ("OPENQASM 3.0;\nqubit[100000] q; reset q;", "2:7", "max_qubits"),
        (H2 + "qreg q[100000];\nh q;", "3:1", "max_qubits"),
        (H2 + "qreg a[6000];\nqreg b[6000];", "4:1", "max_qubits"),
        # fuzz_bench seed 11, cases 2462, 3090, 3287, 3960, 5093, 6334, 7088: over 10 s each in Qiskit
        (H2 + "qreg q[4];\ncreg c[100000000];\nmeasure q[0] -> c[0];", "4:1", "max_clbits"),
        (H2 + "creg a[30000];\ncreg b[30000];", "4:1", "max_clbits"),
        # seed 11, case 274: 5 s on a loaded machine, nearly all in Qiskit's OpenQASM 3 exporter
        (H2 + "qreg q[5];\ncreg c[99999];", "4:1", "max_clbits"),
        ("OPENQASM 3.0;\nqubit[2] q;\nbit[100000000] c;", "3:5", "max_clbits"),
        (H3 + "bit[30000] a;\nbit[30000] b;\nqubit q;\nrx(theta) q;", "4:5", "max_clbits"),
        (H3 + "qubit[21] q;\nctrl(20) @ x q[0], q[1], q[2];", "4:1", "max_controls"),
        (H3 + "qubit[9000] q;\nfor int i in [0:999] { h q; }", "4:24", "max_operations"),
        (H2 + "qreg q[1];\ngate g0 a { h a; h a; }\n"
         + "".join(f"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}\n" for i in range(1, 40)) + "g39 q[0];",
         "44:1", "max_operations"),
        (H3 + "qubit[1] q;\ngate g0 a { h a; h a; }\n"
         + "".join(f"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}\n" for i in range(1, 40)) + "g39 q[0];",
         "44:1", "max_operations"),
    ],
)  # fmt: skip
def test_limit_is_reported_with_position_and_remedy(program: str, where: str, field: str) -> None:
    start = time.perf_counter()
    message = _first_error(program)
    assert time.perf_counter() - start < 2
    assert message.startswith(f"<input>:{where}: ") and f"Limits({field}=...)" in message
    assert f"QGEN_QASM_{field.upper()}" in message
    with pytest.raises(QasmError, match=field):
        load(program)


def test_limits_can_be_raised_by_argument_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    program = H3 + "qubit[4] q;\nfor int i in [0:199] { x q[0]; }"
    assert "max_loop_iterations" in _first_error(program, limits=Limits(max_loop_iterations=100))
    assert load(program).num_qubits == 4  # Qiskit keeps the loop as one for_loop instruction
    monkeypatch.setenv("QGEN_QASM_MAX_LOOP_ITERATIONS", "150")
    assert "(200) exceeds qgen's limit of 150" in _first_error(program)
    assert load(program, limits=Limits(max_loop_iterations=1000)).num_qubits == 4
    monkeypatch.setenv("QGEN_QASM_MAX_QUBITS", "lots")
    with pytest.raises(QgenError, match="QGEN_QASM_MAX_QUBITS must be an integer"):
        load(program)
    with pytest.raises(QgenError, match="positive integer"):
        Limits(max_qubits=0)


def test_file_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.qasm"
    path.write_text(H2 + "qreg q[1];\n" + "x q[0];\n" * 200)
    with pytest.raises(QasmError, match=r"big\.qasm:1:1: file size in bytes \(\d+\) exceeds .* 1000"):
        load(path, limits=Limits(max_file_bytes=1000))
    assert load(path).size() == 200
    assert "max_file_bytes" in _first_error(path.read_text(), limits=Limits(max_file_bytes=1000))


def test_ten_controls_round_trip_quickly() -> None:
    qubits = ", ".join(f"q[{i}]" for i in range(11))
    start = time.perf_counter()
    qc = load(H3 + f"qubit[11] q;\nctrl(10) @ x {qubits};")
    again = load(dumps(qc, version=3))
    assert again.num_qubits == 11 and again.size() == 1
    assert time.perf_counter() - start < 10


def test_large_programs_validate_quickly() -> None:
    body = "".join(f"rz(0.{i}) q[{i % 10}];\ncx q[{i % 10}],q[{(i + 1) % 10}];\n" for i in range(10_000))
    start = time.perf_counter()
    assert validate(H2 + "qreg q[10];\n" + body) == []
    assert time.perf_counter() - start < 5


def test_clbit_limit_can_be_raised() -> None:
    program = H2 + "qreg q[1];\ncreg c[60000];\nmeasure q[0] -> c[59999];"
    assert "max_clbits" in _first_error(program)
    assert load(program, limits=Limits(max_clbits=60_000)).num_clbits == 60_000
