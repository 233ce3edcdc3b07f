"""The generator's tokenizer: one word per gate, qubit, angle and register size, as a HF fast tokenizer.

Why not KetGPT's one-token-per-QASM-line: a line vocabulary has tens of thousands of entries, most seen once,
and cannot express a line it never saw. Here a statement ``cp(pi/4) q[3],q[1];`` is four words
``cp pi/4 q3 q1``; punctuation is implied by each gate's fixed number of angles and qubits, so sequences are
short (2-5 words per gate) and the vocabulary is small (a few hundred words: :data:`GATES`, ``q0..q{W-1}``,
``n1..n{W}``, 322 angle words). A grammar over these words is a small state machine, which is what makes
constrained decoding (:mod:`qgen.generate.ketgpt.constrained`) cheap and exact.

The tokenizer is a ``tokenizers`` WordLevel model whose normaliser strips the QASM punctuation of canonical
OpenQASM 2.0 (what :func:`qgen.generate.ketgpt.canonical.canonicalize` writes and the model emits), wrapped as
a ``PreTrainedTokenizerFast``: ``save_pretrained`` / ``AutoTokenizer.from_pretrained`` round-trip it, and
``tokenizer(canonical_qasm)`` gives ``<s> n3 h q0 ... </s>`` ids. ``qgen_tokenizer.json`` beside it records
the gate table and width so that the grammar can be rebuilt from the folder alone.

>>> tok = build_tokenizer(max_qubits=4)
>>> text = 'OPENQASM 2.0;\\ninclude "qelib1.inc";\\nqreg q[2];\\nh q[0];\\ncx q[0],q[1];\\n'
>>> tok.convert_ids_to_tokens(tok(text)["input_ids"])
['<s>', 'n2', 'h', 'q0', 'cx', 'q0', 'q1', '</s>']
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from qgen.generate.errors import ModelError, TokenizerError
from qgen.generate.ketgpt.gateset import GATES, angle_words
from qgen.optional import require

PAD, BOS, EOS, UNK = "<pad>", "<s>", "</s>", "<unk>"
SPECIALS = (PAD, BOS, EOS, UNK)
META_FILE = "qgen_tokenizer.json"
FORMAT = 1


def vocabulary(max_qubits: int) -> list[str]:
    """All words, in id order: specials, sizes ``n1..nW``, gates, qubits ``q0..q{W-1}``, angles."""
    return [
        *SPECIALS,
        *(f"n{k}" for k in range(1, max_qubits + 1)),
        *GATES,
        *(f"q{k}" for k in range(max_qubits)),
        *angle_words(),
    ]


def build_tokenizer(max_qubits: int = 32):
    """Build the word-level fast tokenizer for circuits up to ``max_qubits`` qubits.

    Args:
        max_qubits: the widest register the vocabulary can write (sizes ``n1..nW``, qubits ``q0..q{W-1}``).

    Returns:
        A ``transformers.PreTrainedTokenizerFast`` with ``<s>``, ``</s>``, ``<pad>``, ``<unk>``.
    """
    require("tokenizers", extra="generate", purpose="the KetGPT tokenizer")
    require("transformers", extra="generate", purpose="the KetGPT tokenizer")
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    if max_qubits < 1:
        raise TokenizerError(f"max_qubits must be at least 1, got {max_qubits}")
    vocab = {w: i for i, w in enumerate(vocabulary(max_qubits))}
    core = Tokenizer(models.WordLevel(vocab, unk_token=UNK))
    core.normalizer = normalizers.Sequence(
        [
            normalizers.Replace("OPENQASM 2.0;", " "),
            normalizers.Replace('include "qelib1.inc";', " "),
            normalizers.Replace("qreg q[", " n"),
            normalizers.Replace("q[", " q"),
            normalizers.Replace(Regex(r"[(),;\]]"), " "),
        ]
    )
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    core.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A {EOS}", special_tokens=[(BOS, vocab[BOS]), (EOS, vocab[EOS])]
    )
    core.decoder = decoders.WordPiece(prefix="##", cleanup=False)  # joins words with spaces
    tok = PreTrainedTokenizerFast(
        tokenizer_object=core, bos_token=BOS, eos_token=EOS, pad_token=PAD, unk_token=UNK
    )
    return tok


def tokenizer_meta(tokenizer) -> dict:
    """What ``qgen_tokenizer.json`` records: format, width, gate table."""
    width = sum(1 for w in tokenizer.get_vocab() if w.startswith("n") and w[1:].isdigit())
    return {
        "format": FORMAT,
        "max_qubits": width,
        "gates": {g: list(GATES[g]) for g in GATES},
        "angle_words": len(angle_words()),
    }


def save_tokenizer(tokenizer, directory: str | os.PathLike) -> None:
    """``save_pretrained`` plus ``qgen_tokenizer.json`` (gate table and width)."""
    tokenizer.save_pretrained(str(directory))
    Path(directory, META_FILE).write_text(json.dumps(tokenizer_meta(tokenizer), indent=2), encoding="utf-8")


def load_tokenizer(directory: str | os.PathLike):
    """Load a tokenizer saved by :func:`save_tokenizer` (with ``AutoTokenizer``) and check its gate table.

    Raises:
        ModelError: the folder has no tokenizer, or its gate table differs from this qgen's.
    """
    AutoTokenizer = require("transformers", extra="generate", purpose="the KetGPT tokenizer").AutoTokenizer

    path = Path(directory)
    meta_path = path / META_FILE
    if not meta_path.is_file():
        raise ModelError(f"{path}: no {META_FILE}; is this a model folder written by 'qgen train ketgpt'?")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    gates = {g: list(GATES[g]) for g in GATES}
    if meta.get("format") != FORMAT or meta.get("gates") != gates:
        raise ModelError(f"{path}: the tokenizer was written for another gate set or format; retrain it")
    return AutoTokenizer.from_pretrained(str(path))


def encode_words(tokenizer, words: list[str], add_special: bool = True) -> list[int]:
    """Ids of a word sequence (``<s>`` ... ``</s>`` around it when ``add_special``).

    Raises:
        TokenizerError: a word is outside the vocabulary (e.g. a qubit beyond the tokenizer's width).
    """
    vocab = tokenizer.get_vocab()
    try:
        ids = [vocab[w] for w in words]
    except KeyError as exc:
        raise TokenizerError(f"word {exc.args[0]!r} is not in the tokenizer's vocabulary") from None
    return [vocab[BOS], *ids, vocab[EOS]] if add_special else ids


def decode_words(tokenizer, ids) -> list[str]:
    """Words of an id sequence, without specials; stops at the first ``</s>``."""
    eos, specials = tokenizer.eos_token_id, set(tokenizer.all_special_ids)
    out = []
    for i in (int(x) for x in ids):
        if i == eos:
            break
        if i not in specials:
            out.append(tokenizer.convert_ids_to_tokens(i))
    return out
