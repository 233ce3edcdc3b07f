"""Lowering to Clifford+T: every single-qubit block becomes an exact word or a synthesised approximation.

Runs of single-qubit gates between two-qubit gates are multiplied into one 2x2 unitary per qubit. Unitaries
that equal a short Clifford+T word (up to phase) are written exactly; diagonal ones go to the synthesiser's
``synthesize_rz``, the rest to ``synthesize_unitary``. The global phase of each approximation is added to the
circuit, so the lowered circuit keeps the exact phase where the synthesiser reports it.

Error bound: with d(U, V) = sqrt(1 - |tr(U^dag V)/2^n|^2) (the sine of the Fubini-Study angle between U and
V in Hilbert-Schmidt space), d(U1 U2, V1 V2) <= d(U1, V1) + d(U2, V2) and d(U x I, V x I) = d(U, V), so the
sum of the per-block distances bounds the distance of the whole circuit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from qiskit.circuit import QuantumCircuit
from qiskit.circuit.library import get_standard_gate_name_mapping

from qgen.compiler.errors import EngineError
from qgen.compiler.synthesis import SYNTHESIZERS
from qgen.compiler.synthesis._words import exact_word

_GATES = get_standard_gate_name_mapping()


@dataclass
class CliffordTLowering:
    """Callable lowering step of the ``clifford_t`` target.

    Args:
        synthesizer: registered synthesiser name (``gridsynth``, ``sk``, ...).
        eps: accuracy per synthesised block (unitary distance).
        synthesizer_kwargs: keyword options of the synthesiser class.
    """

    synthesizer: str = "gridsynth"
    eps: float = 1e-3
    synthesizer_kwargs: dict | None = None

    def __call__(self, circuit: QuantumCircuit) -> tuple[QuantumCircuit, dict]:
        """Lower ``circuit`` (1-qubit gates + cx) to {h, s, sdg, t, tdg, x, cx}; return it and a report."""
        if circuit.parameters:
            names = sorted(p.name for p in circuit.parameters)
            raise EngineError(f"clifford_t cannot keep free parameters {names}: bind them before compiling")
        synth = SYNTHESIZERS[self.synthesizer](**(self.synthesizer_kwargs or {}))
        start = time.perf_counter()
        out = QuantumCircuit(*circuit.qregs, *circuit.cregs, global_phase=float(circuit.global_phase))
        pending: dict[int, np.ndarray] = {}
        stats = {"blocks": 0, "exact": 0, "synthesized": 0, "error_bound": 0.0, "max_block_distance": 0.0}

        def flush(q: int) -> None:
            u = pending.pop(q, None)
            if u is None:
                return
            stats["blocks"] += 1
            exact = exact_word(u)
            if exact is not None:
                word, phase, dist = exact[0], exact[1], 0.0
                stats["exact"] += 1
            else:
                if abs(u[0, 1]) < 1e-12 and abs(u[1, 0]) < 1e-12:
                    alpha = 0.5 * (np.angle(u[0, 0]) + np.angle(u[1, 1]))
                    res = synth.synthesize_rz(float(np.angle(u[1, 1]) - np.angle(u[0, 0])), self.eps)
                    phase = alpha + res.global_phase
                else:
                    res = synth.synthesize_unitary(u, self.eps)
                    phase = res.global_phase
                word, dist = res.gates, res.distance
                stats["synthesized"] += 1
            for g in word:
                out.append(_GATES[g], [q])
            out.global_phase += phase
            stats["error_bound"] += dist
            stats["max_block_distance"] = max(stats["max_block_distance"], dist)

        for inst in circuit.data:
            op, qubits = inst.operation, [circuit.find_bit(q).index for q in inst.qubits]
            if op.name in ("barrier", "measure", "reset") or len(qubits) != 1:
                for q in qubits:
                    flush(q)
                if op.name not in ("barrier", "measure", "reset") and op.name != "cx":
                    raise EngineError(
                        f"clifford_t lowering expects cx as the only multi-qubit gate, got {op.name}"
                    )
                out.append(op, inst.qubits, inst.clbits)
                continue
            try:
                mat = np.asarray(op.to_matrix(), dtype=complex)
            except Exception:  # noqa: BLE001 - any gate without a matrix cannot be lowered
                raise EngineError(f"clifford_t lowering: gate {op.name!r} has no matrix") from None
            pending[qubits[0]] = mat @ pending.get(qubits[0], np.eye(2, dtype=complex))
        for q in sorted(pending):
            flush(q)
        counts = out.count_ops()
        report = {
            "synthesizer": self.synthesizer,
            "eps": self.eps,
            "metric": "unitary distance sqrt(1 - |tr(U^dag V)/2^n|^2), bounded by the sum over blocks",
            "t_count": int(counts.get("t", 0) + counts.get("tdg", 0)),
            "seconds": time.perf_counter() - start,
            **stats,
        }
        return out, report
