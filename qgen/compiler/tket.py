"""The bridge to pytket: Qiskit <-> tket conversion that keeps layouts and parameters, and pass builders.

tket angles are in half-turns; pytket-qiskit converts them and turns Qiskit ``Parameter``s into sympy symbols
of the same name (and back). Physical qubits are the single index of tket's ``node[i]`` / ``q[i]`` units.
"""

from __future__ import annotations

import functools
import math
import time
import warnings
from dataclasses import dataclass

from qiskit import transpile
from qiskit.circuit import QuantumCircuit

from qgen.compiler.errors import EngineError
from qgen.compiler.rewire import CONTROL_FLOW, rewire
from qgen.optional import require

# Qiskit gates qgen converts to pytket itself when they carry free parameters (name -> optypes key)
SYMBOLIC_GATES = {
    g: g
    for g in "x y z h s sdg t tdg sx sxdg rx ry rz r u p cx cy cz ch swap ecr rzz rxx ryy".split()  # noqa: SIM905
}

# Qiskit gates pytket-qiskit converts directly; others are unrolled into these first
_KNOWN_TEXT = (
    "id x y z h s sdg t tdg sx sxdg rx ry rz r u u1 u2 u3 p cx cy cz ch swap ccx cswap crx cry crz cp cu1"
)
TKET_KNOWN = [*_KNOWN_TEXT.split(), "cu3", "rxx", "ryy", "rzz", "ecr", "iswap"]


@functools.lru_cache(maxsize=1)
def optypes() -> dict[str, object]:
    """Qiskit gate name -> pytket OpType for the gates a target's basis may name."""
    require("pytket", extra="compile", purpose="pytket compilation")
    from pytket.circuit import OpType

    return {
        "cx": OpType.CX,
        "cy": OpType.CY,
        "cz": OpType.CZ,
        "ch": OpType.CH,
        "ecr": OpType.ECR,
        "swap": OpType.SWAP,
        "iswap": OpType.ISWAPMax,
        "rzz": OpType.ZZPhase,
        "rxx": OpType.XXPhase,
        "ryy": OpType.YYPhase,
        "rz": OpType.Rz,
        "rx": OpType.Rx,
        "ry": OpType.Ry,
        "r": OpType.PhasedX,
        "sx": OpType.SX,
        "sxdg": OpType.SXdg,
        "x": OpType.X,
        "y": OpType.Y,
        "z": OpType.Z,
        "h": OpType.H,
        "s": OpType.S,
        "sdg": OpType.Sdg,
        "t": OpType.T,
        "tdg": OpType.Tdg,
        "u": OpType.U3,
        "u3": OpType.U3,
        "u2": OpType.U2,
        "u1": OpType.U1,
        "p": OpType.U1,
    }


_GATE_TEXT = "cx cy cz ch ecr swap iswap rzz rxx ryy rz rx ry r sx sxdg x y z h s sdg t tdg u u3 u2 u1 p"
GATE_NAMES = frozenset(_GATE_TEXT.split(" "))
"""Qiskit gate names a target's basis may name (each has a pytket OpType in ``optypes``)."""
_SKIPPED = ("id", "measure", "barrier", "reset", "delay")


def check_gate_names(gates: tuple[str, ...] | list[str]) -> None:
    """Raise ``EngineError`` listing the known names when a basis names a gate no engine can target."""
    unknown = [g for g in gates if g not in GATE_NAMES and g not in _SKIPPED]
    if unknown:
        raise EngineError(f"pytket has no gate for {unknown}; known gates: {', '.join(sorted(GATE_NAMES))}")


def to_optypes(gates: tuple[str, ...] | list[str]) -> set:
    """Map Qiskit gate names to pytket OpTypes (``id``/``measure``/``barrier`` are skipped)."""
    check_gate_names(gates)
    table = optypes()
    return {table[g] for g in gates if g in table}


def to_tket(circuit: QuantumCircuit):
    """Convert a Qiskit circuit to pytket, unrolling gates pytket-qiskit cannot convert first.

    Circuits with free parameters go through :func:`symbolic_to_tket` (pytket-qiskit converts numbers only).
    """
    require("pytket", extra="compile", purpose="pytket compilation")
    from pytket.extensions.qiskit import qiskit_to_tk

    names = {inst.operation.name for inst in circuit.data}
    known = set(SYMBOLIC_GATES) if circuit.parameters else set(TKET_KNOWN)
    kept = {"measure", "reset", *CONTROL_FLOW}  # pytket-qiskit converts if_else into conditional operations
    if not names <= known | kept | {"barrier"}:
        basis = sorted(known | (kept & names))
        circuit = transpile(circuit, basis_gates=basis, optimization_level=0)
    tk = symbolic_to_tket(circuit) if circuit.parameters else qiskit_to_tk(circuit)
    return _single_qubit_register(tk, circuit)


