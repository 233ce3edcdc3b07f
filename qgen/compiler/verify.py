"""Equivalence checking of compiled circuits with qgen.sim: up to global phase and the final permutation.

The compiled circuit acts on physical qubits. Virtual qubit ``v`` starts on ``initial_layout[v]`` and ends on
``final_layout[v]``; every other physical qubit the circuit touches is an ancilla that starts in |0> and must
end in |0>. The check prepares ``num_states`` Haar-random input states psi_j, runs the original (U) and the
compiled circuit (V, ancillas in |0>) with qgen.sim, and compares U psi_j with V psi_j read back through the
final layout:

* exact targets: the state infidelity 1 - |<U psi|V psi>|^2 must be <= ``tolerance`` for every input and the
  overlaps must share one phase (equality up to a *global* phase, not a phase per input). For Haar-random
  inputs E[1 - F] = d/(d+1) * D^2 with D the unitary distance, so a non-equivalent circuit cannot pass.
* approximate targets (``error_bound`` given, e.g. Clifford+T): sqrt(1 - F) <= sqrt(2) * error_bound for every
  input, which any V within unitary distance ``error_bound`` of U satisfies; D is estimated and reported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit

from qgen.compiler.errors import CompilerError

MAX_VERIFY_QUBITS = 12
"""Circuits up to this many qubits are verified by default."""

MAX_ACTIVE_QUBITS = 22
"""The most physical qubits (data + routing ancillas) a compiled circuit may touch to be checked."""


@dataclass(frozen=True)
class Verdict:
    """The result of :func:`verify`.

    Attributes:
        equivalent: the check passed.
        method: how it was checked (``random-states``).
        metric: what ``value`` measures.
        value: the worst value of the metric over the inputs.
        tolerance: the threshold ``value`` was compared with.
        phase_spread: largest phase difference between the overlaps of different inputs (radians).
        estimated_distance: unitary distance estimated from the mean infidelity, sqrt(mean(1-F) (d+1)/d).
        num_states: random inputs used.
        active_qubits: physical qubits the compiled circuit touches (data and ancillas).
    """

    equivalent: bool
    method: str
    metric: str
    value: float
    tolerance: float
    phase_spread: float
    estimated_distance: float
    num_states: int
    active_qubits: int

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


def _strip(circuit: QuantumCircuit) -> QuantumCircuit:
    """A copy without measurements and barriers (the unitary part)."""
    out = circuit.copy_empty_like()
    for inst in circuit.data:
        if inst.operation.name in ("measure", "barrier"):
            continue
        if inst.operation.name == "reset":
            raise CompilerError("cannot verify a circuit with resets")
        out.append(inst)
    return out


def _permute(states: np.ndarray, num_qubits: int, perm: Sequence[int]) -> np.ndarray:
    """Move qubit ``q`` of each state (rows) to position ``perm[q]`` (Qiskit bit order)."""
    k = states.shape[0]
    t = states.reshape((k,) + (2,) * num_qubits)
    src = [1 + num_qubits - 1 - q for q in range(num_qubits)]
    dst = [1 + num_qubits - 1 - perm[q] for q in range(num_qubits)]
    return np.moveaxis(t, src, dst).reshape(k, -1)


def _simulate(circuit: QuantumCircuit, states: np.ndarray) -> np.ndarray:
    from qgen.sim import compile_batch

    batch = compile_batch([circuit] * states.shape[0], dtype=torch.complex128, device="cpu")
    with torch.no_grad():
        return batch.run(initial_state=torch.as_tensor(states)).numpy()


def haar_states(num_qubits: int, count: int, seed: int | None) -> np.ndarray:
    """``count`` Haar-random states of ``num_qubits`` qubits, rows ``(count, 2**n)``."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(count, 2**num_qubits)) + 1j * rng.normal(size=(count, 2**num_qubits))
    return z / np.linalg.norm(z, axis=1, keepdims=True)


def bind_same(original: QuantumCircuit, compiled: QuantumCircuit, seed: int | None):
    """Bind the free parameters of both circuits (matched by name) to the same random values."""
    if not original.parameters and not compiled.parameters:
        return original, compiled
    rng = np.random.default_rng(seed)
    values = {p.name: float(rng.uniform(-np.pi, np.pi)) for p in original.parameters}
    missing = sorted(p.name for p in compiled.parameters if p.name not in values)
    if missing:
        raise CompilerError(f"the compiled circuit has parameters the original lacks: {missing}")
    a = original.assign_parameters({p: values[p.name] for p in original.parameters})
    b = compiled.assign_parameters({p: values[p.name] for p in compiled.parameters})
    return a, b


