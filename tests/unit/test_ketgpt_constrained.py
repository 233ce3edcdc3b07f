"""The grammar constraint: every sequence sampled through the mask is a valid program, at any budget."""

from __future__ import annotations

import pytest
import torch

from qgen.circuits import load
from qgen.generate.canonical import from_words
from qgen.generate.constrained import GrammarTables, QasmGrammarProcessor
from qgen.generate.tokenizer import build_tokenizer, decode_words


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny models run fastest on one thread (and do not fight other jobs for the cores)."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


@pytest.fixture(scope="module")
def tok():
    return build_tokenizer(max_qubits=8)


def _roll_out(tok, prompt: torch.Tensor, proc: QasmGrammarProcessor, steps: int, seed: int) -> torch.Tensor:
    """Sample from random logits through the processor, as generate does (pad after </s>)."""
    gen = torch.Generator().manual_seed(seed)
    ids = prompt
    done = torch.zeros(len(prompt), dtype=torch.bool)
    for _ in range(steps):
        scores = torch.randn(len(ids), len(tok), generator=gen) * 3
        scores = proc(ids, scores)
        assert torch.isfinite(scores).any(dim=1).all(), "a row has no allowed word"
        nxt = torch.multinomial(scores.softmax(-1), 1, generator=gen)[:, 0]
        nxt = torch.where(done, torch.full_like(nxt, tok.pad_token_id), nxt)
        done |= nxt == tok.eos_token_id
        ids = torch.cat([ids, nxt[:, None]], dim=1)
        if done.all():
            break
    return ids


@pytest.mark.parametrize("budget", [6, 12, 40])
def test_random_logits_give_valid_programs(tok, budget: int) -> None:
    vocab = tok.get_vocab()
    sizes = [1, 2, 3, 5, 8] * 8
    prompt = torch.tensor([[tok.bos_token_id, vocab[f"n{k}"]] for k in sizes])
    proc = QasmGrammarProcessor(GrammarTables.from_tokenizer(tok), max_length=budget)
    out = _roll_out(tok, prompt, proc, budget - 2, seed=budget)
    assert out.shape[1] <= budget
    for row, k in zip(out.tolist(), sizes, strict=True):
        assert tok.eos_token_id in row  # a proper end within the budget
        words = [f"n{k}", *decode_words(tok, row[2:])]
        circuit = from_words(words)  # raises on any grammar violation
        assert circuit.num_gates >= 1
        assert load(circuit.qasm()).num_qubits == k


def test_size_word_is_constrained_when_not_in_prompt(tok) -> None:
    prompt = torch.full((16, 1), tok.bos_token_id)
    proc = QasmGrammarProcessor(GrammarTables.from_tokenizer(tok), max_length=30, sizes=[3, 4])
    out = _roll_out(tok, prompt, proc, 29, seed=1)
    for row in out.tolist():
        words = decode_words(tok, row)
        assert words[0] in {"n3", "n4"}
        from_words(words)


def test_mask_details(tok) -> None:
    vocab = tok.get_vocab()
    tables = GrammarTables.from_tokenizer(tok)
    proc = QasmGrammarProcessor(tables, max_length=50)
    ids = torch.tensor([[tok.bos_token_id, vocab["n2"], vocab["cx"], vocab["q1"]]])
    allowed = proc(ids, torch.zeros(1, len(tok)))[0].isfinite()
    assert {tok.convert_ids_to_tokens(i) for i in allowed.nonzero()[:, 0].tolist()} == {"q0"}
    ids = torch.tensor([[tok.bos_token_id, vocab["n2"]]])
    allowed = proc(ids, torch.zeros(1, len(tok)))[0].isfinite()
    names = {tok.convert_ids_to_tokens(i) for i in allowed.nonzero()[:, 0].tolist()}
    assert "cx" in names and "ccx" not in names and "</s>" not in names and "q0" not in names
    ids = torch.tensor([[tok.bos_token_id, vocab["n2"], vocab["rz"]]])
    allowed = proc(ids, torch.zeros(1, len(tok)))[0].isfinite()
    names = {tok.convert_ids_to_tokens(i) for i in allowed.nonzero()[:, 0].tolist()}
    assert "pi/4" in names and "1.0063" in names and not any(n.startswith(("q", "n")) for n in names)
    # two positions left: a 1-qubit gate without angles and </s> still fit, cx does not
    ids = torch.tensor([[tok.bos_token_id, vocab["n2"], vocab["h"], vocab["q0"]]])
    short = QasmGrammarProcessor(tables, max_length=7)
    allowed = short(ids, torch.zeros(1, len(tok)))[0].isfinite()
    names = {tok.convert_ids_to_tokens(i) for i in allowed.nonzero()[:, 0].tolist()}
    assert "h" in names and "</s>" in names and "cx" not in names and "rz" not in names


def test_min_length_holds_the_end_back_until_the_floor(tok) -> None:
    vocab = tok.get_vocab()
    sizes = [2, 3, 5] * 8
    prompt = torch.tensor([[tok.bos_token_id, vocab[f"n{k}"]] for k in sizes])
    budget, floor = 40, 32
    tables = GrammarTables.from_tokenizer(tok)
    proc = QasmGrammarProcessor(tables, max_length=budget, min_length=torch.full((len(sizes),), floor))
    out = _roll_out(tok, prompt, proc, budget - 2, seed=7)
    for row, k in zip(out.tolist(), sizes, strict=True):
        end = row.index(tok.eos_token_id)  # 0-based position of </s>
        assert floor <= end < budget
        assert load(from_words([f"n{k}", *decode_words(tok, row[2:])]).qasm()).num_qubits == k
    # at the start </s> is masked even with gates written, and allowed again once no gate fits
    ids = torch.tensor([[tok.bos_token_id, vocab["n2"], vocab["h"], vocab["q0"]]])
    held = QasmGrammarProcessor(tables, max_length=5, min_length=100)
    names = {
        tok.convert_ids_to_tokens(i)
        for i in held(ids, torch.zeros(1, len(tok)))[0].isfinite().nonzero()[:, 0].tolist()
    }
    assert names == {"</s>"}  # one position left: no gate fits, so the end comes before the floor
    early = QasmGrammarProcessor(tables, max_length=50, min_length=20)
    names = {
        tok.convert_ids_to_tokens(i)
        for i in early(ids, torch.zeros(1, len(tok)))[0].isfinite().nonzero()[:, 0].tolist()
    }
    assert "</s>" not in names and "cx" in names
