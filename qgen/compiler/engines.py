"""Engines: ``qiskit`` (preset pass manager), ``tket`` (the backend's default pass), ``best`` (portfolio.py).

An engine maps a measurement-free circuit to one or more :class:`Candidate`s on the target's physical qubits,
each with its initial and final layout. ``qgen.compile`` verifies candidates best-first and keeps the first
that passes, so a miscompiled candidate is never returned.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from qiskit.circuit import QuantumCircuit

from qgen.compiler.errors import EngineError
from qgen.compiler.rewire import walk
from qgen.compiler.targets import NON_GATES, TargetSpec
from qgen.compiler.tket import run_pass
from qgen.registry import Registry


@dataclass
class Candidate:
    """One compiled circuit and where the virtual qubits are.

    Attributes:
        circuit: the compiled circuit on physical qubits (no measurements).
        initial_layout: physical qubit of each virtual qubit at the start.
        final_layout: physical qubit holding each virtual qubit at the end.
        pipeline: what produced it, e.g. ``"qiskit O3 seed=4 -> tket peephole"``.
        seconds: wall time of the pipeline.
        info: extra report of the pipeline (e.g. the Clifford+T error bound).
    """

    circuit: QuantumCircuit
    initial_layout: tuple[int, ...]
    final_layout: tuple[int, ...]
    pipeline: str
    seconds: float = 0.0
    info: dict | None = None

    def score(self) -> tuple[int, int, int]:
        """Sort key: 2-qubit gates, then depth, then size (smaller is better)."""
        return two_qubit_count(self.circuit), depth(self.circuit), gate_count(self.circuit)


def two_qubit_count(circuit: QuantumCircuit) -> int:
    """Gates on two or more qubits (barriers and measurements excluded; control-flow blocks counted)."""
    return sum(1 for op, qubits in walk(circuit) if len(qubits) >= 2 and op.name not in NON_GATES)


def gate_count(circuit: QuantumCircuit) -> int:
    """Unitary gates (barriers, measurements, resets excluded; control-flow blocks counted)."""
    return sum(1 for op, _ in walk(circuit) if op.name not in NON_GATES)


def depth(circuit: QuantumCircuit) -> int:
    """Circuit depth ignoring barriers."""
    return circuit.depth(lambda inst: inst.operation.name != "barrier")


def qiskit_layouts(out: QuantumCircuit, num_virtual: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Initial and final layout (virtual -> physical) of a circuit Qiskit transpiled."""
    if out.layout is None:
        ident = tuple(range(num_virtual))
        return ident, ident
    init = tuple(out.layout.initial_index_layout(filter_ancillas=True))
    final = tuple(out.layout.final_index_layout(filter_ancillas=True))
    return init, final


def compose(first: Candidate, second: Candidate, label: str) -> Candidate:
    """Chain two stages: ``second`` compiled ``first.circuit`` (its virtual qubits: ``first``'s physical)."""
    init = tuple(second.initial_layout[p] for p in first.initial_layout)
    final = tuple(second.final_layout[p] for p in first.final_layout)
    info = {**(first.info or {}), **(second.info or {})} or None
    return Candidate(second.circuit, init, final, label, first.seconds + second.seconds, info)


def native_problem(
    circuit: QuantumCircuit, target: TargetSpec, basis: tuple[str, ...] | None = None
) -> str | None:
    """Why ``circuit`` does not run on ``target`` as it is (gate set, connectivity, size), or ``None``."""
    allowed = set(basis or target.compile_basis) | {"measure", "barrier", "delay", "id", "reset"}
    edges = target.undirected_edges()
    directed = set(target.coupling_map or ())
    symmetric = {"cz", "rzz", "swap", "iswap", "rxx", "ryy"}
    if circuit.num_qubits > target.num_qubits:
        return f"{circuit.num_qubits} qubits > {target.num_qubits}"
    for op, qubits in walk(circuit):  # gates inside if_else blocks too
        name = op.name
        if name not in allowed:
            return f"gate {name!r} is not native"
        if len(qubits) == 2 and name not in ("barrier", "measure") and target.coupling_map is not None:
            if frozenset(qubits) not in edges:
                return f"{name} on {qubits}: not a coupled pair"
            if name not in symmetric and qubits not in directed:
                return f"{name} on {qubits}: wrong direction"
        fixed = target.fixed_angles.get(name)
        if fixed is not None and name not in ("barrier", "measure"):
            angle = op.params[0] if op.params else None
            if not isinstance(angle, float) or abs(math.remainder(angle - fixed, 2 * math.pi)) > 1e-9:
                return f"{name} with an angle other than {fixed:.6g} on {target.name} (fixed-angle gate)"
    return None


def finish(candidate: Candidate, target: TargetSpec) -> Candidate:
    """Rebase a candidate whose gates are not the target's (connectivity is left as it is)."""
    if native_problem(candidate.circuit, target) is None or target.tket_rebase is None:
        return candidate
    run = run_pass(candidate.circuit, target.tket_rebase(), width=candidate.circuit.num_qubits)
    step = Candidate(run.circuit, run.initial_layout, run.final_layout, "", run.seconds)
    return compose(candidate, step, candidate.pipeline + " -> tket rebase")


def run_qiskit(circuit: QuantumCircuit, target: TargetSpec, level: int, seed: int | None) -> Candidate:
    """Qiskit's preset pass manager at ``level`` with ``seed_transpiler=seed``."""
    start = time.perf_counter()
    pm = target.qiskit_pass_manager(level, seed)
    out = pm.run(circuit)
    init, final = qiskit_layouts(out, circuit.num_qubits)
    label = f"qiskit O{level}" + (f" seed={seed}" if seed is not None else "")
    return finish(Candidate(out, init, final, label, time.perf_counter() - start), target)


def run_tket(circuit: QuantumCircuit, target: TargetSpec, level: int, seed: int | None) -> Candidate:
    """The target's pytket pass (the vendor backend's default compilation pass where there is one)."""
    if target.tket_pass is None:
        raise EngineError(f"target {target.name!r} has no pytket pass")
    if circuit.parameters:
        raise EngineError(
            "the tket engine cannot keep free parameters: pytket squashes parametrised gates into non-linear "
            "(atan2) expressions; use engine 'qiskit' or 'best', or bind the parameters first"
        )
    run = run_pass(circuit, target.tket_pass(level, seed), width=_width(circuit, target))
    return finish(
        Candidate(run.circuit, run.initial_layout, run.final_layout, f"tket level {level}", run.seconds),
        target,
    )


def _width(circuit: QuantumCircuit, target: TargetSpec) -> int:
    return circuit.num_qubits if target.all_to_all else target.num_qubits


EngineFn = Callable[[QuantumCircuit, TargetSpec, int, "int | None"], list[Candidate]]

ENGINES: Registry[EngineFn] = Registry("engine")
"""Engines by name: ``(circuit, target, optimization_level, seed) -> [Candidate, ...]``."""


@ENGINES.register("qiskit")
def qiskit_engine(
    circuit: QuantumCircuit, target: TargetSpec, level: int, seed: int | None
) -> list[Candidate]:
    """Qiskit's preset pass manager for the target at ``level``."""
    return [run_qiskit(circuit, target, level, seed)]


@ENGINES.register("tket")
def tket_engine(circuit: QuantumCircuit, target: TargetSpec, level: int, seed: int | None) -> list[Candidate]:
    """The vendor backend's default pytket pass (FullPeepholeOptimise + routing where there is no backend)."""
    return [run_tket(circuit, target, level, seed)]
