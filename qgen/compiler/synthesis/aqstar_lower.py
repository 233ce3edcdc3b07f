"""Lower whole circuits and two-qubit unitaries to Clifford+T with a synthesiser, with a checked error bound.

Single-qubit runs are merged into one unitary each (Qiskit transpiler, ``cx`` + ``u``), every non-Clifford+T
unitary is synthesised to eps / (number of unitaries), and the error bound is the sum of the achieved
distances: d is sin of the Fubini-Study angle between U / sqrt(2^n) and V / sqrt(2^n), a metric up to phase
that is unitarily invariant and unchanged by tensoring with identities, so
d(U_k ... U_1, V_k ... V_1) <= sum_i d(U_i, V_i).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from qiskit import QuantumCircuit, transpile
from qiskit.circuit.library import CXGate
from qiskit.quantum_info import Operator

from qgen.compiler.synthesis.base import Synthesizer
from qgen.compiler.synthesis.rl_basis import check_eps, check_unitary, distance
from qgen.compiler.synthesis.rl_errors import SynthesisError

CLIFFORD_T_GATES = ("h", "s", "sdg", "t", "tdg", "x", "z", "cx")
_NON_UNITARY = {"measure", "reset", "if_else", "while_loop", "for_loop", "switch_case", "delay"}


@dataclass
class LoweredCircuit:
    """A circuit over Clifford+T and CX with the bound on its distance to the original.

    Attributes:
        circuit: the lowered circuit (global phase tracked).
        error_bound: sum of the synthesis distances, >= d(original, circuit).
        unitaries: single-qubit unitaries synthesised.
        failures: how many of them missed their share of eps.
        seconds: wall time.
        metric: the distance the bound is on.
    """

    circuit: QuantumCircuit
    error_bound: float
    unitaries: int
    failures: int
    seconds: float
    metric: str = "d(U, V) = sqrt(1 - |tr(U^dag V) / 2^n|^2)"
    per_unitary: list[dict] = field(default_factory=list)

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
    seed: int = 0,
) -> LoweredCircuit:
    """Rewrite a bound circuit over {h, s, sdg, t, tdg, x, z, cx} with total error <= the returned bound.

    Args:
        circuit: a circuit without free parameters (final measurements and barriers are dropped).
        synthesizer: any ``Synthesizer`` (``AQStarSynthesizer``, gridsynth, ...).
        eps: total distance budget, split evenly over the single-qubit unitaries to synthesise (or, with
            ``per_unitary=True``, the budget of each unitary, as the ``clifford_t`` target does).
        per_unitary: ``eps`` applies to each unitary; the bound is then up to ``eps`` times their number.
        consolidate: merge single-qubit runs first (transpile to ``cx`` + ``u``); off when the circuit is
            already in that form.
        seed: transpiler seed.

    Returns:
        ``LoweredCircuit``; with a split budget ``error_bound`` exceeds ``eps`` only if a synthesis missed
        its share (``failures``).

    Raises:
        SynthesisError: unbound parameters, mid-circuit measurement, or gates on more than two qubits that the
            transpiler cannot split.
    """
    start = time.perf_counter()
    eps = check_eps(eps)
    if circuit.parameters:
        names = ", ".join(p.name for p in list(circuit.parameters)[:5])
        raise SynthesisError(f"circuit has unbound parameters ({names}); bind them before lowering")
    qc = circuit.remove_final_measurements(inplace=False)
    bad = sorted({inst.operation.name for inst in qc.data} & _NON_UNITARY)
    if bad:
        raise SynthesisError(
            f"circuit has non-unitary operations ({', '.join(bad)}); only unitary circuits lower"
        )
    if consolidate:
        qc = transpile(qc, basis_gates=["cx", "u"], optimization_level=1, seed_transpiler=seed)
    ones = [inst for inst in qc.data if inst.operation.num_qubits == 1 and inst.operation.name != "barrier"]
    share = eps if per_unitary else eps / max(len(ones), 1)
    out = QuantumCircuit(*qc.qregs, global_phase=qc.global_phase)
    cache: dict[bytes, object] = {}
    bound, failures, records = 0.0, 0, []
    for inst in qc.data:
        op = inst.operation
        if op.name == "barrier":
            continue
        if op.num_qubits == 2 and op.name == "cx":
            out.cx(*inst.qubits)
            continue
        if op.num_qubits != 1:
            raise SynthesisError(f"gate {op.name!r} on {op.num_qubits} qubits was not decomposed to cx + u")
        u = Operator(op).data
        key = np.round(u, 12).tobytes()
        if key not in cache:
            cache[key] = synthesizer.synthesize_unitary(u, share)
        res = cache[key]
        q = inst.qubits[0]
        for g in res.gates:
            getattr(out, g)(q)
        out.global_phase += res.global_phase
        bound += res.distance
        failures += int(res.distance > share)
        records.append({"t_count": res.t_count, "length": res.length, "distance": res.distance})
    return LoweredCircuit(out, bound, len(ones), failures, time.perf_counter() - start, per_unitary=records)


def synthesize_two_qubit(unitary: np.ndarray, synthesizer: Synthesizer, eps: float) -> LoweredCircuit:
    """Clifford+T circuit for a two-qubit unitary: KAK (<= 3 CX, Qiskit) then each single-qubit factor.

    Raises:
        SynthesisError: not a 4x4 unitary, or eps outside (0, 1).
    """
    from qiskit.synthesis import TwoQubitBasisDecomposer

    u = check_unitary(unitary, 2)
    decomposer = TwoQubitBasisDecomposer(CXGate(), euler_basis="U")
    qc = decomposer(u)
    return lower_circuit(qc, synthesizer, eps, consolidate=False)


def circuit_distance(a: QuantumCircuit, b: QuantumCircuit) -> float:
    """d(U_a, U_b) of two circuits on the same qubits (dense operators: keep to ~12 qubits)."""
    ua = Operator(a.remove_final_measurements(inplace=False)).data
    ub = Operator(b.remove_final_measurements(inplace=False)).data
    return float(distance(ua, ub))
