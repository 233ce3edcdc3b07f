"""qgen's compact gate list: the circuit form qgen.sim runs, built from Qiskit circuits or by hand.

>>> gl = GateList(2, [("h", [0]), ("rx", [1], ["theta"]), ("cx", [0, 1])])
>>> gl.parameters
('theta',)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from qiskit.circuit import Parameter, ParameterExpression, QuantumCircuit

from qgen.errors import SimulationError, UnsupportedGateError
from qgen.sim.gates import GATES

_SKIPPED = {"barrier", "delay"}


@dataclass(frozen=True)
class ParamExpr:
    """A linear expression ``offset + sum(coeff * params[index])`` of a circuit's parameters."""

    terms: tuple[tuple[int, float], ...] = ()
    offset: float = 0.0

    @property
    def is_constant(self) -> bool:
        """True when no parameter appears."""
        return not self.terms

    def value(self, params: Sequence[float]) -> float:
        """Evaluate for concrete parameter values."""
        return self.offset + sum(c * params[i] for i, c in self.terms)


def linear_forms(exprs: Sequence[ParamExpr], num_params: int) -> tuple[np.ndarray, np.ndarray]:
    """``(offset (A,), coeff (P, A))`` so that the angles of ``exprs`` are ``offset + params @ coeff``."""
    offset = np.array([e.offset for e in exprs], dtype=np.float64)
    coeff = np.zeros((num_params, len(exprs)))
    for a, e in enumerate(exprs):
        for i, c in e.terms:
            coeff[i, a] += c
    return offset, coeff


@dataclass(frozen=True)
class Op:
    """One gate: a registered gate name (or ``"unitary"`` with a constant ``matrix``), qubits, angles."""

    name: str
    qubits: tuple[int, ...]
    params: tuple[ParamExpr, ...] = ()
    matrix: np.ndarray | None = field(default=None, compare=False)

    @property
    def is_parametric(self) -> bool:
        """True when an angle depends on a circuit parameter."""
        return any(not p.is_constant for p in self.params)


class GateList:
    """A circuit as a flat list of :class:`Op` over ``num_qubits`` qubits and named parameters.

    Args:
        num_qubits: number of qubits.
        ops: ``Op`` objects or tuples ``(name, qubits)`` / ``(name, qubits, angles)``; an angle is a number
            (a constant), a parameter name (``str``) or a :class:`ParamExpr`.
        parameters: parameter names in order (the order of the parameter vector); default: first use.
        global_phase: constant or :class:`ParamExpr` phase applied to the final state.
    """

    def __init__(
        self,
        num_qubits: int,
        ops: Iterable[Op | tuple],
        parameters: Sequence[str] | None = None,
        global_phase: float | ParamExpr = 0.0,
    ) -> None:
        self.num_qubits = int(num_qubits)
        names: list[str] = list(parameters or [])
        index = {n: i for i, n in enumerate(names)}
        normalised: list[Op] = []
        for op in ops:
            if not isinstance(op, Op):
                op = _op_from_tuple(op, names, index, fixed=parameters is not None)
            _check_op(op, self.num_qubits)
            normalised.append(op)
        self.ops: tuple[Op, ...] = tuple(normalised)
        self.parameters: tuple[str, ...] = tuple(names)
        if not isinstance(global_phase, ParamExpr):
            global_phase = ParamExpr((), float(global_phase))
        self.global_phase = global_phase

    @property
    def num_parameters(self) -> int:
        """Length of the parameter vector."""
        return len(self.parameters)

    def __len__(self) -> int:
        return len(self.ops)

    def to_qiskit(self) -> QuantumCircuit:
        """The same circuit as a Qiskit ``QuantumCircuit`` with ``Parameter``s named as here."""
        from qiskit.circuit.library import UnitaryGate, get_standard_gate_name_mapping

        mapping = get_standard_gate_name_mapping()
        params = [Parameter(n) for n in self.parameters]

        def angle(expr: ParamExpr):
            value = expr.offset
            for i, c in expr.terms:
                value = value + c * params[i]
            return value

        qc = QuantumCircuit(self.num_qubits, global_phase=angle(self.global_phase))
        for op in self.ops:
            if op.name == "unitary":
                qc.append(UnitaryGate(op.matrix), list(op.qubits))
                continue
            gate = mapping.get(op.name)
            if gate is None:
                from qiskit.circuit import library

                cls = getattr(library, f"{op.name.upper()}Gate")
            else:
                cls = type(gate)
            qc.append(cls(*[angle(p) for p in op.params]) if op.params else cls(), list(op.qubits))
        return qc

    def __repr__(self) -> str:
        return (
            f"GateList(num_qubits={self.num_qubits}, ops={len(self.ops)}, parameters={self.num_parameters})"
        )


def _op_from_tuple(item: tuple, names: list[str], index: dict[str, int], fixed: bool) -> Op:
    if not 2 <= len(item) <= 3:
        raise SimulationError(f"gate tuple must be (name, qubits[, angles]), got {item!r}")
    name, qubits = item[0], item[1]
    qubits = (qubits,) if isinstance(qubits, int) else tuple(int(q) for q in qubits)
    angles = item[2] if len(item) == 3 else ()
    exprs = []
    for a in angles:
        if isinstance(a, ParamExpr):
            exprs.append(a)
        elif isinstance(a, str):
            if a not in index:
                if fixed:
                    raise SimulationError(f"parameter {a!r} is not in the declared parameters {names}")
                index[a] = len(names)
                names.append(a)
            exprs.append(ParamExpr(((index[a], 1.0),)))
        else:
            exprs.append(ParamExpr((), float(a)))
    return Op(str(name), qubits, tuple(exprs))


