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
    assert gp.num_qubits == 3
    assert gp.messages[-1]["content"] == "QAOA qaoa, 2 layers, 3 qubits. MaxCut: 0-1 1-2"
    # MaxCut energy = -(cut edges): |010> cuts both edges
    diag = np.real(gp.hamiltonian.to_matrix().diagonal())
    assert diag[0b010] == pytest.approx(-2.0) and diag[0] == pytest.approx(0.0)
    with pytest.raises(LLMError, match="not found"):
        read_graph(tmp_path / "missing.json")


@pytest.mark.parametrize(
    ("text", "edges"),
    [
        ('{"nodes": [0, 1, 2], "edges": [[0, 1], [1, 2]]}', [(0, 1, None), (1, 2, None)]),
        ('{"nodes": [0, 1, 2], "edges": [[0, 1, 2.5], [1, 2, 1]]}', [(0, 1, 2.5), (1, 2, 1.0)]),
        ('{"edges": [[0, 1], [1, 2]]}', [(0, 1, None), (1, 2, None)]),
        (
            '{"directed": false, "multigraph": false, "graph": {},'
            ' "nodes": [{"id": 0}, {"id": 1}, {"id": 2}],'
            ' "edges": [{"source": 0, "target": 1, "weight": 3}, {"source": 1, "target": 2, "weight": 1}]}',
            [(0, 1, 3), (1, 2, 1)],
        ),
        ("0 1 2.5\n# a comment\n1 2 1\n", [(0, 1, 2.5), (1, 2, 1.0)]),
        ("0 1\n1 2\n", [(0, 1, None), (1, 2, None)]),
    ],
)
def test_every_graph_form_reads(tmp_path, text, edges):
    f = tmp_path / "g"
    f.write_text(text)
    g = read_graph(f)
    assert sorted((u, v, d.get("weight")) for u, v, d in g.edges(data=True)) == edges
    weighted = edges[0][2] is not None
    gp = graph_prompt("weighted_maxcut" if weighted else "maxcut", g)
    assert gp.messages[-1]["content"].endswith("0-1:2.5 1-2:1" if edges[0][2] == 2.5 else "")
    assert gp.num_qubits == 3


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("0 1 2 3\n", "expected `u v \\[w\\]`"),
        ('{"nodes": [0, 1]}', "an object with an `edges`"),
        ('{"edges": [[0, 1, 2, 3]]}', "edge 0: expected \\[u, v\\] or \\[u, v, w\\]"),
        ('{"edges": [["a", 1]]}', "not a graph"),
        ("[1, 2]", "an object with an `edges`"),
        ("a b\n", "not a graph"),
        ("{nope", "not a graph"),
        ('{"edges": []}', "no edges"),
        ("0 1\n2 5\n", "nodes must be 0..n-1"),
    ],
)
def test_bad_graph_files_say_which_forms_work(tmp_path, text, match):
    f = tmp_path / "bad"
    f.write_text(text)
    with pytest.raises(LLMError, match=match) as err:
        read_graph(f)
    if "not a graph" in match:
        assert "node-link JSON" in str(err.value) and "`u v [w]` lines" in str(err.value)
