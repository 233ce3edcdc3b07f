"""``qgen.compile``: OpenQASM or a Qiskit circuit in, a verified circuit for a vendor's device out."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from qiskit.circuit import ControlFlowOp, QuantumCircuit

from qgen.circuits import Profile, dumps, load, profile
from qgen.compiler.engines import ENGINES, Candidate
from qgen.compiler.errors import (
    CompilerError,
    EngineError,
    MiscompileError,
    TargetTooSmallError,
    UnsupportedCircuitError,
)
from qgen.compiler.gates import standardize_gates
from qgen.compiler.rewire import is_dynamic
from qgen.compiler.targets import TargetSpec, get_target
from qgen.compiler.verify import MAX_VERIFY_QUBITS, Verdict
from qgen.compiler.verify import verify as verify_fn
from qgen.compiler.verify_dynamic import MAX_DYNAMIC_VERIFY_QUBITS, verify_dynamic

#: first line of ``CompileResult.qasm()``: the physical qubit holding each virtual qubit at the end
LAYOUT_COMMENT = "// qgen final layout (physical qubit of virtual qubit 0, 1, ...):"


@dataclass
class CompileResult:
    """What :func:`compile` returns.

    Attributes:
        circuit: the compiled circuit on the target's physical qubits; measurements of the input are
            re-attached to the physical qubit holding each virtual qubit at the end, into the same clbits.
        original: the input circuit.
        target: the resolved :class:`TargetSpec`.
        engine: the engine asked for (``qiskit``, ``tket``, ``best``).
        pipeline: the pipeline that produced the winner (e.g. ``"qiskit O3 seed=3 -> tket peephole"``).
        optimization_level: the level asked for.
        seed: the seed used.
        before: profile of the input (2-qubit count, depth, 2-qubit depth, gate counts).
        after: profile of the compiled circuit.
        seconds: wall time of the whole compilation (all candidates and the verification).
        initial_layout: physical qubit of each virtual qubit at the start.
        final_layout: physical qubit holding each virtual qubit at the end.
        verdict: the equivalence check (``None`` when it was skipped).
        candidates: every pipeline tried: name, 2-qubit count, depth, seconds, status.
        lowering: the Clifford+T synthesis report (error bound, T-count) for ``clifford_t``.
    """

    circuit: QuantumCircuit
    original: QuantumCircuit
    target: TargetSpec
    engine: str
    pipeline: str
    optimization_level: int
    seed: int | None
    before: Profile
    after: Profile
    seconds: float
    initial_layout: tuple[int, ...]
    final_layout: tuple[int, ...]
    verdict: Verdict | None = None
    candidates: list[dict] = field(default_factory=list)
    lowering: dict | None = None

    @property
    def parameters(self) -> list[str]:
        """Names of the free parameters the compiled circuit keeps."""
        return [p.name for p in self.circuit.parameters]

    def qasm(self, version: int = 3) -> str:
        """The compiled circuit as OpenQASM 3 (free parameters as ``input float[64]``) or 2 (bound only).

        The first line is a comment with the final layout (:data:`LAYOUT_COMMENT`), so ``qgen run`` knows
        which physical qubit holds each virtual qubit; ``qgen compile -o`` writes exactly this text.
        """
        layout = " ".join(map(str, self.final_layout))
        return f"{LAYOUT_COMMENT} {layout}\n" + dumps(self.circuit, version=version)

    def bind(self, values: Mapping[str, float] | list[float]) -> QuantumCircuit:
        """The compiled circuit with its parameters bound, by name or in ``circuit.parameters`` order."""
        params = list(self.circuit.parameters)
        if isinstance(values, Mapping):
            missing = sorted(p.name for p in params if p.name not in values)
            if missing:
                raise CompilerError(f"no values for parameters {missing}")
            return self.circuit.assign_parameters({p: float(values[p.name]) for p in params})
        values = list(values)
        if len(values) != len(params):
            raise CompilerError(f"{len(params)} parameters, got {len(values)} values")
        return self.circuit.assign_parameters(dict(zip(params, map(float, values), strict=True)))

    def metrics(self) -> dict[str, dict[str, Any]]:
        """Metric name -> ``{"before": ..., "after": ...}`` (qubits, 2-qubit gates, depths, gates, ...)."""
        return {name: {"before": b, "after": a} for name, b, a in self._metric_rows()}

    def _metric_rows(self) -> list[tuple[str, Any, Any]]:
        b, a = self.before, self.after
        return [
            (
                "qubits",
                b.num_qubits,
                len(set(self.initial_layout) | set(self.final_layout) | _touched(self.circuit)),
            ),
            ("2-qubit gates", b.two_qubit_count, a.two_qubit_count),
            ("depth", b.depth, a.depth),
            ("2-qubit depth", b.two_qubit_depth, a.two_qubit_depth),
            ("gates", b.size, a.size),
            ("parameters", b.num_parameters, a.num_parameters),
        ]

    def to_dict(self) -> dict:
        """JSON-ready summary (no circuits): target, engine, metrics, layouts, verdict, candidates."""
        return {
            "target": self.target.summary(),
            "engine": self.engine,
            "pipeline": self.pipeline,
            "optimization_level": self.optimization_level,
            "seed": self.seed,
            "seconds": self.seconds,
            "before": _metrics(self.before),
            "after": _metrics(self.after),
            "initial_layout": list(self.initial_layout),
            "final_layout": list(self.final_layout),
            "parameters": self.parameters,
            "verdict": None if self.verdict is None else self.verdict.to_dict(),
            "lowering": self.lowering,
            "candidates": self.candidates,
        }


def _metrics(p: Profile) -> dict:
    return {
        "num_qubits": p.num_qubits,
        "two_qubit_count": p.two_qubit_count,
        "depth": p.depth,
        "two_qubit_depth": p.two_qubit_depth,
        "size": p.size,
        "gate_counts": dict(p.gate_counts),
    }


def _touched(circuit: QuantumCircuit) -> set[int]:
    return {
        circuit.find_bit(q).index
        for inst in circuit.data
        if inst.operation.name != "barrier"
        for q in inst.qubits
    }


def split_measurements(circuit: QuantumCircuit) -> tuple[QuantumCircuit, list[tuple[int, int]]]:
    """The unitary part of ``circuit`` and its final measurements as (qubit, clbit) pairs.

    Raises:
        UnsupportedCircuitError: classical control, resets, or a gate after a measurement.
    """
    unitary = QuantumCircuit(circuit.num_qubits, global_phase=circuit.global_phase)
    measures: list[tuple[int, int]] = []
    measured: set[int] = set()
    last_gate = {}
    for pos, inst in enumerate(circuit.data):
        if inst.operation.name not in ("barrier", "measure"):
            for q in inst.qubits:
                last_gate[circuit.find_bit(q).index] = pos
    for pos, inst in enumerate(circuit.data):
        op = inst.operation
        qubits = [circuit.find_bit(q).index for q in inst.qubits]
        if isinstance(op, ControlFlowOp) or getattr(op, "condition", None) is not None:
            raise UnsupportedCircuitError(
                f"classical control ({op.name}) is not supported by qgen.compile: compile the unitary part"
            )
        if op.name == "reset":
            raise UnsupportedCircuitError("resets are not supported by qgen.compile")
        if op.name == "measure":
            measured.add(qubits[0])
            measures.append((qubits[0], circuit.find_bit(inst.clbits[0]).index))
            continue
        if measured & set(qubits) and op.name != "barrier":
            raise UnsupportedCircuitError(
                f"gate {op.name} after a measurement on qubit {sorted(measured & set(qubits))[0]}: "
                "mid-circuit measurements are not supported by qgen.compile"
            )
        if op.name == "barrier" and all(last_gate.get(q, -1) < pos for q in qubits):
            continue  # a barrier after the last gate (before the measurements) only blocks nothing
        unitary.append(op, qubits)
    return unitary, measures


def attach_measurements(
    compiled: QuantumCircuit,
    original: QuantumCircuit,
    measures: list[tuple[int, int]],
    final: tuple[int, ...],
) -> QuantumCircuit:
    """Add the original's classical registers and measure physical ``final[q]`` into each measured clbit."""
    if not measures and not original.num_clbits:
        return compiled
    out = QuantumCircuit(*compiled.qregs, *original.cregs, global_phase=compiled.global_phase)
    if not original.cregs and original.num_clbits:
        out.add_bits(original.clbits)
    out.compose(compiled, qubits=range(compiled.num_qubits), inplace=True)
    for q, c in measures:
        out.measure(final[q], c)
    return out


