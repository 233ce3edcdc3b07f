"""The one lowering to Clifford+T: each single-qubit block of a circuit becomes an exact or synthesised word.

Used by the ``clifford_t`` compile target (:class:`CliffordTLowering`) and by synthesis
(:func:`lower_circuit`, :func:`synthesize_two_qubit`). Runs of single-qubit gates between multi-qubit gates
are multiplied into one 2x2 unitary per qubit. Unitaries that equal a short Clifford+T word (up to phase) are
written exactly; diagonal ones go to the synthesiser's ``synthesize_rz``, the rest to ``synthesize_unitary``.
The global phase of each word is added to the circuit, so the lowered circuit keeps the exact phase.

Error bound: with d(U, V) = sqrt(1 - |tr(U^dag V)/2^n|^2) (``unitaries.distance``),
d(U1 U2, V1 V2) <= d(U1, V1) + d(U2, V2) and d(U x I, V x I) = d(U, V), so the sum of the per-block
distances bounds the distance of the whole circuit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from qiskit import QuantumCircuit, transpile
from qiskit.circuit.library import CXGate, get_standard_gate_name_mapping
from qiskit.quantum_info import Operator

from qgen.compiler.synthesis.base import SYNTHESIZERS, Synthesizer
from qgen.compiler.synthesis.errors import SynthesisError
from qgen.compiler.synthesis.unitaries import check_eps, check_unitary, distance
from qgen.compiler.synthesis.words import exact_word

CLIFFORD_T_GATES = ("h", "s", "sdg", "t", "tdg", "x", "z", "cx")
METRIC = "d(U, V) = sqrt(1 - |tr(U^dag V) / 2^n|^2)"
_KEPT = ("barrier", "measure", "reset")
_NON_UNITARY = {"measure", "reset", "if_else", "while_loop", "for_loop", "switch_case", "delay"}
_GATES = get_standard_gate_name_mapping()


@dataclass
class LoweredCircuit:
    """A circuit over Clifford+T and CX with the bound on its distance to the original.

    Attributes:
        circuit: the lowered circuit (global phase tracked).
        error_bound: sum of the per-block distances, >= d(original, circuit).
        unitaries: single-qubit blocks lowered (exact and synthesised).
        failures: synthesised blocks that missed their share of eps.
        seconds: wall time.
        metric: the distance the bound is on.
        exact: blocks written as exact Clifford+T words.
        max_block_distance: the largest distance of one block.
        per_unitary: ``t_count``, ``length``, ``distance`` of every block, in circuit order.
    """

    circuit: QuantumCircuit
    error_bound: float
    unitaries: int
    failures: int
    seconds: float
    metric: str = METRIC
    exact: int = 0
    max_block_distance: float = 0.0
    per_unitary: list[dict] = field(default_factory=list)

    @property
    def synthesized(self) -> int:
        """Blocks that needed the synthesiser."""
        return self.unitaries - self.exact

    @property
    def t_count(self) -> int:
        """T and T-dagger gates."""
        ops = self.circuit.count_ops()
        return int(ops.get("t", 0) + ops.get("tdg", 0))

    @property
    def cx_count(self) -> int:
        """CX gates."""
        return int(self.circuit.count_ops().get("cx", 0))

    @property
    def length(self) -> int:
        """All gates."""
        return int(self.circuit.size())


def lower_circuit(
    circuit: QuantumCircuit,
    synthesizer: Synthesizer,
    eps: float,
    *,
    per_unitary: bool = False,
    consolidate: bool = True,
    keep_non_unitary: bool = False,
    seed: int = 0,
) -> LoweredCircuit:
    """Rewrite a bound circuit over {h, s, sdg, t, tdg, x, z, cx} with total error <= the returned bound.

    Args:
        circuit: a circuit without free parameters whose multi-qubit gates are ``cx`` (after ``consolidate``).
        synthesizer: any ``Synthesizer`` (``AQStarSynthesizer``, gridsynth, ...).
        eps: total distance budget, split evenly over the single-qubit blocks (or, with ``per_unitary=True``,
            the budget of each block, as the ``clifford_t`` target does).
        per_unitary: ``eps`` applies to each block; the bound is then up to ``eps`` times their number.
        consolidate: first transpile to ``cx`` + ``u`` (splits larger gates); off when the circuit is already
            single-qubit gates + ``cx``.
        keep_non_unitary: keep barriers, measurements and resets in place (the compile target); otherwise
            final measurements and barriers are dropped and other non-unitary operations are rejected.
        seed: transpiler seed.

    Returns:
        ``LoweredCircuit``; with a split budget ``error_bound`` exceeds ``eps`` only if a synthesis missed
        its share (``failures``).

    Raises:
        SynthesisError: unbound parameters, mid-circuit measurement (without ``keep_non_unitary``), a
            multi-qubit gate other than ``cx``, or a gate without a matrix.
    """
    start = time.perf_counter()
    eps = check_eps(eps)
    if circuit.parameters:
        names = ", ".join(sorted(p.name for p in circuit.parameters)[:5])
        raise SynthesisError(f"circuit has unbound parameters ({names}); bind them before lowering")
    qc = circuit
    if not keep_non_unitary:
        qc = circuit.remove_final_measurements(inplace=False)
        bad = sorted({inst.operation.name for inst in qc.data} & _NON_UNITARY)
        if bad:
            raise SynthesisError(
                f"circuit has non-unitary operations ({', '.join(bad)}); only unitary circuits lower"
            )
    if consolidate:
        qc = transpile(qc, basis_gates=["cx", "u"], optimization_level=1, seed_transpiler=seed)
    items = _blocks(qc, keep_non_unitary)
    count = sum(1 for item in items if item[0] == "block")
    share = eps if per_unitary else eps / max(count, 1)
    out = QuantumCircuit(*qc.qregs, *qc.cregs, global_phase=float(qc.global_phase))
    cache: dict[bytes, tuple[tuple[str, ...], float, float, bool]] = {}
    low = LoweredCircuit(out, 0.0, count, 0, 0.0)
    for kind, what, where in items:
        if kind == "op":
            out.append(what.operation, what.qubits, what.clbits)
            continue
        key = np.round(what, 12).tobytes()
        if key not in cache:
            cache[key] = _lower_block(what, synthesizer, share)
        word, phase, dist, exact = cache[key]
        for g in word:
            out.append(_GATES[g], [where])
        out.global_phase += phase
        low.error_bound += dist
        low.exact += int(exact)
        low.failures += int(dist > share)
        low.max_block_distance = max(low.max_block_distance, dist)
        low.per_unitary.append(
            {"t_count": sum(g in ("t", "tdg") for g in word), "length": len(word), "distance": dist}
        )
    low.seconds = time.perf_counter() - start
    return low


def _blocks(qc: QuantumCircuit, keep: bool) -> list[tuple[str, object, int]]:
    """The circuit as ``("block", 2x2 matrix, qubit)`` and ``("op", instruction, -1)`` items, in order."""
    items: list[tuple[str, object, int]] = []
    pending: dict[int, np.ndarray] = {}

    def flush(q: int) -> None:
        u = pending.pop(q, None)
        if u is not None:
            items.append(("block", u, q))

    for inst in qc.data:
        op, qubits = inst.operation, [qc.find_bit(q).index for q in inst.qubits]
        if op.name in _KEPT or len(qubits) != 1:
            for q in qubits:
                flush(q)
            if op.name in _KEPT:
                if keep or op.name != "barrier":
                    items.append(("op", inst, -1))
                continue
            if op.name != "cx":
                raise SynthesisError(
                    f"Clifford+T lowering expects cx as the only multi-qubit gate, got {op.name} "
                    f"on {len(qubits)} qubits"
                )
            items.append(("op", inst, -1))
            continue
        try:
            mat = np.asarray(op.to_matrix(), dtype=complex)
        except Exception:  # noqa: BLE001 - any gate without a matrix cannot be lowered
            raise SynthesisError(f"Clifford+T lowering: gate {op.name!r} has no matrix") from None
        pending[qubits[0]] = mat @ pending.get(qubits[0], np.eye(2, dtype=complex))
    for q in sorted(pending):
        flush(q)
    return items


def _lower_block(u: np.ndarray, synth: Synthesizer, eps: float) -> tuple[tuple[str, ...], float, float, bool]:
    """``(word, phase, distance, exact)`` for one single-qubit unitary ``u ~= e^{i phase} word``."""
    exact = exact_word(u)
    if exact is not None:
        return tuple(exact[0]), exact[1], 0.0, True
    if abs(u[0, 1]) < 1e-12 and abs(u[1, 0]) < 1e-12:
        alpha = 0.5 * (np.angle(u[0, 0]) + np.angle(u[1, 1]))
        res = synth.synthesize_rz(float(np.angle(u[1, 1]) - np.angle(u[0, 0])), eps)
        return tuple(res.gates), float(alpha + res.global_phase), float(res.distance), False
    res = synth.synthesize_unitary(u, eps)
    return tuple(res.gates), float(res.global_phase), float(res.distance), False


@dataclass
class CliffordTLowering:
    """Callable lowering step of the ``clifford_t`` compile target (``TargetSpec.lowering``).

    Args:
        synthesizer: registered synthesiser name (``gridsynth``, ``sk``, ``aqstar``, ...).
        eps: accuracy per synthesised block (unitary distance).
        synthesizer_kwargs: keyword options of the synthesiser class.
    """

    synthesizer: str = "gridsynth"
    eps: float = 1e-3
    synthesizer_kwargs: dict | None = None

    def __call__(self, circuit: QuantumCircuit) -> tuple[QuantumCircuit, dict]:
        """Lower ``circuit`` (1-qubit gates + cx) to {h, s, sdg, t, tdg, x, cx}; return it and a report.

        Raises:
            EngineError: free parameters, a multi-qubit gate other than cx, or a gate without a matrix.
        """
        from qgen.compiler.errors import EngineError

        synth = SYNTHESIZERS[self.synthesizer](**(self.synthesizer_kwargs or {}))
        try:
            low = lower_circuit(
                circuit, synth, self.eps, per_unitary=True, consolidate=False, keep_non_unitary=True
            )
        except SynthesisError as exc:
            raise EngineError(f"clifford_t: {exc}") from None
        report = {
            "synthesizer": self.synthesizer,
            "eps": self.eps,
            "metric": "unitary distance sqrt(1 - |tr(U^dag V)/2^n|^2), bounded by the sum over blocks",
            "t_count": low.t_count,
            "seconds": low.seconds,
            "blocks": low.unitaries,
            "exact": low.exact,
            "synthesized": low.synthesized,
            "error_bound": low.error_bound,
            "max_block_distance": low.max_block_distance,
        }
        return low.circuit, report


def synthesize_two_qubit(unitary: np.ndarray, synthesizer: Synthesizer, eps: float) -> LoweredCircuit:
    """Clifford+T circuit for a two-qubit unitary: KAK (<= 3 CX, Qiskit) then each single-qubit factor.

    Raises:
        SynthesisError: not a 4x4 unitary, or eps outside (0, 1).
    """
    from qiskit.synthesis import TwoQubitBasisDecomposer

    u = check_unitary(unitary, 2)
    decomposer = TwoQubitBasisDecomposer(CXGate(), euler_basis="U")
    return lower_circuit(decomposer(u), synthesizer, eps, consolidate=False)


def circuit_distance(a: QuantumCircuit, b: QuantumCircuit) -> float:
    """d(U_a, U_b) of two circuits on the same qubits (dense operators: keep to ~12 qubits)."""
    ua = Operator(a.remove_final_measurements(inplace=False)).data
    ub = Operator(b.remove_final_measurements(inplace=False)).data
    return float(distance(ua, ub))
