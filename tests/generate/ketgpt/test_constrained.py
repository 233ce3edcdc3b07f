"""The grammar constraint: every sequence sampled through the mask is a valid program, at any budget."""

from __future__ import annotations

import pytest
import torch

from qgen.circuits import load
from qgen.generate.ketgpt.canonical import from_words
from qgen.generate.ketgpt.constrained import GrammarTables, QasmGrammarProcessor
from qgen.generate.ketgpt.tokenizer import build_tokenizer, decode_words


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


def _undo_pairs(circuit) -> int:
    """Statements that undo the previous statement on the same qubits (nothing in between on them)."""
    from qgen.generate.ketgpt.constrained import INVERSES, SYMMETRIC

    last: dict[int, int] = {}
    count = 0
    for i, st in enumerate(circuit.statements):
        before = {last.get(q) for q in st.qubits}
        if len(before) == 1 and (j := before.pop()) is not None:
            prev = circuit.statements[j]
            same_qubits = (
                set(prev.qubits) == set(st.qubits) if st.gate in SYMMETRIC else prev.qubits == st.qubits
            )
            if INVERSES.get(st.gate) == prev.gate and same_qubits and not st.angles:
                count += 1
        for q in st.qubits:
            last[q] = i
    return count


def test_cancel_free_masks_statements_that_undo_the_previous_one(tok) -> None:
    vocab = tok.get_vocab()
    tables = GrammarTables.from_tokenizer(tok)
    sizes = [1, 2, 3, 4, 8] * 16
    prompt = torch.tensor([[tok.bos_token_id, vocab[f"n{k}"]] for k in sizes])
    # logits that love h, cx, cz, s/sdg and the lowest qubits: without the rule, undo pairs are everywhere
    bias = torch.zeros(len(tok))
    for word, b in [("h", 4.0), ("cx", 3.0), ("cz", 3.0), ("s", 2.0), ("sdg", 2.0), ("q0", 3.0), ("q1", 3.0)]:
        bias[vocab[word]] = b

    def roll(cancel_free: bool) -> list:
        proc = QasmGrammarProcessor(tables, max_length=80, min_length=70, cancel_free=cancel_free)
        gen = torch.Generator().manual_seed(3)
        ids, done = prompt, torch.zeros(len(prompt), dtype=torch.bool)
        for _ in range(78):
            scores = proc(ids, torch.randn(len(ids), len(tok), generator=gen) + bias)
            assert torch.isfinite(scores).any(dim=1).all()
            nxt = torch.multinomial(scores.softmax(-1), 1, generator=gen)[:, 0]
            nxt = torch.where(done, torch.full_like(nxt, tok.pad_token_id), nxt)
            done |= nxt == tok.eos_token_id
            ids = torch.cat([ids, nxt[:, None]], dim=1)
        return [
            from_words([f"n{k}", *decode_words(tok, r[2:])]) for r, k in zip(ids.tolist(), sizes, strict=True)
        ]

    plain = sum(_undo_pairs(c) for c in roll(False))
    free = roll(True)
    assert plain > 50
    # none at all from 3 qubits up; on 1-2 qubits a 2-qubit gate can be forced into a pair (cz q0,q1 then
    # cz on 2 qubits), which the rule lets through rather than dead-ending
    assert sum(_undo_pairs(c) for c, k in zip(free, sizes, strict=True) if k >= 3) == 0
    assert sum(_undo_pairs(c) for c in free) < plain / 10
    assert all(load(c.qasm()).num_qubits == k for c, k in zip(free, sizes, strict=True))


def test_cancel_free_lets_a_pair_through_rather_than_dead_ending(tok) -> None:
    vocab = tok.get_vocab()
    proc = QasmGrammarProcessor(GrammarTables.from_tokenizer(tok), max_length=20, cancel_free=True)
    ids = torch.tensor([[tok.bos_token_id, vocab["n1"], vocab["h"], vocab["q0"], vocab["h"]]])
    scores = proc(ids, torch.zeros(1, len(tok)))
    assert torch.isfinite(scores[0, vocab["q0"]])  # the only qubit of a 1-qubit register stays allowed
    ids = torch.tensor([[tok.bos_token_id, vocab["n2"], vocab["h"], vocab["q0"], vocab["h"]]])
    scores = proc(ids, torch.zeros(1, len(tok)))
    assert not torch.isfinite(scores[0, vocab["q0"]]) and torch.isfinite(scores[0, vocab["q1"]])
    # cx a,b after cx a,b is masked; after cx b,a it is not; cz b,a after cz a,b is masked (symmetric)
    for gate, first, second, masked in [("cx", (0, 1), (0, 1), True), ("cx", (1, 0), (0, 1), False),
                                        ("cz", (1, 0), (0, 1), True)]:  # fmt: skip
        words = ["n3", gate, f"q{first[0]}", f"q{first[1]}", gate, f"q{second[0]}"]
        ids = torch.tensor([[tok.bos_token_id, *(vocab[w] for w in words)]])
        scores = proc(ids, torch.zeros(1, len(tok)))
        assert torch.isfinite(scores[0, vocab[f"q{second[1]}"]]) != masked
    # rotations about one axis merge: rz after rz on the same qubit, cp in either order, whatever the angles
    merge_cases = [
        (["n3", "rz", "pi/4", "q1", "rz", "0.5000"], "q1", True),
        (["n3", "rz", "pi/4", "q1", "rx", "0.5000"], "q1", False),
        (["n3", "cp", "pi/2", "q0", "q2", "cp", "pi/8", "q2"], "q0", True),
        (["n3", "crx", "pi/2", "q0", "q2", "crx", "pi/8", "q2"], "q0", False),
    ]
    for words, last, masked in merge_cases:
        ids = torch.tensor([[tok.bos_token_id, *(vocab[w] if w in vocab else vocab["pi"] for w in words)]])
        scores = proc(ids, torch.zeros(1, len(tok)))
        assert torch.isfinite(scores[0, vocab[last]]) != masked
    # an intervening gate on one of the qubits breaks the pair
    words = ["n3", "cx", "q0", "q1", "t", "q1", "cx", "q0"]
    scores = proc(torch.tensor([[tok.bos_token_id, *(vocab[w] for w in words)]]), torch.zeros(1, len(tok)))
    assert torch.isfinite(scores[0, vocab["q1"]])