def _single_qubit_register(tk, circuit: QuantumCircuit):
    """Name Qiskit qubit ``i`` ``q[i]`` in tket (several registers would give clashing indices).

    pytket-qiskit names qubit ``j`` of register ``R`` ``R[j]`` and tket sorts units by name, so ``a[0]``
    comes before ``q[0]``: the rename follows Qiskit's order, not ``tk.qubits``.
    """
    from pytket.circuit import Qubit

    names = []
    for bit in circuit.qubits:
        regs = circuit.find_bit(bit).registers
        names.append(Qubit(regs[0][0].name, regs[0][1]) if regs else None)
    if any(n is None for n in names) or set(names) != set(tk.qubits):
        names = list(tk.qubits)  # no register names to go by: tket's order is the circuit's
    target = [Qubit("q", i) for i in range(len(names))]
    if names == target:
        return tk
    tk.rename_units({q: Qubit("qgen_tmp", i) for i, q in enumerate(names)})  # two steps: no clashes
    tk.rename_units({Qubit("qgen_tmp", i): t for i, t in enumerate(target)})
    return tk


def _sym(value):
    """A Qiskit angle (float or linear ParameterExpression) in tket half-turns (float or sympy)."""
    import sympy
    from qiskit.circuit import ParameterExpression

    if isinstance(value, ParameterExpression):
        if not value.parameters:
            return float(value) / math.pi
        return value.sympify() / sympy.pi
    return float(value) / math.pi


def symbolic_to_tket(circuit: QuantumCircuit):
    """Qiskit -> pytket keeping ``Parameter``s as sympy symbols of the same name (angles / pi)."""
    require("pytket", extra="compile", purpose="pytket compilation")
    from pytket import Circuit

    table = optypes()
    tk = Circuit(circuit.num_qubits)
    tk.add_phase(_sym(circuit.global_phase))
    for inst in circuit.data:
        op = inst.operation
        qubits = [circuit.find_bit(q).index for q in inst.qubits]
        if op.name == "barrier":
            tk.add_barrier(qubits)
            continue
        if op.name not in SYMBOLIC_GATES:
            raise EngineError(f"cannot pass gate {op.name!r} with free parameters to pytket")
        tk.add_gate(table[SYMBOLIC_GATES[op.name]], [_sym(p) for p in op.params], qubits)
    return tk


def symbolic_from_tket(circ, parameters: dict) -> tuple[QuantumCircuit, dict]:
    """pytket -> Qiskit for circuits with symbols; returns the circuit and ``{bit: physical index}``."""
    from qiskit.circuit import QuantumRegister
    from qiskit.circuit.library import get_standard_gate_name_mapping

    gates = get_standard_gate_name_mapping()
    reverse = {v: k for k, v in optypes().items() if k not in ("u3", "u1")}
    width = max(physical_index(q) for q in circ.qubits) + 1 if circ.qubits else 0
    reg = QuantumRegister(width, "q")
    out = QuantumCircuit(reg, global_phase=_qiskit_angle(circ.phase, parameters))
    for cmd in circ.get_commands():
        qubits = [reg[physical_index(q)] for q in cmd.qubits]
        kind, params = cmd.op.type, [_qiskit_angle(p, parameters) for p in cmd.op.params]
        name = kind.name
        if name == "Barrier":
            out.barrier(qubits)
        elif name == "TK1":  # TK1(a, b, c) = U(b, a - 1/2, c + 1/2) e^{-i pi (a + c) / 2}  (half-turns)
            a, b, c = params
            out.append(gates["u"].base_class(b, a - math.pi / 2, c + math.pi / 2), qubits)
            out.global_phase -= (a + c) / 2
        elif name == "ZZMax":
            out.rzz(math.pi / 2, *qubits)
        elif kind in reverse:
            gate = gates[reverse[kind]]
            out.append(gate.base_class(*params) if params else gate, qubits)
        else:
            raise EngineError(f"cannot convert tket gate {name} with free parameters back to Qiskit")
    return out, {bit: i for i, bit in enumerate(reg)}


