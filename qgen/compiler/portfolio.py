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

from qiskit.circuit import QuantumCircuit

from qgen.compiler.engines import ENGINES, Candidate, compose, finish, native_problem, run_qiskit, run_tket
from qgen.compiler.errors import EngineError
from qgen.compiler.rewire import active_qubits, is_dynamic, rewire
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
    from pytket.passes import (
        AutoRebase,
        DecomposeBoxes,
        FullPeepholeOptimise,
        GreedyPauliSimp,
        RemoveBarriers,
        SequencePass,
    )

    gadget_gates = {OpType.CX, OpType.CY, OpType.CZ, OpType.SWAP, OpType.H, OpType.S, OpType.Sdg, OpType.V}
    gadget_gates |= {OpType.Vdg, OpType.X, OpType.Y, OpType.Z, OpType.T, OpType.Tdg, OpType.Rx, OpType.Ry}
    gadget_gates |= {OpType.Rz, OpType.PhasedX, OpType.ZZPhase, OpType.ZZMax, OpType.XXPhase, OpType.YYPhase}
    return SequencePass(
        [
            DecomposeBoxes(),
            RemoveBarriers(),  # GreedyPauliSimp refuses barriers; they order nothing in a unitary circuit
            AutoRebase(gadget_gates),
            GreedyPauliSimp(only_reduce=True, trials=10, seed=0, thread_timeout=60),
            FullPeepholeOptimise(allow_swaps=True),
            AutoRebase({OpType.CX, OpType.TK1}),
        ]
    )


class Candidates(list):
    """The portfolio's candidates, with ``dropped``: each pipeline that failed and why."""

    def __init__(self, items=(), dropped: list[dict] | None = None) -> None:
        super().__init__(items)
        self.dropped: list[dict] = dropped if dropped is not None else []


def _attempt(label: str, fn, dropped: list[dict]) -> Candidate | None:
    """Run one pipeline; a failure drops that candidate only (recorded in ``dropped`` with its reason)."""
    start = time.perf_counter()
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001 - a failing pipeline never sinks the portfolio
        reason = f"{type(exc).__name__}: {exc}"
        dropped.append(
            {"pipeline": label, "status": "dropped", "reason": reason, "seconds": time.perf_counter() - start}
        )
        return None


def _chain(first: Candidate, then, label: str, dropped: list[dict]) -> Candidate | None:
    """Run ``then`` (a function of a circuit -> Candidate) on ``first``'s circuit and compose the layouts."""
    return _attempt(label, lambda: compose(first, then(first.circuit), label), dropped)


def _tket_stage(tket_pass_factory, width: int | None = None):
    def stage(circuit: QuantumCircuit) -> Candidate:
        run = run_pass(circuit, tket_pass_factory(), width=width or circuit.num_qubits)
        return Candidate(run.circuit, run.initial_layout, run.final_layout, "", run.seconds)

    return stage


def _logical(circuit: QuantumCircuit, tket_pass_factory, label: str, dropped: list[dict]) -> Candidate | None:
    def go() -> Candidate:
        run = run_pass(circuit, tket_pass_factory(), width=circuit.num_qubits)
        return Candidate(run.circuit, run.initial_layout, run.final_layout, label, run.seconds)

    return _attempt(label, go, dropped)


def _compact_stage(tket_pass_factory):
    """Run a connectivity-keeping tket pass on the touched qubits only (fast on 100+ qubit devices)."""

    def stage(circuit: QuantumCircuit) -> Candidate:
        active = active_qubits(circuit)
        small = rewire(circuit, {p: i for i, p in enumerate(active)}, len(active))
        run = run_pass(small, tket_pass_factory())
        big = rewire(run.circuit, dict(enumerate(active)), circuit.num_qubits)
        init = list(range(circuit.num_qubits))
        final = list(range(circuit.num_qubits))
        for i, p in enumerate(active):
            init[p] = active[run.initial_layout[i]]
            final[p] = active[run.final_layout[i]]
        return Candidate(big, tuple(init), tuple(final), "", run.seconds)

    return stage


