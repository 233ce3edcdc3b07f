"""Validity of generated programs: parse with ``qgen.circuits.load`` and simulate.

Circuits up to ``max_sim_qubits`` run on ``qgen.sim`` (batched by width, complex128) and pass when the final
state is finite with norm 1 (within 1e-9). The default is 16 qubits on the CPU and 20 on CUDA: on one CPU
thread a 20-qubit generated circuit (~250 gates) takes ~3 s in ``qgen.sim`` and ~0.6 s in Aer's MPS
simulator, while up to 16 qubits ``qgen.sim`` is as fast or faster. Wider circuits run on Qiskit Aer's
matrix-product-state simulator (one shot after ``measure_all``: it executes every gate without holding
``2^n`` amplitudes) when ``qiskit-aer`` is installed; without Aer they are reported as not simulated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from qgen.circuits import load
from qgen.errors import QgenError
from qgen.optional import MissingExtraError, require

NORM_TOL = 1e-9


@dataclass
class Check:
    """Outcome for one program: parsed, simulated, by which simulator, and the first error."""

    parsed: bool
    simulated: bool
    num_qubits: int | None = None
    simulator: str | None = None
    error: str | None = None


def _chunk(n: int) -> int:
    return max(1, min(256, 2**24 // 2**n))  # at most 2^24 amplitudes (256 MiB complex128) per batch


def _simulate_group(circuits: list, n: int, device: str) -> list[str | None]:
    """Errors (``None``: fine) of same-width circuits run on qgen.sim."""
    from qgen.sim import statevector

    errors: list[str | None] = []
    size = _chunk(n)
    for start in range(0, len(circuits), size):
        part = circuits[start : start + size]
        try:
            psi = statevector(part, dtype=torch.complex128, device=device)
        except QgenError:
            psi = None
        if psi is None:  # find the culprit(s) one by one
            for c in part:
                try:
                    norm = statevector(c, device=device).abs().pow(2).sum()
                    errors.append(None if abs(float(norm) - 1) < NORM_TOL else f"norm {float(norm):.3g}")
                except QgenError as exc:
                    errors.append(f"simulation failed: {exc}")
            continue
        norms = psi.abs().pow(2).sum(dim=1).cpu()
        for v in norms.tolist():
            ok = v == v and abs(v - 1) < NORM_TOL
            errors.append(None if ok else f"state norm {v:.3g} after simulation")
    return errors


def _simulate_aer(circuit) -> str | None:
    try:
        AerSimulator = require("qiskit_aer", extra="compile").AerSimulator
    except MissingExtraError:
        return "not simulated: wider than max_sim_qubits and qiskit-aer is not installed"
    from qiskit import transpile

    qc = circuit.copy()
    qc.measure_all()
    try:
        sim = AerSimulator(method="matrix_product_state")
        # the MPS method lacks some standard gates (cry, ...): lower to its own gate set first
        result = sim.run(transpile(qc, sim, optimization_level=0), shots=1).result()
    except Exception as exc:  # noqa: BLE001 - Aer raises its own error types
        return f"Aer failed: {exc}"
    return None if result.success else f"Aer failed: {result.status}"


def default_max_sim_qubits(device: str = "cpu") -> int:
    """Widest circuit simulated with qgen.sim by default: 20 qubits on CUDA, 16 on the CPU."""
    return 20 if str(device).startswith("cuda") else 16


def check_programs(
    texts: Sequence[str], max_sim_qubits: int | None = None, device: str = "cpu"
) -> list[Check]:
    """Parse every program with ``qgen.circuits.load`` (full validation) and simulate the ones that parse.

    Args:
        texts: OpenQASM 2/3 programs.
        max_sim_qubits: widest circuit for qgen.sim; wider ones go to Aer's MPS simulator (default:
            :func:`default_max_sim_qubits`).
        device: torch device of qgen.sim.

    Returns:
        One :class:`Check` per program, in order.
    """
    if max_sim_qubits is None:
        max_sim_qubits = default_max_sim_qubits(device)
    checks: list[Check] = []
    circuits: dict[int, list[tuple[int, object]]] = {}
    for i, text in enumerate(texts):
        try:
            qc = load(text)
        except QgenError as exc:
            checks.append(Check(False, False, None, None, str(exc).replace("<input>:", "")))
            continue
        checks.append(Check(True, False, qc.num_qubits))
        circuits.setdefault(qc.num_qubits, []).append((i, qc))
    for n, group in sorted(circuits.items()):
        if n <= max_sim_qubits:
            errors = _simulate_group([qc for _, qc in group], n, device)
            sim = "qgen.sim"
        else:
            errors = [_simulate_aer(qc) for _, qc in group]
            sim = "aer-mps"
        for (i, _), err in zip(group, errors, strict=True):
            checks[i].simulated = err is None
            checks[i].simulator = sim if err is None else None
            checks[i].error = err
    return checks