def _qiskit_angle(value, parameters: dict):
    """tket half-turns (float or sympy) -> a Qiskit angle built from the original ``Parameter`` objects.

    Raises:
        EngineError: the expression is not linear in the parameters (tket squashed parametrised gates into
            atan2/acos expressions), which Qiskit circuits, QASM 3 and qgen.sim cannot carry.
    """
    import sympy

    expr = sympy.expand(sympy.sympify(value) * sympy.pi)
    if not expr.free_symbols:
        return float(expr.evalf())
    symbols = sorted(expr.free_symbols, key=lambda s: s.name)
    try:
        poly = sympy.Poly(expr, *symbols)
        linear = poly.total_degree() <= 1 and all(c.is_number for c in poly.coeffs())
    except sympy.PolynomialError:
        linear = False
    if not linear:
        raise EngineError(
            "pytket turned free parameters into non-linear expressions; use engine 'qiskit' or 'best'"
        )
    result = float(expr.subs({s: 0 for s in symbols}).evalf())
    for sym in symbols:
        if sym.name not in parameters:
            raise EngineError(f"tket produced an unknown parameter {sym.name}")
        result = result + float(expr.coeff(sym)) * parameters[sym.name]
    return result


def physical_index(unit) -> int:
    """The integer of a tket qubit unit ``node[i]`` / ``q[i]``."""
    if len(unit.index) != 1:
        raise EngineError(f"cannot read a physical index from tket qubit {unit}")
    return int(unit.index[0])


@dataclass
class TketRun:
    """A circuit through a tket pass: the result on physical qubits and where each input qubit went."""

    circuit: QuantumCircuit
    initial_layout: tuple[int, ...]
    final_layout: tuple[int, ...]
    seconds: float


def run_pass(circuit: QuantumCircuit, tket_pass, width: int | None = None) -> TketRun:
    """Apply a pytket pass to a (measurement-free) Qiskit circuit and read the layouts back.

    Args:
        circuit: the input; its qubit ``i`` is virtual qubit ``i``.
        tket_pass: any pytket ``BasePass``.
        width: qubits of the output circuit (the device size); at least the largest physical index + 1.

    Returns:
        The output on physical qubits (parameters are the input's own ``Parameter`` objects), the initial
        layout (virtual -> physical) and final layout (virtual -> physical where its state ends).
    """
    require("pytket", extra="compile", purpose="pytket compilation")
    from pytket.extensions.qiskit import tk_to_qiskit
    from pytket.predicates import CompilationUnit

    start = time.perf_counter()
    tk = to_tket(circuit)
    originals = list(tk.qubits)
    cu = CompilationUnit(tk)
    keep_qubits(tket_pass).apply(cu)
    out = cu.circuit
    # implicit_qubit_permutation maps the wire a state ends on to the qubit it came from: invert it
    # (2-cycles read the same either way; a 3-cycle from FullPeepholeOptimise's wire swaps does not)
    ends_on = {src: dst for dst, src in out.implicit_qubit_permutation().items()}
    init = complete_layout([cu.initial_map.get(q) for q in originals], len(originals))
    final_units = [cu.final_map.get(q) for q in originals]
    final = complete_layout([None if u is None else ends_on.get(u, u) for u in final_units], len(originals))
    if circuit.parameters:
        qk, index = symbolic_from_tket(out, {p.name: p for p in circuit.parameters})
    else:
        with warnings.catch_warnings():  # the implicit permutation is in final_layout already
            warnings.filterwarnings("ignore", message=".*implicit qubit permutations.*")
            qk = inline_wrappers(tk_to_qiskit(_zzmax_as_zzphase(out)))
        # pytket-qiskit names each qubit by its tket register and index: node[i] / q[i] -> physical qubit i
        index = {bit: qk.find_bit(bit).registers[0][1] for bit in qk.qubits}
    width = max([width or 0, circuit.num_qubits, *[i + 1 for i in [*index.values(), *init, *final]]])
    placed = rewire(qk, {qk.find_bit(b).index: i for b, i in index.items()}, width)
    placed = _with_original_clbits(placed, circuit)
    placed = restore_parameters(placed, circuit)
    return TketRun(placed, init, final, time.perf_counter() - start)