def _as_circuit(circuit_or_qasm: QuantumCircuit | str | os.PathLike) -> QuantumCircuit:
    circuit = circuit_or_qasm if isinstance(circuit_or_qasm, QuantumCircuit) else load(circuit_or_qasm)
    return standardize_gates(circuit)


def compile(  # noqa: A001 - the public name (qgen.compile)
    circuit_or_qasm: QuantumCircuit | str | os.PathLike,
    target: str | TargetSpec = "quantinuum-h2",
    optimization_level: int = 2,
    engine: str = "best",
    seed: int | None = None,
    verify: bool | None = None,
    *,
    target_options: Mapping[str, Any] | None = None,
) -> CompileResult:
    """Compile a circuit for a target device and check that it is still the same circuit.

    Args:
        circuit_or_qasm: a Qiskit circuit, OpenQASM 2/3 text, or a path to a ``.qasm`` file.
        target: a target name (``qgen targets``) or a :class:`TargetSpec`.
        optimization_level: 0-3; the level of the Qiskit preset pass manager / pytket default pass; for
            ``best`` it sets the portfolio's size (seeds and chains).
        engine: ``qiskit``, ``tket`` or ``best`` (portfolio: fewest 2-qubit gates, then lowest depth).
        seed: seed of every stochastic step (Qiskit layout/routing, synthesis, verification); ``None`` -> 0.
        verify: check equivalence with qgen.sim; ``None`` checks circuits of <= 12 qubits.
        target_options: options of the target factory (e.g. ``{"two_qubit_gate": "zzmax"}``).

    Returns:
        A :class:`CompileResult`.

    Raises:
        QasmError: malformed OpenQASM.
        UnknownNameError: unknown target or engine (with the closest name).
        TargetTooSmallError: more qubits than the target has.
        UnsupportedCircuitError: a dynamic circuit (mid-circuit measurement, reset, classical control)
            for a target with a lowering step (``clifford_t``); other targets compile them (Aer verifies).
        EngineError: the engine cannot produce the target's gates (e.g. free parameters on ``clifford_t``).
        MiscompileError: no candidate passed the equivalence check (both circuits attached).

    >>> from qgen.compiler import compile
    >>> res = compile("OPENQASM 2.0; include \\"qelib1.inc\\"; qreg q[2]; h q[0]; cx q[0], q[1];",
    ...               target="quantinuum-h2", engine="tket", seed=0)
    >>> res.after.two_qubit_count, res.verdict.equivalent, sorted(res.after.gate_counts)
    (1, True, ['r', 'rz', 'rzz'])
    """
    start = time.perf_counter()
    seed = 0 if seed is None else int(seed)
    if optimization_level not in (0, 1, 2, 3):
        raise CompilerError(f"optimization_level must be 0, 1, 2 or 3, got {optimization_level}")
    spec = get_target(target, target_options)
    engine_fn = ENGINES[engine]
    original = _as_circuit(circuit_or_qasm)
    n = original.num_qubits
    if n > spec.num_qubits:
        raise TargetTooSmallError(spec.name, n, spec.num_qubits)
    dynamic = is_dynamic(original)  # mid-circuit measurement, reset, classical control: compiled whole
    if dynamic and spec.lowering is not None:
        raise UnsupportedCircuitError(
            f"target {spec.name!r} cannot compile dynamic circuits (mid-circuit measurement, reset or "
            "classical control): its gate-word lowering works on unitaries; compile for a device target "
            "(e.g. quantinuum-h2) or remove the dynamic part"
        )
    unitary, measures = (original, []) if dynamic else split_measurements(original)
    if unitary.parameters and not spec.parametric:
        names = sorted(p.name for p in unitary.parameters)
        raise EngineError(f"target {spec.name!r} cannot keep free parameters {names}: bind them first")
    if verify is None:
        verify = n <= (MAX_DYNAMIC_VERIFY_QUBITS if dynamic else MAX_VERIFY_QUBITS)
    produced = engine_fn(unitary, spec, optimization_level, seed)
    candidates = sorted(produced, key=Candidate.score)
    if not candidates:
        raise EngineError(f"engine {engine!r} produced no circuit for {spec.name!r}")
    report: list[dict] = [_row(c) for c in candidates]
    winner, verdict, lowering, failures = None, None, None, []
    for cand, row in zip(candidates, report, strict=True):
        if spec.lowering is not None:
            lowered, lowering = spec.lowering(cand.circuit)
            cand = Candidate(
                lowered,
                cand.initial_layout,
                cand.final_layout,
                cand.pipeline + " -> clifford+t",
                cand.seconds + lowering["seconds"],
                lowering,
            )
        if verify:
            bound = lowering["error_bound"] if lowering else None
            if dynamic:
                verdict = verify_dynamic(unitary, cand.circuit, cand.final_layout, seed=seed)
            else:
                layouts = (cand.initial_layout, cand.final_layout)
                verdict = verify_fn(unitary, cand.circuit, *layouts, error_bound=bound, seed=seed)
            row["verified"] = verdict.equivalent
            if not verdict.equivalent:
                failures.append((cand, verdict))
                continue
        winner = cand
        row["chosen"] = True
        break
    if winner is None:
        cand, verdict = failures[0]
        raise MiscompileError(
            f"{len(failures)} candidate(s) for {spec.name!r} failed the equivalence check "
            f"({verdict.metric}: {verdict.value:.3g} > {verdict.tolerance:.3g}); best was {cand.pipeline}",
            original=unitary,
            compiled=cand.circuit,
            verdict=verdict,
        )
    if dynamic:  # measurements and conditions were compiled in place
        final_circuit = winner.circuit
    else:
        final_circuit = attach_measurements(winner.circuit, original, measures, winner.final_layout)
    return CompileResult(
        circuit=final_circuit,
        original=original,
        target=spec,
        engine=engine,
        pipeline=winner.pipeline,
        optimization_level=optimization_level,
        seed=seed,
        before=profile(original),
        after=profile(final_circuit),
        seconds=time.perf_counter() - start,
        initial_layout=winner.initial_layout,
        final_layout=winner.final_layout,
        verdict=verdict if verify else None,
        candidates=report + list(getattr(produced, "dropped", [])),  # pipelines the portfolio dropped, why
        lowering=lowering,
    )


def _row(c: Candidate) -> dict:
    two, dep, size = c.score()
    return {"pipeline": c.pipeline, "two_qubit_count": two, "depth": dep, "size": size, "seconds": c.seconds}
