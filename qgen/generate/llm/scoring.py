"""Evaluate an LLM circuit generator on the held-out split (metrics of Jern et al. 2025, arXiv:2504.11109).

Per held-out row the model writes a program for the row's prompt; a program **parses** when
``qgen.circuits.validate`` finds nothing and it has the row's qubit count. Parsed programs are simulated
with ``qgen.sim`` (complex128, Qiskit bit order) and compared with the row's optimised circuit:

- **ground**: the most probable bitstring is one of the exact ground states;
- **KL**: ``KL(p_gen || p_opt) = sum_x p_gen(x) log(p_gen(x) / p_opt(x))`` (natural log), both distributions
  smoothed with ``1e-9`` and renormalised, ``p_opt`` the output distribution of the row's stored circuit;
  share with KL < 0.1;
- **dE**: ``|E_gen - E_opt|`` with ``E = <psi|H|psi>`` of the cost Hamiltonian and ``E_opt`` the stored
  circuit's energy; share with ``|dE| <= 0.2``;
- **random baseline**: the row's circuit structure (``qasm3_symbolic``) with parameters uniform in
  ``[0, 2 pi)`` (``draws`` draws per row), scored the same way; **KL ratio** = mean KL of the generated
  programs / mean KL of the random baseline, over the rows whose program parsed.

Shares are over all evaluated rows (a program that does not parse counts as a failure).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from qiskit.quantum_info import SparsePauliOp

from qgen.generate.errors import LLMError

KL_THRESHOLD = 0.1
DE_THRESHOLD = 0.2
_EPS = 1e-9

# the fine-tuned Qwen2.5-3B of Jern et al. (2025) on 200 held-out samples (arXiv:2504.11109)
PAPER_3B = {
    "parse_rate": 0.86,
    "ground_rate": 0.055,
    "kl_ratio_vs_random": 0.70,
    "de_rate": 0.195,
}


def _energies(ham: SparsePauliOp) -> np.ndarray:
    """Diagonal of a Z-only Hamiltonian: the energy of every basis state (Qiskit order)."""
    n = ham.num_qubits
    idx = np.arange(2**n, dtype=np.int64)
    out = np.zeros(2**n)
    for pauli, c in zip(ham.paulis, ham.coeffs, strict=True):
        if pauli.x.any():
            raise LLMError("the cost Hamiltonian must be diagonal (Z and I terms only)")
        mask = int(sum(1 << q for q in range(n) if pauli.z[q]))
        parity = (np.bitwise_count(idx & mask).astype(np.int64) & 1) if mask else np.zeros_like(idx)
        out += float(c.real) * (1 - 2 * parity)
    return out


def kl(p: np.ndarray, q: np.ndarray) -> float:
    """KL(p || q) in nats with both smoothed by 1e-9 and renormalised."""
    p = (p + _EPS) / (p + _EPS).sum()
    q = (q + _EPS) / (q + _EPS).sum()
    return float(np.sum(p * np.log(p / q)))


def _probs(circuit, params=None) -> np.ndarray:
    from qgen.sim import probabilities

    return probabilities(circuit, params).detach().cpu().numpy()


def score_program(program: str, num_qubits: int, hamiltonian: SparsePauliOp) -> dict:
    """Parse and simulate one program: validity, energy, most probable bitstring, ground-state check.

    Returns:
        ``valid``, ``diagnostics`` (list of str), and for valid programs ``energy``, ``ground_energy``,
        ``most_probable`` and ``is_ground_state`` (exact ground energy by enumeration).
    """
    from qgen.circuits import load, validate

    diags = [str(d) for d in validate(program) if d.severity == "error"]
    if not diags:
        circuit = load(program)
        if circuit.num_qubits != num_qubits:
            diags = [f"the program has {circuit.num_qubits} qubits, the problem {num_qubits}"]
    if diags:
        return {"valid": False, "diagnostics": diags}
    p = _probs(circuit)
    e = _energies(hamiltonian)
    best = int(np.argmax(p))
    ground = float(e.min())
    return {
        "valid": True,
        "diagnostics": [],
        "energy": float(p @ e),
        "ground_energy": ground,
        "most_probable": format(best, f"0{num_qubits}b"),
        "is_ground_state": bool(abs(e[best] - ground) <= 1e-9 * max(1.0, abs(ground))),
    }


@dataclass
class RowScore:
    """Scores of one program against one dataset row (None where the program did not parse)."""

    valid: bool
    ground: bool = False
    kl: float | None = None
    de: float | None = None


def score_row(program: str, row: Mapping) -> RowScore:
    """Score ``program`` against dataset ``row`` (its stored circuit, Hamiltonian and ground states)."""
    from qgen.circuits import load, validate

    n = int(row["num_qubits"])
    if any(d.severity == "error" for d in validate(program)):
        return RowScore(False)
    circuit = load(program)
    if circuit.num_qubits != n or circuit.parameters:
        return RowScore(False)
    return _score_probs(_probs(circuit), row)


def _score_probs(p: np.ndarray, row: Mapping) -> RowScore:
    ham = SparsePauliOp(list(row["hamiltonian_paulis"]), np.asarray(row["hamiltonian_coeffs"], dtype=float))
    e = _energies(ham)
    p_opt = _reference_probs(row)
    best = format(int(np.argmax(p)), f"0{int(row['num_qubits'])}b")
    return RowScore(
        True, best in set(row["ground_states"]), kl(p, p_opt), abs(float(p @ e) - row["expectation_value"])
    )


_REF: dict[str, np.ndarray] = {}


def _reference_probs(row: Mapping) -> np.ndarray:
    from qgen.circuits import load

    key = row["id"]
    if key not in _REF:
        _REF[key] = _probs(load(row["qasm3"]))
    return _REF[key]


def random_baseline(row: Mapping, draws: int = 4, seed: int = 0) -> list[RowScore]:
    """Scores of the row's circuit structure with uniform random parameters in [0, 2 pi)."""
    import torch

    from qgen.circuits import load

    circuit = load(row["qasm3_symbolic"])
    rng = np.random.default_rng([seed, int(row["index"])])
    out = []
    for _ in range(draws):
        theta = torch.tensor(rng.uniform(0, 2 * math.pi, len(circuit.parameters)))
        out.append(_score_probs(_probs(circuit, theta if len(theta) else None), row))
    return out


