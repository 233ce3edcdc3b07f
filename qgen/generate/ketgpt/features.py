"""Features of canonical circuits: structural profiles (``qgen.circuits.profile``) and word n-grams.

Shared by the realism classifier (:mod:`qgen.generate.ketgpt.realism`), the profile comparison and the novelty
check (:mod:`qgen.generate.ketgpt.evaluate`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit import qasm2

from qgen.circuits import Profile, profile
from qgen.generate.ketgpt.canonical import CanonicalCircuit
from qgen.generate.ketgpt.gateset import GATES

SCALARS = ("num_qubits", "num_gates", "depth", "two_qubit_fraction", "density")


def circuit_profile(circuit: CanonicalCircuit) -> Profile:
    """``qgen.circuits.profile`` of a canonical circuit (read with Qiskit's QASM 2 reader)."""
    return profile(qasm2.loads(circuit.qasm(), custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS))


def profile_rows(circuits: Sequence[CanonicalCircuit]) -> list[Profile]:
    """Profiles of many circuits."""
    return [circuit_profile(c) for c in circuits]


def scalar_metrics(profiles: Sequence[Profile]) -> dict[str, np.ndarray]:
    """Per-circuit scalar metrics: qubits, gates, depth, 2-qubit fraction, interaction-graph density."""
    return {
        "num_qubits": np.array([p.num_qubits for p in profiles], dtype=float),
        "num_gates": np.array([p.size for p in profiles], dtype=float),
        "depth": np.array([p.depth for p in profiles], dtype=float),
        "two_qubit_fraction": np.array([p.two_qubit_fraction for p in profiles], dtype=float),
        "density": np.array([p.density for p in profiles], dtype=float),
    }


def gate_distribution(profiles: Sequence[Profile]) -> dict[str, float]:
    """Share of each gate type over all gates of all circuits (the gate set's order)."""
    counts = np.zeros(len(GATES))
    names = list(GATES)
    for p in profiles:
        for g, k in p.gate_counts.items():
            if g in GATES:
                counts[names.index(g)] += k
    total = counts.sum() or 1.0
    return {g: float(c / total) for g, c in zip(names, counts, strict=True)}


def structural_vector(p: Profile) -> np.ndarray:
    """Width-free structural features of one circuit (ratios, so that size alone says little)."""
    n, size = max(p.num_qubits, 1), max(p.size, 1)
    shares = np.array([p.gate_counts.get(g, 0) / size for g in GATES])
    base = np.array(
        [
            p.num_qubits,
            p.size,
            p.depth / size,
            p.two_qubit_fraction,
            p.two_qubit_depth / max(p.depth, 1),
            p.density,
            p.max_degree / max(n - 1, 1),
            p.size / n,
        ]
    )
    return np.concatenate([base, shares])


def _delta(a: int, b: int, clip: int = 3) -> str:
    return str(max(-clip, min(clip, a - b)))


def sequence_terms(circuit: CanonicalCircuit) -> list[str]:
    """Order-aware terms: gate 1-3-grams, gate with first-qubit step, 2-qubit spans, exact-angle flags.

    Qubit words are replaced by relative steps (clipped to +-3) so that patterns such as "a ladder of CX
    on neighbouring qubits" look alike at every width.
    """
    names = [st.gate for st in circuit.statements]
    terms = list(names)
    terms += [f"{a}>{b}" for a, b in zip(names, names[1:], strict=False)]
    terms += [f"{a}>{b}>{c}" for a, b, c in zip(names, names[1:], names[2:], strict=False)]
    prev = 0
    stepped = []
    for st in circuit.statements:
        q0 = st.qubits[0]
        stepped.append(f"{st.gate}@{_delta(q0, prev)}")
        prev = q0
        if len(st.qubits) > 1:
            terms.append(f"{st.gate}~{_delta(st.qubits[1], st.qubits[0])}")
        for a in st.angles:
            terms.append(f"{st.gate}:" + ("pi" if "pi" in a or a == "0" else "bin"))
    terms += stepped
    terms += [f"{a}>{b}" for a, b in zip(stepped, stepped[1:], strict=False)]
    return terms


def word_ngrams(circuit: CanonicalCircuit, n: int = 3) -> list[str]:
    """Word 1..n-grams of the circuit's word sequence (size word left out), for nearest neighbours."""
    words = circuit.words()[1:]
    out = list(words)
    for k in range(2, n + 1):
        out += [" ".join(words[i : i + k]) for i in range(len(words) - k + 1)]
    return out
