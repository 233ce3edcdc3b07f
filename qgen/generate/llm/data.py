"""Chat formatting for the LLM generator: SFT examples with the loss on the completion only, few-shot
prompts, and the prompt for a user's graph (the short prompt of the dataset's SFT chat).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qiskit.quantum_info import SparsePauliOp

from qgen.generate.errors import LLMError
from qgen.optional import require
from qgen.registry import Registry

if TYPE_CHECKING:
    import networkx as nx

IGNORE_INDEX = -100  # label of prompt tokens: no loss (PyTorch's cross-entropy ignore_index)

# ChatML, the format of SmolLM2 and Qwen2.5; used when a tokenizer ships no chat template
CHATML_TEMPLATE = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + "
    "'<|im_end|>' + '\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def ensure_chat_template(tokenizer) -> None:
    """Give a tokenizer without a chat template the ChatML one, and a pad token."""
    if not getattr(tokenizer, "chat_template", None):
        tokenizer.chat_template = CHATML_TEMPLATE
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token


def prompt_messages(
    messages: Sequence[Mapping[str, str]], few_shot: Sequence[Sequence[Mapping[str, str]]] = ()
) -> list[dict[str, str]]:
    """The conversation up to the assistant's answer, with ``few_shot`` example exchanges before it."""
    system = [dict(m) for m in messages if m["role"] == "system"][:1]
    shots = [dict(m) for ex in few_shot for m in ex if m["role"] in ("user", "assistant")]
    user = [dict(m) for m in messages if m["role"] == "user"][-1:]
    return system + shots + user


def prompt_ids(tokenizer, messages: Sequence[Mapping[str, str]]) -> list[int]:
    """Token ids of the prompt (chat template with the generation prompt)."""
    ids = tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, tokenize=True)
    if isinstance(ids, Mapping) or hasattr(ids, "input_ids"):
        ids = ids["input_ids"]
    return [int(i) for i in ids]


def encode_example(tokenizer, messages: Sequence[Mapping[str, str]], max_length: int) -> dict[str, list[int]]:
    """One SFT example: prompt ids (labels -100) + response ids + EOS (labelled); truncated on the left
    side of nothing: rows longer than ``max_length`` are cut at the end (their loss stays on the answer).

    Returns:
        ``input_ids``, ``attention_mask``, ``labels`` (lists of ints, equal length).
    """
    answer = [m["content"] for m in messages if m["role"] == "assistant"]
    if not answer:
        raise LLMError("an SFT row needs an assistant message (the circuit)")
    head = prompt_ids(tokenizer, prompt_messages(messages))
    body = tokenizer(answer[-1], add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id]
    ids = (head + body)[:max_length]
    labels = ([IGNORE_INDEX] * len(head) + body)[:max_length]
    return {"input_ids": ids, "attention_mask": [1] * len(ids), "labels": labels}


@dataclass(frozen=True)
class GraphPrompt:
    """A user's problem instance as a prompt: the text, the qubit count and the cost Hamiltonian."""

    messages: list[dict[str, str]]
    num_qubits: int
    hamiltonian: SparsePauliOp
    graph: nx.Graph


GRAPH_PROBLEMS: Registry[Callable[[nx.Graph], tuple[str, str, SparsePauliOp]]] = Registry("graph problem")


def _maxcut(graph: nx.Graph, weighted: bool) -> tuple[str, str, SparsePauliOp]:
    nx = require("networkx", extra="data", purpose="graph problems")
    Maxcut = require("qiskit_optimization.applications", extra="data", purpose="graph problems").Maxcut

    from qgen.datasets.problems.base import from_quadratic_program

    n = graph.number_of_nodes()
    g = nx.convert_node_labels_to_integers(graph, ordering="sorted")
    if weighted:
        for u, v in g.edges():
            g.edges[u, v].setdefault("weight", 1)
    ham = from_quadratic_program(Maxcut(g.copy()).to_quadratic_program(), n)
    return ("weighted MaxCut" if weighted else "MaxCut"), ("weighted_maxcut" if weighted else "maxcut"), ham


