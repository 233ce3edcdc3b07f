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


def messages(prompt: str, response: str) -> list[dict[str, str]]:
    """Chat messages: system, user prompt, assistant response."""
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": prompt},
        {"role": "assistant", "content": response},
    ]