def verify(
    original: QuantumCircuit,
    compiled: QuantumCircuit,
    initial_layout: Sequence[int] | None = None,
    final_layout: Sequence[int] | None = None,
    *,
    tolerance: float = 1e-8,
    error_bound: float | None = None,
    num_states: int = 4,
    seed: int | None = 0,
    max_qubits: int = MAX_VERIFY_QUBITS,
) -> Verdict:
    """Check that ``compiled`` equals ``original`` up to global phase and the final qubit permutation.

    Args:
        original: the input circuit (``n`` qubits); measurements and barriers are ignored.
        compiled: the compiled circuit on physical qubits.
        initial_layout: physical qubit of each virtual qubit at the start (default: qubit ``v`` on ``v``).
        final_layout: physical qubit holding each virtual qubit at the end (default: ``initial_layout``).
        tolerance: largest state infidelity accepted for exact targets.
        error_bound: for approximate targets, the bound on the unitary distance to check instead.
        num_states: Haar-random inputs.
        seed: seed of the inputs and of random parameter values.
        max_qubits: refuse larger circuits (the check simulates ``2**n`` amplitudes).

    Returns:
        A :class:`Verdict`; ``equivalent`` tells whether the check passed.

    Raises:
        CompilerError: the circuit is too large, or the layouts do not fit the circuits.
    """
    n = original.num_qubits
    if n > max_qubits:
        raise CompilerError(f"verification simulates up to {max_qubits} qubits; this circuit has {n}")
    init = list(range(n)) if initial_layout is None else [int(p) for p in initial_layout]
    final = list(init) if final_layout is None else [int(p) for p in final_layout]
    if len(init) != n or len(final) != n:
        raise CompilerError(f"layouts must list one physical qubit per virtual qubit ({n})")
    original, compiled = bind_same(_strip(original), _strip(compiled), seed)
    touched = {compiled.find_bit(q).index for inst in compiled.data for q in inst.qubits}
    active = sorted(touched | set(init) | set(final))
    m = len(active)
    if m > MAX_ACTIVE_QUBITS:
        raise CompilerError(
            f"the compiled circuit touches {m} qubits; verification handles {MAX_ACTIVE_QUBITS}"
        )
    if max(active, default=-1) >= compiled.num_qubits:
        raise CompilerError("a layout names a physical qubit outside the compiled circuit")
    local = {p: i for i, p in enumerate(active)}
    compact = QuantumCircuit(m, global_phase=compiled.global_phase)
    for inst in compiled.data:
        compact.append(inst.operation, [local[compiled.find_bit(q).index] for q in inst.qubits])

    psi = haar_states(n, num_states, seed)
    expected = _simulate(original, psi)
    # embed: virtual v -> local position of init[v]; ancillas (qubits n..m-1, all |0>) fill the rest in order
    padded = np.zeros((num_states, 2**m), dtype=complex)
    padded[:, : 2**n] = psi
    spare = [i for i in range(m) if i not in {local[p] for p in init}]
    got = _simulate(compact, _permute(padded, m, [local[p] for p in init] + spare))
    spare_out = [i for i in range(m) if i not in {local[p] for p in final}]
    back = [0] * m
    for v, p in enumerate(final):
        back[local[p]] = v
    for j, i in enumerate(spare_out):
        back[i] = n + j
    got = _permute(got, m, back)[:, : 2**n]

    overlaps = np.einsum("ki,ki->k", expected.conj(), got)
    fidelity = np.abs(overlaps) ** 2
    infidelity = np.clip(1.0 - fidelity, 0.0, None)
    phases = np.angle(overlaps * np.conj(overlaps[0]))
    spread = float(np.max(np.abs(phases))) if num_states > 1 else 0.0
    d = 2**n
    estimated = float(math.sqrt(float(np.mean(infidelity)) * (d + 1) / d))
    if error_bound is None:
        value, limit = float(np.max(infidelity)), float(tolerance)
        ok = value <= limit and spread <= max(1e-6, math.sqrt(tolerance))
        metric = "state infidelity 1 - |<U psi|V psi>|^2, max over Haar-random inputs (same phase for all)"
    else:
        value = float(np.sqrt(np.max(infidelity)))
        limit = math.sqrt(2.0) * float(error_bound) + 1e-7
        ok = value <= limit
        metric = (
            "sqrt(1 - |<U psi|V psi>|^2), max over Haar-random inputs, vs sqrt(2) * unitary-distance bound"
        )
    return Verdict(
        equivalent=bool(ok),
        method="random-states",
        metric=metric,
        value=value,
        tolerance=limit,
        phase_spread=spread,
        estimated_distance=estimated,
        num_states=num_states,
        active_qubits=m,
    )