GRAPH_PROBLEMS.register("maxcut", lambda g: _maxcut(g, False))
GRAPH_PROBLEMS.register("weighted_maxcut", lambda g: _maxcut(g, True))

GRAPH_FORMS = "node-link JSON (the dataset's `graph` field), {\"nodes\": [...], \"edges\": [[u, v], ...]} " \
    "(optionally [u, v, w]) or `u v [w]` lines"


def _json_graph(data: object, nx) -> nx.Graph:
    if not isinstance(data, dict) or not isinstance(data.get("edges", data.get("links")), list):
        raise ValueError("a JSON graph is an object with an `edges` (or `links`) list")
    edges = data.get("edges", data.get("links"))
    if edges and all(isinstance(e, dict) for e in edges):  # networkx node-link data
        return nx.node_link_graph(data, edges="edges" if "edges" in data else "links")
    graph = nx.Graph()
    for node in data.get("nodes", []):
        graph.add_node(int(node["id"]) if isinstance(node, dict) else int(node))
    for k, e in enumerate(edges):
        if not isinstance(e, list) or len(e) not in (2, 3):
            raise ValueError(f"edge {k}: expected [u, v] or [u, v, w], got {json.dumps(e)}")
        graph.add_edge(int(e[0]), int(e[1]), **({"weight": float(e[2])} if len(e) == 3 else {}))
    return graph


def read_graph(path: str | os.PathLike) -> nx.Graph:
    """A graph from node-link JSON, ``{"nodes": [...], "edges": [[u, v], ...]}`` (optionally ``[u, v, w]``),
    or ``u v [w]`` lines.

    Raises:
        LLMError: the file is missing, empty or none of these forms (the message names them).
    """
    nx = require("networkx", extra="data", purpose="reading graphs")
    p = Path(path)
    if not p.is_file():
        raise LLMError(f"graph file not found: {p}")
    text = p.read_text().strip()
    try:
        if text.startswith(("{", "[")):
            graph = _json_graph(json.loads(text), nx)
        else:
            graph = nx.Graph()
            for k, line in enumerate(text.splitlines(), 1):
                parts = line.split("#")[0].split()
                if not parts:
                    continue
                if len(parts) not in (2, 3):
                    raise ValueError(f"line {k}: expected `u v [w]`, got {line!r}")
                u, v = int(parts[0]), int(parts[1])
                graph.add_edge(u, v, **({"weight": float(parts[2])} if len(parts) == 3 else {}))
    except (ValueError, KeyError, TypeError, AttributeError, nx.NetworkXError) as exc:
        raise LLMError(f"{p}: not a graph ({exc}); use {GRAPH_FORMS}") from None
    if graph.number_of_edges() == 0:
        raise LLMError(f"{p}: the graph has no edges")
    if sorted(graph.nodes) != list(range(graph.number_of_nodes())):
        raise LLMError(f"{p}: nodes must be 0..n-1 (the qubits), got {sorted(graph.nodes)}")
    return graph


def graph_prompt(problem: str, graph: nx.Graph, layers: int = 1, method: str = "qaoa") -> GraphPrompt:
    """The short SFT prompt (``qgen.datasets.prompts.short_prompt``) for ``problem`` on ``graph`` with
    ``layers`` QAOA layers: the prompt of the dataset's ``messages`` for the same instance.

    Raises:
        LLMError / UnknownNameError: an unsupported problem or a bad layer count.
    """
    from qgen.datasets.prompts import COMPACT_SYSTEM_PROMPT, PromptInput, graph_form, short_prompt

    if not 1 <= layers <= 8:
        raise LLMError(f"--layers must be in 1..8, got {layers}")
    title, name, ham = GRAPH_PROBLEMS[problem](graph)
    n = graph.number_of_nodes()
    text = short_prompt(PromptInput(title, "", n, method, method, layers, ham), graph_form(name, graph, n))
    msgs = [{"role": "system", "content": COMPACT_SYSTEM_PROMPT}, {"role": "user", "content": text}]
    return GraphPrompt(msgs, n, ham, graph)
