"""The plain-statement fast parse (qgen/circuits/_qasm_plain_ast.py) gives the tree and errors of ANTLR's."""

from __future__ import annotations

import dataclasses
import time

import pytest
from openqasm3 import ast
from qasm_fuzz import SEEDS, mutants

from qgen.circuits._qasm_gates import parse


def _dump(node: object) -> object:
    """A node as nested plain data, spans included (``==`` on the nodes ignores spans)."""
    if isinstance(node, list):
        return [_dump(x) for x in node]
    if isinstance(node, ast.QASMNode):
        s = node.span
        span = s and (s.start_line, s.start_column, s.end_line, s.end_column)
        found = {"_type": type(node).__name__, "_span": span}
        for f in dataclasses.fields(node):
            if f.name != "span":
                found[f.name] = _dump(getattr(node, f.name))
        return found
    return node


def _assert_same_parse(text: str) -> None:
    fast, full = parse(text, fast=True), parse(text, fast=False)
    assert (fast is None) == (full is None)
    if fast is None:
        return
    assert fast.error == full.error, text
    assert (fast.program is None) == (full.program is None)
    if fast.program is not None:
        assert _dump(fast.program.statements) == _dump(full.program.statements), text


_H3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n'


@pytest.mark.parametrize(
    "body",
    [
        "qreg r[2]; creg c[2]; qubit[3] q; bit[2] b; qubit z; bit e; creg f; qreg g;",
        "qubit[3] q;\nu3(-pi/2, (1+2.5e-1)*3, -0.5) q[0], q;\nrz(-(1.)) q[1]; rx(.5e3 - -2 * -x / 4) q[2];",
        "qubit[2] q; bit[2] c;\nmeasure q[1] -> c[1]; c[0] = measure q[0];\nc = measure q; measure q;",
        "qubit[2] q;\nreset q; reset q[1]; barrier; barrier q, q[0];\n  h q[0]; ctrl @ x q[0], q[1];",
        "qubit[2] q;\nh q[0]; h q[1]  // comment\n; x q[0]; /* c */ cx q[0],\n q[1];",
        "qubit[2] q;\nrx(2pi) q[0]; rx(1_000) q[0]; h q[0],; rx(1,) q[0]; h() q[0]; rx(sin(1)) q[0];",
        "qubit[2] q;\nrx(1ns) q[0]; h $0; qubit[0] z; qreg w[0]; h q[-1]; rx(+1) q[0]; h q[0]",
        "qubit[2] q;\nif (true) h q[0]; h q[1]; for int i in [0:1] { h q[i]; } x q[0];\nmeasure q[0] -> q;",
        "qubit[2] q;\n#pragma x; h q[0];\nh q[1];",
        "qubit[2] q;\nh q[0];\n@ann x; h q[0];\nh q[1];",
        "qubit[2] q;\nh q[0];\nctrl @x q[0], q[1]; h q[1];",
        "qubit[2] q;\nh q[0];\ncx /*q[0], q[1];\nh q[1];",
        "qubit[2] q;\nh q[0];\nh q[1]; defcal x $0 { h q[0]; }\nh q[1];",
        "qubit[2] q;\nh q[0];\nrx(\"1;\") q[0]; h q[1];",
        "qubit[2] q;\ngate g a { h a; }\ng q[0]; inv @ g q[1]; U(0, 0, 0) q[0]; CX q[0], q[1]; gphase(1);",
        "qubit[2] q;\nh q[0]; }\nh q[1];",
        "qubit[2] q;\nh q[0] x q[1];\ncx q[0] q[1];\nh q[1];",
        "qubit[2] q;\nh q[0]; include \"x;h q[0];\";\n",
        "qubit[2] q;\nmeasure q[0] -> c[0] -> d; c[0] = q[0]; c = measure; rx(1e309) q[0];",
    ],
)
def test_plain_statements_parse_as_antlr_does(body: str) -> None:
    _assert_same_parse(_H3 + body)
    _assert_same_parse(_H3.replace("3.0", "2.0").replace("stdgates", "qelib1") + body)


def test_seed12_case6458_unterminated_comment_keeps_the_plain_statements_before_it() -> None:
    """fuzz_bench seed 12, case 6458: a ``/*`` at line 556 sent all 10,800 statements through ANTLR."""
    body = "".join(f"h q[{i % 2}];\n" for i in range(600)) + "cx /*q[0], q[1];\n" + "h q[0];\n" * 100
    text = _H3 + "qubit[2] q;\n" + body
    _assert_same_parse(text)
    from qgen.circuits._qasm_gates import Source, find_header
    from qgen.circuits._qasm_plain_ast import split_plain

    assert len(split_plain(text, find_header(text)[2], Source(text).pos)[1]) == 601


def test_statement_before_the_header_is_left_to_antlr() -> None:
    _assert_same_parse('h q[0];\nOPENQASM 3.0;\ninclude "stdgates.inc";\nqubit q;')


@pytest.mark.slow
def test_corpus_and_mutants_parse_as_antlr_does() -> None:
    texts = [p.read_text() for p in SEEDS if p.stat().st_size < 8000]
    texts += [t.replace("OPENQASM 2.0", "OPENQASM 3.0") for t in texts]
    texts += [t for t in mutants(seed=7, count=150, max_bytes=8000)]
    for text in texts:
        _assert_same_parse(text)


@pytest.mark.slow
def test_plain_statements_parse_several_times_faster() -> None:
    body = "".join(f"rz({i}.5 * pi / 3) q[{i % 8}];\ncx q[{i % 8}], q[{(i + 1) % 8}];\n" for i in range(2500))
    text = _H3 + "qubit[8] q;\nbit[8] c;\n" + body + "c = measure q;\n"
    start = time.perf_counter()
    parse(text, fast=False)
    full = time.perf_counter() - start
    start = time.perf_counter()
    parse(text, fast=True)
    fast = time.perf_counter() - start
    assert fast * 3 < full, (fast, full)