def summarise(scores: Sequence[RowScore], random: Sequence[Sequence[RowScore]] | None = None) -> dict:
    """Rates over all rows and the KL ratio against the random baseline (see the module docstring)."""
    n = len(scores)
    if n == 0:
        raise LLMError("no rows to evaluate")
    ok = [s for s in scores if s.valid]
    out = {
        "rows": n,
        "parse_rate": len(ok) / n,
        "ground_rate": sum(s.ground for s in ok) / n,
        "kl_rate": sum(s.kl < KL_THRESHOLD for s in ok) / n,
        "de_rate": sum(s.de <= DE_THRESHOLD for s in ok) / n,
        "mean_kl": float(np.mean([s.kl for s in ok])) if ok else None,
        "mean_abs_de": float(np.mean([s.de for s in ok])) if ok else None,
    }
    if random is not None:
        flat = [r for rs in random for r in rs]
        per = len(flat) / max(1, len(random))
        out["random"] = {
            "ground_rate": sum(r.ground for r in flat) / len(flat),
            "kl_rate": sum(r.kl < KL_THRESHOLD for r in flat) / len(flat),
            "de_rate": sum(r.de <= DE_THRESHOLD for r in flat) / len(flat),
            "mean_kl": float(np.mean([r.kl for r in flat])),
            "draws_per_row": per,
        }
        paired = [
            (s.kl, float(np.mean([r.kl for r in rs])))
            for s, rs in zip(scores, random, strict=True)
            if s.valid
        ]
        out["kl_ratio_vs_random"] = (
            float(np.mean([a for a, _ in paired]) / np.mean([b for _, b in paired])) if paired else None
        )
    return out