@ENGINES.register("best")
def best_engine(circuit: QuantumCircuit, target: TargetSpec, level: int, seed: int | None) -> list[Candidate]:
    """Portfolio of Qiskit/tket pipelines; returns every valid candidate (``qgen.compile`` sorts them).

    A pipeline that raises is dropped alone (``Candidates.dropped`` says why); only when every pipeline
    fails does the engine raise, listing each reason.
    """
    seed = 0 if seed is None else seed
    dropped: list[dict] = []
    # without a coupling map Qiskit's O3 has no stochastic layout or routing: one seed says it all
    seeds = [seed + k for k in range(1 if target.all_to_all else SEEDS_PER_LEVEL[level])]
    out: list[Candidate | None] = []

    def qiskit_stage(s: int):
        return lambda c: run_qiskit(c, target, 3, s)

    # the two baselines, exactly as the single engines run them, then more Qiskit seeds
    for s in seeds:
        out.append(_attempt(f"qiskit O3 seed={s}", lambda s=s: run_qiskit(circuit, target, 3, s), dropped))
    tket_base = None
    if target.tket_pass is not None and not circuit.parameters:
        tket_base = _attempt("tket level 2", lambda: run_tket(circuit, target, 2, seed), dropped)
    out.append(tket_base)
    if level == 0 or circuit.parameters:  # pytket cannot keep free parameters linear: Qiskit pipelines only
        return _valid(out, target, dropped)
    dynamic = is_dynamic(circuit)
    if not dynamic:  # logical-circuit rewrites of unitary circuits only (no measurements or conditions)
        fpo = _logical(circuit, _logical_fpo, "tket FullPeepholeOptimise", dropped)
        if fpo is not None:
            for s in seeds[: max(1, len(seeds) // 3)]:
                label = f"tket FullPeepholeOptimise -> qiskit O3 seed={s}"
                out.append(_chain(fpo, qiskit_stage(s), label, dropped))
        if level >= 2 and circuit.size() <= GREEDY_PAULI_MAX_GATES:
            greedy = _logical(circuit, _logical_greedy, "tket GreedyPauliSimp", dropped)
            if greedy is not None:
                out.append(_chain(greedy, qiskit_stage(seed), "tket GreedyPauliSimp -> qiskit O3", dropped))
                if target.all_to_all and target.tket_pass is not None:
                    then = _tket_stage(lambda: target.tket_pass(2, seed))
                    out.append(_chain(greedy, then, "tket GreedyPauliSimp -> tket level 2", dropped))
    # the best Qiskit-routed circuits, then tket: its full pass (all-to-all) or a clean-up keeping couplings
    routed = sorted((c for c in out if c is not None and c is not tket_base), key=Candidate.score)
    for first in routed[: 1 if level < 3 else 3]:
        if target.all_to_all and target.tket_pass is not None:
            then = _tket_stage(lambda: target.tket_pass(2, seed))
            out.append(_chain(first, then, f"{first.pipeline} -> tket level 2", dropped))
        elif target.tket_rebase is not None:
            then = _compact_stage(lambda: _peephole_pass(target))
            out.append(_chain(first, then, f"{first.pipeline} -> tket peephole", dropped))
    if tket_base is not None and target.all_to_all:
        out.append(_chain(tket_base, qiskit_stage(seed), f"{tket_base.pipeline} -> qiskit O3", dropped))
    return _valid(out, target, dropped)


def _valid(candidates: list[Candidate | None], target: TargetSpec, dropped: list[dict]) -> Candidates:
    """Finish (rebase) candidates and drop those that still break the target's constraints."""
    kept = Candidates(dropped=dropped)
    for cand in candidates:
        if cand is None:
            continue
        start = time.perf_counter()
        finished = _attempt(cand.pipeline, lambda cand=cand: finish(cand, target), dropped)
        if finished is None:
            continue
        finished.seconds += time.perf_counter() - start
        problem = native_problem(finished.circuit, target)
        if problem is None:
            kept.append(finished)
        else:
            dropped.append({"pipeline": finished.pipeline, "status": "dropped", "reason": problem})
    if not kept:
        reasons = "; ".join(f"{d['pipeline']}: {d['reason']}" for d in dropped) or "no pipeline ran"
        raise EngineError(f"no portfolio pipeline produced a valid circuit for {target.name!r} ({reasons})")
    return kept
