"""Generate OpenQASM 3 circuits with a (fine-tuned) causal LLM: batched, optionally grammar-constrained.

>>> from qgen.generate.llm.generation import generate_for_graph          # doctest: +SKIP
>>> generate_for_graph("runs/llm", "maxcut", "graph.json", layers=2)["program"]  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import torch

from qgen.generate.errors import LLMError
from qgen.generate.llm.data import ensure_chat_template, graph_prompt, prompt_ids, read_graph
from qgen.generate.llm.grammar import QasmProgramProcessor, finish_program
from qgen.generate.llm.models import is_fine_tuned, load_model
from qgen.progress import Progress, report

_FENCE = re.compile(r"```[a-zA-Z0-9]*\n?")


@dataclass
class GenerationSettings:
    """Decoding settings.

    Attributes:
        constrained: grammar-constrained decoding (a parseable program with the right qubit count).
        max_new_tokens: token budget per program.
        batch_size: prompts per ``generate`` call.
        do_sample: sample (with ``temperature``) instead of greedy decoding.
        temperature: sampling temperature.
        seed: torch seed (sampling and ties).
    """

    constrained: bool = True
    max_new_tokens: int = 1024
    batch_size: int = 8
    do_sample: bool = False
    temperature: float = 0.7
    seed: int = 0


@dataclass
class Generated:
    """Programs and facts of one batched generation."""

    programs: list[str]
    new_tokens: list[int]
    seconds: float
    settings: dict = field(default_factory=dict)


def clean_program(text: str) -> str:
    """The program in a raw completion: code fences removed, surrounding blank space stripped."""
    return _FENCE.sub("", text).strip() + "\n"


def generate_programs(
    model,
    tokenizer,
    conversations: Sequence[Sequence[Mapping[str, str]]],
    num_qubits: Sequence[int],
    settings: GenerationSettings | None = None,
    max_new_tokens: Sequence[int] | None = None,
    progress: Progress | None = None,
) -> Generated:
    """Complete each conversation with a program.

    Args:
        model, tokenizer: a causal LM and its tokenizer (:func:`qgen.generate.llm.models.load_model`).
        conversations: chat messages up to the user's request (system, few-shot turns, user).
        num_qubits: qubit count wanted for each conversation (used by constrained decoding).
        settings: decoding settings (default :class:`GenerationSettings`).
        max_new_tokens: optional per-conversation budgets (the batch uses the largest of its rows).
        progress: receives task ``generating`` (prompts; ``tokens`` and ``tokens_per_s`` per batch).

    Returns:
        :class:`Generated` with one program per conversation (constrained ones trimmed to whole lines).
    """
    s = settings or GenerationSettings()
    if len(conversations) != len(num_qubits):
        raise LLMError("need one qubit count per conversation")
    ensure_chat_template(tokenizer)
    torch.manual_seed(s.seed)
    device = next(model.parameters()).device
    encoded = [prompt_ids(tokenizer, conv) for conv in conversations]
    order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))
    programs: list[str] = [""] * len(encoded)
    counts = [0] * len(encoded)
    start = time.perf_counter()
    bar = report(progress)
    bar.start("generating", total=len(order), unit="prompts")
    for b in range(0, len(order), max(1, s.batch_size)):
        idx = order[b : b + s.batch_size]
        width = max(len(encoded[i]) for i in idx)
        pad = tokenizer.pad_token_id
        ids = torch.tensor([[pad] * (width - len(encoded[i])) + encoded[i] for i in idx], device=device)
        mask = torch.tensor(
            [[0] * (width - len(encoded[i])) + [1] * len(encoded[i]) for i in idx], device=device
        )
        budget = max(max_new_tokens[i] for i in idx) if max_new_tokens is not None else s.max_new_tokens
        procs = (
            [QasmProgramProcessor(tokenizer, [num_qubits[i] for i in idx], top_k=8, budget=budget)]
            if s.constrained
            else []
        )
        sample = {"do_sample": True, "temperature": s.temperature} if s.do_sample else {"do_sample": False}
        t0 = time.perf_counter()
        with torch.no_grad():
            out = model.generate(
                input_ids=ids,
                attention_mask=mask,
                max_new_tokens=budget,
                logits_processor=procs,
                pad_token_id=pad,
                eos_token_id=tokenizer.eos_token_id,
                top_k=None,
                top_p=None,
                **sample,
            )
        for row, i in enumerate(idx):
            new = out[row, width:].tolist()
            if tokenizer.eos_token_id in new:
                new = new[: new.index(tokenizer.eos_token_id)]
            counts[i] = len(new)
            text = tokenizer.decode(new, skip_special_tokens=True, clean_up_tokenization_spaces=False)
            programs[i] = finish_program(text) if s.constrained else clean_program(text)
        tokens = sum(counts[i] for i in idx)
        rate = round(tokens / max(time.perf_counter() - t0, 1e-9))
        bar.advance("generating", len(idx), tokens=tokens, tokens_per_s=rate)
    bar.finish("generating")
    return Generated(programs, counts, time.perf_counter() - start, settings=vars(s).copy())


def generate_for_graph(
    model_dir: str | os.PathLike,
    problem: str,
    graph_file: str | os.PathLike,
    layers: int = 1,
    settings: GenerationSettings | None = None,
    device: str = "auto",
) -> dict:
    """Ask the model for a QAOA circuit for ``problem`` on the graph in ``graph_file`` and score it.

    Args:
        model_dir: fine-tuned model folder (``qgen train llm --out``), or any base model.
        problem: ``maxcut`` or ``weighted_maxcut``.
        graph_file: node-link JSON or an edge list.
        layers: QAOA layers asked for in the prompt.
        settings: decoding settings.
        device: ``cpu``, ``cuda`` or ``auto``.

    Returns:
        ``{"prompt", "program", "num_qubits", "fine_tuned", "valid", "diagnostics", "energy",
        "ground_energy", "most_probable", "is_ground_state"}`` (energies of the cost Hamiltonian, Qiskit bit
        order; ``fine_tuned`` is False for a base model, which has not learnt the task).
    """
    from qgen.generate.llm.scoring import score_program

    gp = graph_prompt(problem, read_graph(graph_file), layers)
    model, tok = load_model(model_dir, device=device)
    gen = generate_programs(model, tok, [gp.messages], [gp.num_qubits], settings)
    program = gen.programs[0]
    scored = score_program(program, gp.num_qubits, gp.hamiltonian)
    return {
        "prompt": gp.messages[-1]["content"],
        "program": program,
        "num_qubits": gp.num_qubits,
        "fine_tuned": is_fine_tuned(model_dir),
        **scored,
    }
