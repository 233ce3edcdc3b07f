"""qgen.circuits.validate: OpenQASM 2/3 diagnostics with exact positions, free parameters."""

from __future__ import annotations

import random

import pytest
import qiskit.qasm3
from qasm_cases import H2, H3, MALFORMED, WELL_FORMED  # noqa: E402

from qgen.circuits.validate import (
    Diagnostic,
    free_parameters,
    qasm_version,
    validate,
    with_free_parameters_declared,
)
from qgen.errors import QasmError


@pytest.mark.parametrize(
    ("program", "line", "column", "text"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_program_is_reported_at_its_position(program, line, column, text):
    diagnostics = validate(program, filename="bad.qasm")
    assert diagnostics, "expected at least one diagnostic"
    first = diagnostics[0]
    assert (first.line, first.column) == (line, column), first.format()
    assert text in first.message
    assert first.file == "bad.qasm" and first.severity == "error"


def test_malformed_cases_are_distinct_and_many():
    assert len({case[1] for case in MALFORMED}) == len(MALFORMED) >= 35
    assert len({case[0] for case in MALFORMED}) == len(MALFORMED)


def test_all_semantic_errors_are_reported_in_source_order():
    program = H3 + "qubit[2] q;\nh r;\nfoo q[0];\ncx q[0];\nrx(0.1) q[7];\n"
    found = [(d.line, d.column, d.message) for d in validate(program)]
    assert [(line, col) for line, col, _ in found] == [(4, 3), (5, 1), (6, 1), (7, 11)]
    assert "undefined qubit register 'r'" in found[0][2]
    assert "undefined gate 'foo'" in found[1][2]
    assert "takes 2 qubits, got 1" in found[2][2]
    assert "qubit index 7 out of range" in found[3][2]


def test_a_syntax_error_is_the_only_diagnostic():
    program = H3 + "qubit q;\nfoo q;\nh q[0\nbar q;\n"
    [only] = validate(program)
    assert (only.line, only.column) == (6, 1) and "'bar'" in only.message


@pytest.mark.parametrize("program", list(WELL_FORMED.values()), ids=list(WELL_FORMED))
def test_well_formed_program_has_no_diagnostics(program):
    assert [d.format() for d in validate(program)] == []


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("OPENQASM 2.0;\nqreg q[1];", 2),
        ("OPENQASM 2;", 2),
        ("OPENQASM 3.0;", 3),
        ("OPENQASM 3;\nqubit q;", 3),
        ("// comment\n\n/* block\n */  OPENQASM 3.0;", 3),
        ("\n\n   OPENQASM 2.0 ;", 2),
        ("OPENQASM 4.0;", None),
        ("OPENQASM 3.1;", None),
        ("qubit q;\nOPENQASM 3.0;", None),
        ("// OPENQASM 3.0;", None),
        ("OPENQASMX 3.0;", None),
        ("", None),
    ],
)
def test_qasm_version(text, version):
    assert qasm_version(text) == version


@pytest.mark.parametrize(
    ("program", "names"),
    [
        (
            H3 + "qubit q;\nrx(beta) q;\nry(alpha + beta * pi) q;\nrz(gamma / τ - euler) q;\n",
            ["beta", "alpha", "gamma"],
        ),
        (H3 + "input float[64] theta;\nqubit q;\nrx(theta) q;\nry(phi) q;\n", ["phi"]),
        (H3 + "gate g(t) a { rx(t) a; }\nqubit q;\ng(w) q;\n", ["w"]),
        (H3 + "qubit q;\nfor int i in [0:1] { rx(i * k) q; }\n", ["k"]),
        (H3 + "qubit q;\nrx(pi) q;\n", []),
        (H2 + "qreg q[1];\nrx(theta) q[0];\n", []),  # QASM 2: not parameters but errors
        ("OPENQASM 3.0;\nqubit q\nrx(theta) q;\n", []),  # does not parse
        ("no header", []),
    ],
)
def test_free_parameters(program, names):
    assert free_parameters(program) == names


