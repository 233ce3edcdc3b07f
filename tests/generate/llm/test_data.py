"""Chat data of the LLM generator: completion-only SFT labels, graph prompts and graph files."""

from __future__ import annotations

import numpy as np
import pytest

from qgen.generate.errors import LLMError
from qgen.generate.llm.data import IGNORE_INDEX, encode_example, graph_prompt, read_graph


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
