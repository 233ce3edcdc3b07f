"""The ``best`` engine: a portfolio of pipelines; the candidate with the fewest 2-qubit gates wins.

The portfolio always contains the two plain baselines, Qiskit at optimisation level 3 and the target's pytket
default pass at level 2, each exactly as the ``qiskit`` / ``tket`` engines run them with the same seed, so its
winner is never worse than either on 2-qubit count. Around them (more at higher ``optimization_level``):

* Qiskit O3 with further ``seed_transpiler`` values (SabreLayout / SabreSwap are stochastic);
* Qiskit, then a tket clean-up that keeps the connectivity (KAKDecomposition, CliffordSimp, SynthesiseTket),
  or on all-to-all targets the vendor's full tket pass (FullPeepholeOptimise + TK2 resynthesis);
* tket's FullPeepholeOptimise on the logical circuit, then Qiskit O3 (layout, routing, 2-qubit block
  resynthesis) with several seeds;
* tket's level-3 pass (GreedyPauliSimp) for small circuits, followed by Qiskit O3 where routing is needed.

Candidates whose gates or couplings are not the target's are dropped (never returned). Circuits with free
parameters run the Qiskit pipelines only: pytket squashes parametrised gates into non-linear expressions.
"""

from __future__ import annotations

import time
import warnings

from qiskit.circuit import QuantumCircuit

from qgen.compiler.engines import ENGINES, Candidate, compose, finish, native_problem, run_qiskit, run_tket
from qgen.compiler.errors import EngineError
from qgen.compiler.targets import TargetSpec
from qgen.compiler.tket import run_pass
from qgen.optional import require

SEEDS_PER_LEVEL = {0: 1, 1: 4, 2: 12, 3: 24}
"""Qiskit seeds tried by ``best`` per optimisation level on coupled devices (the baseline seed included)."""

GREEDY_PAULI_MAX_GATES = 600
"""tket's GreedyPauliSimp pipelines run only on circuits with at most this many gates (time)."""


def _peephole_pass(target: TargetSpec):
    """A tket clean-up of a compiled circuit that keeps its couplings: KAK, Clifford rewrites, resynthesis."""
    require("pytket", extra="compile", purpose="pytket compilation")
    from pytket.passes import CliffordSimp, KAKDecomposition, SequencePass, SynthesiseTket

    return SequencePass(
        [
            KAKDecomposition(allow_swaps=False),
            CliffordSimp(allow_swaps=False),
            SynthesiseTket(),
            target.tket_rebase(),
        ]
    )


def _logical_fpo():
    """FullPeepholeOptimise on the logical circuit (implicit wire swaps allowed), to CX + TK1."""
    require("pytket", extra="compile", purpose="pytket compilation")
    from pytket.circuit import OpType
    from pytket.passes import AutoRebase, DecomposeBoxes, FullPeepholeOptimise, SequencePass

    return SequencePass(
        [DecomposeBoxes(), FullPeepholeOptimise(allow_swaps=True), AutoRebase({OpType.CX, OpType.TK1})]
    )


def _logical_greedy():
    """GreedyPauliSimp (Pauli-gadget resynthesis) on the logical circuit, then FullPeepholeOptimise."""
    require("pytket", extra="compile", purpose="pytket compilation")
    from pytket.circuit import OpType
    from pytket.passes import AutoRebase, DecomposeBoxes, FullPeepholeOptimise, GreedyPauliSimp, SequencePass

    gadget_gates = {OpType.CX, OpType.CY, OpType.CZ, OpType.SWAP, OpType.H, OpType.S, OpType.Sdg, OpType.V}
    gadget_gates |= {OpType.Vdg, OpType.X, OpType.Y, OpType.Z, OpType.T, OpType.Tdg, OpType.Rx, OpType.Ry}
    gadget_gates |= {OpType.Rz, OpType.PhasedX, OpType.ZZPhase, OpType.ZZMax, OpType.XXPhase, OpType.YYPhase}
    return SequencePass(
        [
            DecomposeBoxes(),
            AutoRebase(gadget_gates),
            GreedyPauliSimp(only_reduce=True, trials=10, seed=0, thread_timeout=60),
            FullPeepholeOptimise(allow_swaps=True),
            AutoRebase({OpType.CX, OpType.TK1}),
        ]
    )


def _chain(first: Candidate, then, label: str) -> Candidate | None:
    """Run ``then`` (a function of a circuit -> Candidate) on ``first``'s circuit and compose the layouts."""
    try:
        second = then(first.circuit)
    except Exception as exc:  # noqa: BLE001 - a failing optional pipeline is skipped, the rest still run
        warnings.warn(f"portfolio pipeline {label!r} failed and was skipped: {exc}", stacklevel=3)
        return None
    return compose(first, second, label)


def _tket_stage(tket_pass_factory, width: int | None = None):
    def stage(circuit: QuantumCircuit) -> Candidate:
        run = run_pass(circuit, tket_pass_factory(), width=width or circuit.num_qubits)
        return Candidate(run.circuit, run.initial_layout, run.final_layout, "", run.seconds)

    return stage


def _logical(circuit: QuantumCircuit, tket_pass_factory, label: str) -> Candidate | None:
    try:
        run = run_pass(circuit, tket_pass_factory(), width=circuit.num_qubits)
    except Exception as exc:  # noqa: BLE001
        warnings.warn(f"portfolio pipeline {label!r} failed and was skipped: {exc}", stacklevel=2)
        return None
    return Candidate(run.circuit, run.initial_layout, run.final_layout, label, run.seconds)


