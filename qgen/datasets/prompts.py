"""Chat-style prompt/response pairs for fine-tuning LLMs that write circuits (Agent-Q style).

The response is always the circuit in OpenQASM 3.0 with bound parameters. Template 0 is the prompt of
Jern et al. (2025); the others vary the wording and what is given (instance, Hamiltonian, ansatz).
"""

from __future__ import annotations

from dataclasses import dataclass

from qiskit.quantum_info import SparsePauliOp

SYSTEM_PROMPT = (
    "You are a quantum computing assistant. Answer with a complete OpenQASM 3.0 program only: "
    'the header, include "stdgates.inc", the qubit register and the gates, with numeric angles.'
)

_METHODS = {
    "qaoa": "QAOA",
    "vqe": "VQE",
    "adapt": "ADAPT-VQE",
}

TEMPLATES: tuple[str, ...] = (
    "Generate a quantum circuit in QASM 3.0 with {n} qubits and {layers} {unit} that solves {title} for "
    "{instance}.",
    "Write an OpenQASM 3.0 {method} circuit ({ansatz}, {layers} {unit}, {n} qubits) with optimised, bound "
    "parameters whose most probable measurement outcome solves this {title} instance: {instance}.",
    "Cost Hamiltonian on {n} qubits (Qiskit order, qubit 0 is the rightmost character): {hamiltonian}. "
    "Return an OpenQASM 3.0 {method} circuit ({ansatz}, {layers} {unit}) with bound parameters that "
    "minimises its energy.",
    "{Title} problem: {instance}. Encode it as an Ising Hamiltonian on {n} qubits and give a {method} "
    "circuit ({ansatz}, {layers} {unit}) in OpenQASM 3.0 whose parameters are already optimised.",
)


@dataclass(frozen=True)
class PromptInput:
    """What a prompt may mention."""

    title: str
    instance: str
    num_qubits: int
    method: str
    ansatz: str
    layers: int
    hamiltonian: SparsePauliOp


def hamiltonian_text(op: SparsePauliOp, digits: int = 6) -> str:
    """``c1 * ZZII + c2 * IIZZ + ...`` (identity included), coefficients rounded to ``digits``."""
    parts = []
    for label, coeff in zip(op.paulis.to_labels(), op.coeffs, strict=True):
        parts.append(f"{round(float(coeff.real), digits):g} * {label}")
    return " + ".join(parts).replace("+ -", "- ")


def render(template: int, item: PromptInput) -> str:
    """The user prompt of template ``template`` for ``item``."""
    unit = "operators" if item.method == "adapt" else ("layer" if item.layers == 1 else "layers")
    return TEMPLATES[template].format(
        n=item.num_qubits,
        layers=item.layers,
        unit=unit,
        title=item.title,
        Title=item.title[:1].upper() + item.title[1:],
        instance=item.instance,
        method=_METHODS.get(item.method, item.method),
        ansatz=item.ansatz,
        hamiltonian=hamiltonian_text(item.hamiltonian),
    )


def messages(prompt: str, response: str, system: str = SYSTEM_PROMPT) -> list[dict[str, str]]:
    """Chat messages: system, user prompt, assistant response."""
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": prompt},
        {"role": "assistant", "content": response},
    ]


# ------------------------------------------------------------------------------------ the short prompt
COMPACT_SYSTEM_PROMPT = "Write the OpenQASM 3.0 circuit with optimised, bound angles."
#: problems whose qubits are the graph's nodes: the short prompt gives the graph instead of the Hamiltonian
GRAPH_FORM_PROBLEMS = (
    "maxcut", "weighted_maxcut", "independent_set", "vertex_cover", "clique", "graph_partition"
)


def graph_text(edges, weights=None) -> str:
    """``0-1 1-2`` or, weighted, ``0-1:3 1-2:0.5`` (edges as given; weights ``:g``)."""
    if weights is None:
        return " ".join(f"{u}-{v}" for u, v in edges)
    return " ".join(f"{u}-{v}:{w:g}" for (u, v), w in zip(edges, weights, strict=True))


def pauli_text(op: SparsePauliOp) -> str:
    """``0.5 Z0Z1 - 1.5 Z2``: non-identity terms, qubit indices (Qiskit order), coefficients ``:g``."""
    parts = []
    for pauli, coeff in zip(op.paulis, op.coeffs, strict=True):
        label = "".join(
            f"{'IXZY'[int(pauli.z[q]) * 2 + int(pauli.x[q])]}{q}"
            for q in range(op.num_qubits)
            if pauli.z[q] or pauli.x[q]
        )
        c = float(coeff.real)
        if label and c != 0.0:
            parts.append(f"{'-' if c < 0 else '+'} {abs(c):g} {label}")
    text = " ".join(parts)
    return text[2:] if text.startswith("+ ") else text


def short_prompt(item: PromptInput, graph_form: str | None = None) -> str:
    """The short user prompt (the SFT prompt of the compact form).

    ``QAOA qaoa, 2 layers, 5 qubits. MaxCut: 0-1 0-4 1-2`` where ``graph_form`` (from :func:`graph_text`,
    plus ``penalty P`` where the problem has one) is given, else ``... H = 0.5 Z0Z1 - 1.5 Z2``.
    """
    unit = "operators" if item.method == "adapt" else ("layer" if item.layers == 1 else "layers")
    method = _METHODS.get(item.method, item.method)
    head = f"{method} {item.ansatz}, {item.layers} {unit}, {item.num_qubits} qubits."
    if graph_form is not None:
        return f"{head} {item.title}: {graph_form}"
    return f"{head} {item.title}, H = {pauli_text(item.hamiltonian)}"


def graph_form(problem: str, graph, num_qubits: int, data: dict | None = None) -> str | None:
    """The short prompt's graph text of an instance (None: use the Pauli form).

    Given for :data:`GRAPH_FORM_PROBLEMS` whose graph (networkx, nodes ``0..n-1``) has one node per qubit:
    sorted edges, their weights when any edge has one, and the penalty weight when the instance has one.
    """
    if problem not in GRAPH_FORM_PROBLEMS or graph is None or graph.number_of_nodes() != num_qubits:
        return None
    edges = sorted((min(u, v), max(u, v)) for u, v in graph.edges())
    weighted = any("weight" in d for _, _, d in graph.edges(data=True))
    text = graph_text(edges, [graph.edges[e].get("weight", 1) for e in edges] if weighted else None)
    penalty = (data or {}).get("penalty")
    return f"{text}; penalty {float(penalty):g}" if penalty is not None else text