def test_with_free_parameters_declared_inserts_inputs_after_includes():
    program = H3 + "// body\nqubit[2] q;\nrx(alpha) q[0];\nry(beta) q[1];\nrz(alpha) q[1];\n"
    declared = with_free_parameters_declared(program)
    lines = declared.splitlines()
    assert lines[:4] == [
        "OPENQASM 3.0;",
        'include "stdgates.inc";',
        "input float[64] alpha;",
        "input float[64] beta;",
    ]
    assert lines[4:] == program.splitlines()[2:]
    circuit = qiskit.qasm3.loads(declared)
    assert sorted(p.name for p in circuit.parameters) == ["alpha", "beta"]
    assert free_parameters(declared) == []


def test_with_free_parameters_declared_on_one_line_program():
    program = WELL_FORMED["qasm3-one-line"]
    circuit = qiskit.qasm3.loads(with_free_parameters_declared(program))
    assert sorted(p.name for p in circuit.parameters) == ["a", "b"]


def test_with_free_parameters_declared_without_include():
    program = "OPENQASM 3.0;\nqubit q;\nU(theta, 0, 0) q;\n"
    declared = with_free_parameters_declared(program)
    assert declared.startswith("OPENQASM 3.0;\ninput float[64] theta;\n")
    assert [p.name for p in qiskit.qasm3.loads(declared).parameters] == ["theta"]


@pytest.mark.parametrize(
    "program",
    [H3 + "qubit q;\nrx(0.5) q;\n", H2 + "qreg q[1];\nrx(theta) q[0];\n", "garbage", ""],
    ids=["no-free", "qasm2", "garbage", "empty"],
)
def test_with_free_parameters_declared_leaves_other_text_alone(program):
    assert with_free_parameters_declared(program) == program


def test_diagnostic_format_and_error():
    plain = Diagnostic(3, 7, "undefined gate 'foo'")
    assert plain.format() == "<input>:3:7: undefined gate 'foo'"
    named = Diagnostic(3, 7, "undefined gate 'foo'", file="circ.qasm")
    assert named.format() == "circ.qasm:3:7: undefined gate 'foo'"
    assert Diagnostic(1, 2, "odd", severity="warning").format() == "<input>:1:2: warning: odd"
    error = named.to_error()
    assert isinstance(error, QasmError)
    assert (error.file, error.line, error.column, error.message) == (
        "circ.qasm",
        3,
        7,
        "undefined gate 'foo'",
    )
    assert str(error) == "circ.qasm:3:7: undefined gate 'foo'"
    assert error.diagnostics == [named]


def test_diagnostic_is_frozen():
    with pytest.raises(AttributeError):
        Diagnostic(1, 1, "x").line = 2  # type: ignore[misc]


def _garbage(seed: int) -> str:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))).decode("latin-1")


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \n\t\n",
        "OPENQASM",
        "OPENQASM 3.0;",
        "OPENQASM 2.0;",
        "OPENQASM 3.0;\x00\x01\xff",
        "OPENQASM 3.0;\n/* unterminated",
        'OPENQASM 3.0;\ninclude "stdgates.inc',
        "OPENQASM 3.0;\nqubit q;\nU(" + "(" * 3000 + "1" + ")" * 3000 + ", 0, 0) q;\n",
        *(_garbage(seed) for seed in range(20)),
        *("OPENQASM 3.0;\n" + _garbage(seed) for seed in range(20, 30)),
        *("OPENQASM 2.0;\n" + _garbage(seed) for seed in range(30, 40)),
    ],
)
def test_validate_never_raises(text):
    diagnostics = validate(text)
    assert all(isinstance(d, Diagnostic) and d.line >= 1 and d.column >= 1 for d in diagnostics)
    free_parameters(text)
    with_free_parameters_declared(text)


def test_validate_accepts_bytes():
    assert validate(b"OPENQASM 3.0;\nqubit q;\n") == []