def inline_wrappers(circuit: QuantumCircuit) -> QuantumCircuit:
    """Replace gates pytket-qiskit wraps (e.g. ``If``, a conditional tket op inside an ``if_else`` block) by
    their definitions, also inside control-flow blocks; other circuits come back as they are."""
    from qiskit.circuit import ControlFlowOp
    from qiskit.circuit.library import get_standard_gate_name_mapping

    standard = get_standard_gate_name_mapping()

    def wrapped(op) -> bool:
        return op.name not in standard and op.name not in CONTROL_FLOW and op.definition is not None

    def needs(c: QuantumCircuit) -> bool:
        return any(
            wrapped(i.operation)
            or (isinstance(i.operation, ControlFlowOp) and any(needs(b) for b in i.operation.blocks))
            for i in c.data
        )

    if not needs(circuit):
        return circuit
    out = circuit.copy_empty_like()
    for inst in circuit.data:
        op = inst.operation
        if isinstance(op, ControlFlowOp):
            out.append(op.replace_blocks([inline_wrappers(b) for b in op.blocks]), inst.qubits, inst.clbits)
        elif wrapped(op):  # its global phase is a phase of this classical branch only: unobservable
            body = inline_wrappers(op.definition)
            for sub in body.data:
                out.append(
                    sub.operation,
                    [inst.qubits[body.find_bit(q).index] for q in sub.qubits],
                    [inst.clbits[body.find_bit(c).index] for c in sub.clbits],
                )
            out.global_phase += body.global_phase
        else:
            out.append(inst)
    return out


def keep_qubits(tket_pass):
    """``tket_pass`` without ``FlattenRelabelRegistersPass``, which drops idle qubits and relabels the rest.

    Its qubit maps lose the dropped qubits and keep stale entries (pytket 2.x), so layouts read through them
    are wrong; qgen flattens registers itself (:func:`to_tket`) and keeps every qubit where it is.
    """
    from pytket.passes import SequencePass

    if "SequencePass" not in tket_pass.to_dict():
        return tket_pass
    kept = []
    for sub in tket_pass.get_sequence():
        if sub.to_dict().get("StandardPass", {}).get("name") == "FlattenRelabelRegistersPass":
            continue
        kept.append(keep_qubits(sub))
    return SequencePass(kept)


def complete_layout(units: list, num_qubits: int) -> tuple[int, ...]:
    """Physical indices of tket units; a qubit tket dropped (``None``, idle) keeps its own index if free.

    Raises:
        EngineError: two virtual qubits land on one physical qubit (a broken tket qubit map).
    """
    placed = [None if u is None else physical_index(u) for u in units]
    taken = {p for p in placed if p is not None}
    spare = iter(p for p in range(num_qubits + len(taken) + 1) if p not in taken)
    layout = []
    for v, p in enumerate(placed):
        if p is None:
            p = v if v not in taken else next(spare)
            taken.add(p)
        layout.append(p)
    if len(set(layout)) != len(layout):
        raise EngineError(f"tket returned an inconsistent qubit map {layout}")
    return tuple(layout)


def _with_original_clbits(placed: QuantumCircuit, original: QuantumCircuit) -> QuantumCircuit:
    """Put the original's classical registers first (same order and names); tket's extra bits after them."""
    if not placed.num_clbits or [c.name for c in placed.cregs] == [c.name for c in original.cregs]:
        return placed
    names = {c.name for c in original.cregs}
    out = QuantumCircuit(*placed.qregs, *original.cregs, global_phase=placed.global_phase)
    for creg in placed.cregs:
        if creg.name not in names:
            out.add_register(creg)
    by_name = {c.name: c for c in out.cregs}
    clbits = {}
    for bit in placed.clbits:
        reg, i = placed.find_bit(bit).registers[0]
        clbits[bit] = by_name[reg.name][i]
    for inst in placed.data:
        out.append(inst.operation, inst.qubits, [clbits[c] for c in inst.clbits])
    return out


def _zzmax_as_zzphase(circ):
    """Write ZZMax as ZZPhase(1/2) (= Qiskit rzz(pi/2)); pytket-qiskit would otherwise expand it into CX."""
    require("pytket", extra="compile", purpose="pytket compilation")
    from pytket.circuit import Circuit, OpType

    if not any(cmd.op.type == OpType.ZZMax for cmd in circ.get_commands()):
        return circ
    new = Circuit()
    for q in circ.qubits:
        new.add_qubit(q)
    for b in circ.bits:
        new.add_bit(b)
    new.add_phase(circ.phase)
    for cmd in circ.get_commands():
        if cmd.op.type == OpType.ZZMax:
            new.add_gate(OpType.ZZPhase, [0.5], cmd.args)
        else:
            new.add_gate(cmd.op, cmd.args)
    return new


def restore_parameters(compiled: QuantumCircuit, original: QuantumCircuit) -> QuantumCircuit:
    """Swap same-named new ``Parameter``s (from the tket round trip) for the original objects."""
    by_name = {p.name: p for p in original.parameters}
    mapping = {
        p: by_name[p.name] for p in compiled.parameters if p.name in by_name and by_name[p.name] is not p
    }
    return compiled.assign_parameters(mapping) if mapping else compiled
