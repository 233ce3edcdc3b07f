"""KetGPT tokenizer and canonical form: angle grid, canonicalisation, HF round trip, strict word reading."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.quantum_info import Operator
from qiskit.synthesis import synth_qft_full

from qgen.circuits import load
from qgen.errors import QgenError
from qgen.generate.errors import TokenizerError
from qgen.generate.ketgpt.canonical import canonicalize, from_words, words_to_qasm
from qgen.generate.ketgpt.gateset import ANGLE_BINS, GATES, angle_word, angle_words, wrap_angle
from qgen.generate.ketgpt.tokenizer import (
    build_tokenizer,
    decode_words,
    encode_words,
    load_tokenizer,
    save_tokenizer,
    vocabulary,
)


@pytest.mark.parametrize(
    ("value", "word"),
    [
        (0.0, "0"),
        (math.pi, "pi"),
        (-math.pi / 2, "-pi/2"),
        (3 * math.pi / 8, "3*pi/8"),
        (2 * math.pi, "2*pi"),
        (-2 * math.pi, "2*pi"),
        (math.pi / 2**19, "pi/524288"),
        (-math.pi / 2**20, "-pi/1048576"),
        (5 * math.pi, "pi"),  # wrapped by 4 pi
        (1.0, "1.0063"),  # bin centre
    ],
)
def test_angle_words(value: float, word: str) -> None:
    assert angle_word(value) == word


def test_angle_grid_is_fine_and_complete() -> None:
    words = angle_words()
    assert len(words) == len(set(words)) == 66 + ANGLE_BINS
    rng = np.random.default_rng(0)
    for x in rng.uniform(-2 * math.pi, 2 * math.pi, 200):
        w = angle_word(x)
        assert w in words
        if "pi" not in w:
            assert abs(float(w) - x) <= 2 * math.pi / ANGLE_BINS + 1e-4  # half a bin width + rounding
    assert -2 * math.pi < wrap_angle(-2 * math.pi) <= 2 * math.pi


def test_wrapping_keeps_controlled_rotations() -> None:
    """Angles are wrapped by 4 pi, which keeps even controlled rotations (period 4 pi) equal."""
    a, b = QuantumCircuit(2), QuantumCircuit(2)
    a.crz(5.0 * math.pi / 2, 0, 1)
    b.crz(wrap_angle(5.0 * math.pi / 2), 0, 1)
    assert Operator(a).equiv(Operator(b)) and Operator(a) == Operator(b)


def test_canonical_form_is_exact_for_qft() -> None:
    """The QFT (angles pi/2^k) goes through canonicalisation and QASM text without any change of unitary."""
    qc = synth_qft_full(5)
    c = canonicalize(qc)
    assert {st.gate for st in c.statements} <= set(GATES)
    assert Operator(load(c.qasm())).equiv(Operator(qc))
    assert canonicalize(c.qasm()) == c  # idempotent


def test_canonicalize_flattens_registers_and_aliases() -> None:
    text = (
        'OPENQASM 2.0; include "qelib1.inc"; qreg a[2]; qreg b[1]; creg m[3];'
        "u2(0,pi) a[1]; u1(pi/4) b[0]; cu1(pi/2) a[0],b[0]; u3(pi,0,pi) a[0]; barrier a;"
        "measure a[0] -> m[0];"
    )
    c = canonicalize(text)
    assert c.num_qubits == 3
    expected = "n3 u pi/2 0 pi q1 p pi/4 q2 cp pi/2 q0 q2 u pi 0 pi q0"
    assert " ".join(c.words()) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; creg c[2]; measure q[0] -> c[0]; h q[0];',
            "'measure'",
        ),
        ('OPENQASM 2.0; include "qelib1.inc"; qreg q[40]; h q[0];', "40 qubits"),
        ("OPENQASM 2.0; qreg q[1]; foo q[0];", "does not parse"),
    ],
)
def test_canonicalize_refuses(text: str, message: str) -> None:
    with pytest.raises(TokenizerError, match=message):
        canonicalize(text, max_qubits=32)


def test_hf_tokenizer_round_trip(tmp_path) -> None:
    from transformers import AutoTokenizer

    tok = build_tokenizer(max_qubits=6)
    assert tok.convert_ids_to_tokens(list(range(len(tok)))) == vocabulary(6)
    save_tokenizer(tok, tmp_path)
    plain = AutoTokenizer.from_pretrained(str(tmp_path))  # transformers alone can load it
    again = load_tokenizer(tmp_path)
    c = canonicalize(synth_qft_full(4))
    ids = encode_words(again, c.words())
    assert plain(c.qasm())["input_ids"] == ids == tok(c.qasm())["input_ids"]
    assert ids[0] == tok.bos_token_id and ids[-1] == tok.eos_token_id
    assert decode_words(plain, ids + [tok.pad_token_id]) == c.words()
    assert from_words(decode_words(plain, ids)) == c
    with pytest.raises(TokenizerError, match="'q9'"):
        encode_words(tok, ["n2", "h", "q9"])


def test_load_tokenizer_errors(tmp_path) -> None:
    with pytest.raises(QgenError, match="qgen_tokenizer.json"):
        load_tokenizer(tmp_path)


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["h", "q0"], "register size"),
        (["n2", "cx", "q0", "q0"], "repeated"),
        (["n2", "h", "q2"], "outside the register"),
        (["n2", "rz", "q0", "q1"], "angle"),
        (["n2", "cx", "q0"], "cut off"),
        (["n2", "q0"], "expected a gate"),
    ],
)
def test_from_words_errors(words: list[str], message: str) -> None:
    with pytest.raises(TokenizerError, match=message):
        from_words(words)
    with pytest.raises(QgenError):  # the unchecked text of an invalid sequence does not load either
        load(words_to_qasm(words))
