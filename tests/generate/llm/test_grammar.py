"""Grammar-constrained OpenQASM 3 decoding of the LLM generator: prefixes, gates, where the text may end."""

from __future__ import annotations

import pytest

from qgen.circuits import validate
from qgen.generate.llm.grammar import GATES, ProgramState, finish_program, header

PROGRAM = (
    header(3)
    + "h q[0];\ncx q[0], q[2];\nrz(4.772154331207275) q[2];\nrx(-2.18e-1) q[1];\ncrz(0.5) q[2], q[1];\n"
)


def test_grammar_accepts_a_dataset_style_program_char_by_char():
    state = ProgramState(3)
    for ch in PROGRAM:
        assert state.allows(ch), repr(state.text + ch)
        state.advance(ch)
    assert state.can_end()
    assert validate(PROGRAM) == []


@pytest.mark.parametrize(
    ("prefix", "piece", "ok"),
    [
        ("", "OPENQ", True),
        ("", "OPENQASM 2", False),
        ("", header(3), True),
        (header(3), "cx q[1], q[1]", False),  # equal operands
        (header(3), "cx q[1], q[2]", True),
        (header(3), "h q[3]", False),  # out of range
        (header(3), "h q[2];\nrz(", True),
        (header(3), "rz(pi)", False),  # numeric angles only
        (header(3), "measure", False),
        (header(3) + "h q[0];\n", "\n", False),  # no blank lines
    ],
)
def test_grammar_prefixes(prefix, piece, ok):
    state = ProgramState(3)
    state.advance(prefix)
    assert state.allows(piece) is ok


@pytest.mark.parametrize("gate", sorted(GATES))
def test_every_grammar_gate_parses(gate):
    angles, qubits = GATES[gate]
    line = gate + ("(0.25)" if angles else "") + " " + ", ".join(f"q[{i}]" for i in range(qubits)) + ";\n"
    state = ProgramState(2)
    state.advance(header(2))
    assert state.allows(line)
    assert validate(header(2) + line) == []


def test_end_only_after_a_complete_gate_line():
    state = ProgramState(2)
    state.advance(header(2))
    assert not state.can_end()
    state.advance("h q[1];")
    assert not state.can_end()
    state.advance("\n")
    assert state.can_end()
    assert finish_program(header(2) + "h q[1];\ncx q[1], q[") == header(2) + "h q[1];\n"


COMPACT = (
    'OPENQASM 3.0;\ninclude "stdgates.inc";\ngate zz(t) a, b { cx a, b; rz(t) b; cx a, b; }\n'
    "gate layer(a0, a1) q0, q1, q2 { zz(a0) q0, q1; zz(-1.5*a0) q1, q2; rz(-a0) q2; rx(2*a1) q0; }\n"
    "qubit[3] q;\nh q;\nlayer(0.25, -1.5) q[0], q[1], q[2];\nlayer(2.5e-3, 3) q[0], q[1], q[2];\n"
)


def test_grammar_accepts_the_compact_form_char_by_char():
    state = ProgramState(3)
    for ch in COMPACT:
        assert state.allows(ch), repr(state.text + ch)
        state.advance(ch)
    assert state.can_end() and state.layer == 2 and state.zz
    assert validate(COMPACT) == []


@pytest.mark.parametrize(
    ("prefix", "piece", "ok"),
    [
        (COMPACT.split("qubit")[0], "qubit[3] q;\nlayer(1) q[0], q[1], q[2]", False),  # 2 parameters
        (COMPACT.split("qubit")[0], "qubit[3] q;\nlayer(1, 2) q[0], q[1]", True),
        (COMPACT.split("qubit")[0], "qubit[3] q;\nlayer(1, 2) q[0], q[2]", False),  # all qubits, in order
        ('OPENQASM 3.0;\ninclude "stdgates.inc";\n', "gate layer(a0) q0, q1 { cx q0, q0;", False),
        ('OPENQASM 3.0;\ninclude "stdgates.inc";\n', "gate layer(a0) q0, q1 { rz(a1) q0;", False),
        ('OPENQASM 3.0;\ninclude "stdgates.inc";\n', "gate layer(a0) q0, q1 { rz(3*a0) q1; }\n", True),
        ('OPENQASM 3.0;\ninclude "stdgates.inc";\n', "gate layer(a0) q0, q1 { zz(a0) q0, q1;", False),
        ('OPENQASM 3.0;\ninclude "stdgates.inc";\n', "qubit[3] q;\nzz(1) q[0], q[1]", False),  # undefined
        ('OPENQASM 3.0;\ninclude "stdgates.inc";\n', "qubit[3] q;\nlayer(1)", False),
    ],
)
def test_compact_grammar_prefixes(prefix, piece, ok):
    state = ProgramState(3 if "q2" in prefix or "qubit[3]" in piece or "q[2]" in piece else 2)
    state.advance(prefix)
    assert state.allows(piece) is ok


def test_a_program_near_its_budget_closes_its_layer_and_declares_its_qubits():
    from qgen.generate.llm.grammar import ProgramState

    st = ProgramState(2)
    st.advance('OPENQASM 3.0;\ninclude "stdgates.inc";\ngate layer(a0) q0, q1 { h q0;')
    assert st.allows(" h q1;") and st.allows(" }")
    st.start_closing()  # one more statement at most, then the body must end
    st.advance(" h q1;")
    assert not st.allows(" h q0;") and st.allows(" }")
    st.advance(" }\n")
    assert not st.allows("gate layer(") and st.allows("qubit[2] q;")
    assert st.reserve() > 0