def _check_op(op: Op, n: int) -> None:
    if any(q < 0 or q >= n for q in op.qubits):
        raise SimulationError(f"gate {op.name!r} on qubits {op.qubits} outside a {n}-qubit circuit")
    if len(set(op.qubits)) != len(op.qubits):
        raise SimulationError(f"gate {op.name!r} repeats a qubit: {op.qubits}")
    if op.name == "unitary":
        if op.matrix is None or op.matrix.shape != (2 ** len(op.qubits),) * 2:
            raise SimulationError(
                f"unitary on {len(op.qubits)} qubits needs a {2 ** len(op.qubits)}-square matrix"
            )
        return
    spec = GATES[op.name]
    if spec.num_qubits != len(op.qubits) or spec.num_params != len(op.params):
        raise SimulationError(
            f"gate {op.name!r} takes {spec.num_qubits} qubits and {spec.num_params} parameters, "
            f"got {len(op.qubits)} and {len(op.params)}"
        )


def linear_expr(value: object, index: dict[Parameter, int]) -> ParamExpr:
    """Turn a float or a Qiskit ``ParameterExpression`` that is linear in its parameters into a ParamExpr."""
    if not isinstance(value, ParameterExpression):
        return ParamExpr((), float(np.real(value)))
    params = list(value.parameters)
    if not params:
        return ParamExpr((), float(np.real(complex(value))))
    terms = []
    for p in params:
        grad = value.gradient(p)
        if isinstance(grad, ParameterExpression):
            if grad.parameters:
                raise SimulationError(f"angle {value} is not linear in {p}; qgen.sim needs linear angles")
            grad = complex(grad)
        terms.append((index[p], float(np.real(grad))))
    offset = value.bind({p: 0.0 for p in params})
    offset = float(np.real(complex(offset)))
    return ParamExpr(tuple(sorted(terms)), offset)


def from_qiskit(circuit: QuantumCircuit, parameters: Sequence[Parameter] | None = None) -> GateList:
    """Lower a Qiskit circuit to a :class:`GateList`.

    Final measurements and barriers are dropped; gates qgen.sim lacks are replaced by their matrix (when
    bound) or their definition. The parameter vector follows ``circuit.parameters`` unless ``parameters``
    gives the order.

    Raises:
        SimulationError: mid-circuit measurement, reset, classical control, non-linear angle.
    """
    params = list(parameters) if parameters is not None else list(circuit.parameters)
    index = {p: i for i, p in enumerate(params)}
    ops: list[Op] = []
    phase = [linear_expr(circuit.global_phase, index)]
    measured: set[int] = set()
    _lower(circuit, list(range(circuit.num_qubits)), index, ops, phase, measured, circuit)
    total = ParamExpr(
        tuple(_merge_terms(t for ph in phase for t in ph.terms)), sum(ph.offset for ph in phase)
    )
    return GateList(circuit.num_qubits, ops, [p.name for p in params], global_phase=total)


def _merge_terms(terms: Iterable[tuple[int, float]]) -> list[tuple[int, float]]:
    acc: dict[int, float] = {}
    for i, c in terms:
        acc[i] = acc.get(i, 0.0) + c
    return sorted(acc.items())


def _lower(
    circuit: QuantumCircuit,
    wires: list[int],
    index: dict[Parameter, int],
    ops: list[Op],
    phase: list[ParamExpr],
    measured: set[int],
    top: QuantumCircuit,
) -> None:
    for inst in circuit.data:
        op = inst.operation
        qubits = tuple(wires[circuit.find_bit(q).index] for q in inst.qubits)
        name = op.name
        if name in _SKIPPED:
            continue
        if name == "measure":
            measured.update(qubits)
            continue
        if measured.intersection(qubits):
            raise SimulationError(
                f"gate {name!r} acts on qubit(s) {sorted(measured.intersection(qubits))} after a "
                "measurement; "
                "qgen.sim simulates pure states and needs measurements at the end"
            )
        if name == "reset":
            raise SimulationError("reset is not supported by the statevector simulator")
        if getattr(op, "condition", None) is not None or op.name in {
            "if_else",
            "while_loop",
            "for_loop",
            "switch_case",
        }:
            raise SimulationError(f"classical control flow ({name}) is not supported by qgen.sim")
        if name == "global_phase":
            phase.append(linear_expr(op.params[0], index))
            continue
        spec = GATES.get(name)
        if spec is not None and spec.num_qubits == len(qubits) and spec.num_params == len(op.params):
            ops.append(Op(name, qubits, tuple(linear_expr(v, index) for v in op.params)))
            continue
        free = any(isinstance(v, ParameterExpression) and v.parameters for v in op.params)
        if not free:
            try:
                mat = np.asarray(op.to_matrix(), dtype=complex)
            except Exception:  # noqa: BLE001 - any gate without a matrix falls through to its definition
                mat = None
            if mat is not None:
                ops.append(Op("unitary", qubits, (), matrix=mat))
                continue
        definition = getattr(op, "definition", None)
        if definition is None:
            raise UnsupportedGateError(f"gate {name!r} has no matrix and no definition qgen.sim can use")
        phase.append(linear_expr(definition.global_phase, index))
        _lower(definition, list(qubits), index, ops, phase, measured, top)
