"""Checking compiled dynamic circuits (mid-circuit measurement, resets, classical control) by sampling.

A dynamic circuit is not a unitary, so :func:`qgen.compiler.verify.verify` cannot compare it. Both circuits
run on Qiskit Aer's statevector simulator, which executes measurements, resets and ``if_else`` exactly, shot
by shot. At the end every virtual qubit ``v`` is also read out (physical ``final_layout[v]`` in the compiled
circuit), so the compared distribution covers the program's classical bits and the final computational-basis
state. The metric is the total-variation distance (TVD) between the two sampled distributions; the tolerance
is the TVD two samples of one distribution reach at most with probability ``1 - confidence``:

    E[TVD] <= 1/2 sum_i sqrt(2 m_i / N)  (m: pooled frequencies, N shots each)
    P(TVD >= E[TVD] + t) <= exp(-N t^2)  (McDiarmid: one shot moves the TVD by at most 1/N)

so ``tolerance = 1/2 sum_i sqrt(2 m_i / N) + sqrt(ln(1/confidence) / N)``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from qiskit.circuit import ClassicalRegister, QuantumCircuit

from qgen.compiler.errors import CompilerError
from qgen.compiler.rewire import active_qubits, rewire
from qgen.compiler.verify import Verdict
from qgen.optional import require

MAX_DYNAMIC_VERIFY_QUBITS = 10
"""Dynamic circuits up to this many qubits are verified by default (Aer, shot by shot)."""

MAX_DYNAMIC_ACTIVE_QUBITS = 20
"""The most physical qubits a compiled dynamic circuit may touch to be checked."""

DEFAULT_SHOTS = 20_000


def _with_readout(circuit: QuantumCircuit, qubits: Sequence[int]) -> QuantumCircuit:
    """``circuit`` followed by a measurement of ``qubits[v]`` into a new register's bit ``v``."""
    out = circuit.copy()
    readout = ClassicalRegister(len(qubits), "qgen_readout")
    out.add_register(readout)
    for v, q in enumerate(qubits):
        out.measure(q, readout[v])
    return out


def _sample(circuit: QuantumCircuit, keep: Sequence[int], shots: int, seed: int | None) -> Counter:
    """Aer statevector shots of ``circuit``, marginalised to the clbits ``keep`` (as tuples of bits)."""
    aer = require("qiskit_aer", extra="compile", purpose="verifying dynamic circuits")
    from qiskit import transpile

    sim = aer.AerSimulator(method="statevector")
    native = transpile(circuit, sim, optimization_level=0)
    result = sim.run(native, shots=shots, seed_simulator=seed, shot_branching_enable=True).result()
    width = circuit.num_clbits
    out: Counter = Counter()
    for key, k in result.get_counts().items():
        bits = key.replace(" ", "")
        out[tuple(bits[width - 1 - i] for i in keep)] += int(k)
    return out


def verify_dynamic(
    original: QuantumCircuit,
    compiled: QuantumCircuit,
    final_layout: Sequence[int] | None = None,
    *,
    shots: int = DEFAULT_SHOTS,
    confidence: float = 1e-6,
    seed: int | None = 0,
    max_qubits: int = MAX_DYNAMIC_VERIFY_QUBITS,
) -> Verdict:
    """Compare the output distributions of a dynamic circuit and its compiled form (Aer sampling, TVD).

    Args:
        original: the input program (``n`` qubits, its classical bits first in ``compiled`` too).
        compiled: the compiled program on physical qubits, with the original's classical registers first.
        final_layout: physical qubit holding each virtual qubit at the end (default: qubit ``v`` on ``v``).
        shots: shots of each circuit.
        confidence: the chance that an equivalent compilation fails the check (sets the tolerance).
        seed: seed of Aer's sampler (the compiled circuit uses ``seed + 1``: independent samples).
        max_qubits: refuse larger programs.

    Returns:
        A :class:`Verdict` with ``method="aer-sampling"`` and the TVD as ``value``.

    Raises:
        CompilerError: too many qubits, or a layout that does not fit the circuits.
    """
    n = original.num_qubits
    if n > max_qubits:
        raise CompilerError(f"dynamic-circuit verification samples up to {max_qubits} qubits; this has {n}")
    final = list(range(n)) if final_layout is None else [int(p) for p in final_layout]
    if len(final) != n:
        raise CompilerError(f"the final layout must list one physical qubit per virtual qubit ({n})")
    if compiled.num_clbits < original.num_clbits:
        raise CompilerError("the compiled circuit lost classical bits of the original")
    active = sorted(set(active_qubits(compiled)) | set(final))
    if len(active) > MAX_DYNAMIC_ACTIVE_QUBITS:
        raise CompilerError(
            f"the compiled circuit touches {len(active)} qubits; dynamic verification handles "
            f"{MAX_DYNAMIC_ACTIVE_QUBITS}"
        )
    local = {p: i for i, p in enumerate(active)}
    small = rewire(compiled, local, len(active))
    c = original.num_clbits
    ref = _with_readout(original, range(n))
    test = _with_readout(small, [local[p] for p in final])
    keep_ref = [*range(c), *range(ref.num_clbits - n, ref.num_clbits)]
    keep_test = [*range(c), *range(test.num_clbits - n, test.num_clbits)]
    seed = 0 if seed is None else int(seed)
    p = _sample(ref, keep_ref, shots, seed)
    q = _sample(test, keep_test, shots, seed + 1)
    outcomes = set(p) | set(q)
    tvd = 0.5 * sum(abs(p[o] - q[o]) for o in outcomes) / shots
    expected = 0.5 * sum(math.sqrt(2 * (p[o] + q[o]) / (2 * shots) / shots) for o in outcomes)
    tolerance = expected + math.sqrt(math.log(1 / confidence) / shots)
    return Verdict(
        equivalent=bool(tvd <= tolerance),
        method="aer-sampling",
        metric=(
            f"total-variation distance of Aer statevector samples ({shots} shots each; classical bits and a "
            "final readout of every qubit) vs the shot-noise bound at confidence "
            f"{1 - confidence:.6g}"
        ),
        value=float(tvd),
        tolerance=float(tolerance),
        phase_spread=0.0,
        estimated_distance=float(tvd),
        num_states=shots,
        active_qubits=len(active),
    )