def _compact_stage(tket_pass_factory):
    """Run a connectivity-keeping tket pass on the touched qubits only (fast on 100+ qubit devices)."""

    def stage(circuit: QuantumCircuit) -> Candidate:
        active = sorted({circuit.find_bit(q).index for inst in circuit.data for q in inst.qubits})
        local = {p: i for i, p in enumerate(active)}
        small = QuantumCircuit(len(active), global_phase=circuit.global_phase)
        for inst in circuit.data:
            small.append(inst.operation, [local[circuit.find_bit(q).index] for q in inst.qubits])
        run = run_pass(small, tket_pass_factory(), width=len(active))
        big = QuantumCircuit(circuit.num_qubits, global_phase=run.circuit.global_phase)
        for inst in run.circuit.data:
            big.append(inst.operation, [active[run.circuit.find_bit(q).index] for q in inst.qubits])
        init = list(range(circuit.num_qubits))
        final = list(range(circuit.num_qubits))
        for i, p in enumerate(active):
            init[p] = active[run.initial_layout[i]]
            final[p] = active[run.final_layout[i]]
        return Candidate(big, tuple(init), tuple(final), "", run.seconds)

    return stage


@ENGINES.register("best")
def best_engine(circuit: QuantumCircuit, target: TargetSpec, level: int, seed: int | None) -> list[Candidate]:
    """Portfolio of Qiskit/tket pipelines; returns every valid candidate (``qgen.compile`` sorts them)."""
    seed = 0 if seed is None else seed
    # without a coupling map Qiskit's O3 has no stochastic layout or routing: one seed says it all
    seeds = [seed + k for k in range(1 if target.all_to_all else SEEDS_PER_LEVEL[level])]
    out: list[Candidate | None] = []
    # the two baselines, exactly as the single engines run them, then more Qiskit seeds
    qiskit_runs = [run_qiskit(circuit, target, 3, s) for s in seeds]
    out += qiskit_runs
    tket_base = None
    if target.tket_pass is not None and not circuit.parameters:
        try:
            tket_base = run_tket(circuit, target, 2, seed)
        except EngineError as exc:  # e.g. tket cannot keep free parameters linear: plain tket has no result
            warnings.warn(f"portfolio: plain tket failed and was skipped: {exc}", stacklevel=2)
    out.append(tket_base)
    if level == 0 or circuit.parameters:  # pytket cannot keep free parameters linear: Qiskit pipelines only
        return _valid(out, target)

    def qiskit_stage(s: int):
        return lambda c: run_qiskit(c, target, 3, s)

    # tket's logical optimisation, then Qiskit (placement, routing, resynthesis) with a few seeds
    fpo = _logical(circuit, _logical_fpo, "tket FullPeepholeOptimise")
    if fpo is not None:
        for s in seeds[: max(1, len(seeds) // 3)]:
            out.append(_chain(fpo, qiskit_stage(s), f"tket FullPeepholeOptimise -> qiskit O3 seed={s}"))
    if level >= 2 and circuit.size() <= GREEDY_PAULI_MAX_GATES:
        greedy = _logical(circuit, _logical_greedy, "tket GreedyPauliSimp")
        if greedy is not None:
            out.append(_chain(greedy, qiskit_stage(seed), "tket GreedyPauliSimp -> qiskit O3"))
            if target.all_to_all and target.tket_pass is not None:
                then = _tket_stage(lambda: target.tket_pass(2, seed))
                out.append(_chain(greedy, then, "tket GreedyPauliSimp -> tket level 2"))
    # the best Qiskit-routed circuits, then tket: its full pass (all-to-all) or a clean-up keeping couplings
    routed = sorted((c for c in out if c is not None and c is not tket_base), key=Candidate.score)
    for first in routed[: 1 if level < 3 else 3]:
        if target.all_to_all and target.tket_pass is not None:
            then = _tket_stage(lambda: target.tket_pass(2, seed))
            out.append(_chain(first, then, f"{first.pipeline} -> tket level 2"))
        elif target.tket_rebase is not None:
            out.append(
                _chain(
                    first,
                    _compact_stage(lambda: _peephole_pass(target)),
                    f"{first.pipeline} -> tket peephole",
                )
            )
    if tket_base is not None and target.all_to_all:
        out.append(_chain(tket_base, qiskit_stage(seed), f"{tket_base.pipeline} -> qiskit O3"))
    return _valid(out, target)


def _valid(candidates: list[Candidate | None], target: TargetSpec) -> list[Candidate]:
    """Finish (rebase) candidates and drop those that still break the target's constraints."""
    kept = []
    for cand in candidates:
        if cand is None:
            continue
        start = time.perf_counter()
        try:
            cand = finish(cand, target)
        except Exception as exc:  # noqa: BLE001
            warnings.warn(f"portfolio candidate {cand.pipeline!r} could not be rebased: {exc}", stacklevel=2)
            continue
        cand.seconds += time.perf_counter() - start
        problem = native_problem(cand.circuit, target)
        if problem is None:
            kept.append(cand)
    if not kept:
        raise EngineError(f"no portfolio pipeline produced a valid circuit for {target.name!r}")
    return kept
