"""Circuit plumbing the engines share: dynamic-circuit detection, touched qubits, qubit relabelling."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from qiskit.circuit import ControlFlowOp, QuantumCircuit

CONTROL_FLOW = ("if_else", "while_loop", "for_loop", "switch_case", "box")
"""Qiskit control-flow instruction names (their blocks hold the gates)."""


def is_dynamic(circuit: QuantumCircuit) -> bool:
    """True for classical control, resets, or a gate after a measurement on the same qubit."""
    measured: set[int] = set()
    for inst in circuit.data:
        op = inst.operation
        if isinstance(op, ControlFlowOp) or getattr(op, "condition", None) is not None or op.name == "reset":
            return True
        qubits = {circuit.find_bit(q).index for q in inst.qubits}
        if op.name == "measure":
            measured |= qubits
        elif op.name != "barrier" and measured & qubits:
            return True
    return False


def walk(circuit: QuantumCircuit) -> Iterator[tuple[object, tuple[int, ...]]]:
    """Every operation with its qubit indices in ``circuit``, descending into control-flow blocks."""
    for inst in circuit.data:
        qubits = tuple(circuit.find_bit(q).index for q in inst.qubits)
        if isinstance(inst.operation, ControlFlowOp):
            for block in inst.operation.blocks:
                for op, inner in walk(block):
                    yield op, tuple(qubits[i] for i in inner)
        else:
            yield inst.operation, qubits


def active_qubits(circuit: QuantumCircuit) -> list[int]:
    """Indices of the qubits some instruction (barriers excluded) acts on, sorted."""
    return sorted(
        {
            circuit.find_bit(q).index
            for inst in circuit.data
            if inst.operation.name != "barrier"
            for q in inst.qubits
        }
    )


def rewire(
    circuit: QuantumCircuit, qubit_map: Mapping[int, int] | Sequence[int], width: int
) -> QuantumCircuit:
    """``circuit`` on ``width`` qubits, its qubit ``i`` moved to ``qubit_map[i]``; classical bits kept.

    Control-flow operations move whole (their blocks are relative to their own qubits), so dynamic
    circuits survive the relabelling; barriers on qubits outside the map are dropped.
    """
    out = QuantumCircuit(width, global_phase=circuit.global_phase)
    for creg in circuit.cregs:
        out.add_register(creg)
    loose = [c for c in circuit.clbits if not circuit.find_bit(c).registers]
    if loose:
        out.add_bits(loose)
    table = dict(qubit_map) if isinstance(qubit_map, Mapping) else dict(enumerate(qubit_map))
    for inst in circuit.data:
        qubits = [table.get(circuit.find_bit(q).index) for q in inst.qubits]
        if None in qubits:
            if inst.operation.name == "barrier":
                qubits = [q for q in qubits if q is not None]
                if qubits:
                    out.barrier(qubits)
                continue
            raise ValueError(f"{inst.operation.name} acts on a qubit the map does not place")
        out.append(inst.operation, qubits, inst.clbits)
    return out
