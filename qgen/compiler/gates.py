"""Turn gates that OpenQASM 3 round trips left as custom definitions (``r``, ``rzz``, ``ecr``, ...) back into
Qiskit's standard gates, so pytket, Aer and the target checks recognise them.

Qiskit's QASM 3 exporter writes a ``gate`` definition for every gate outside ``stdgates.inc``; the importer
then returns a generic ``Gate`` with that name. A custom gate is replaced only when its definition has the
standard gate's matrix (checked at random angles), so a user's own gate that reuses a name is left alone.
"""

from __future__ import annotations

import numpy as np
from qiskit.circuit import Gate, QuantumCircuit
from qiskit.circuit.library import get_standard_gate_name_mapping
from qiskit.quantum_info import Operator

_STANDARD = get_standard_gate_name_mapping()


def _same_as_standard(op: Gate, rng: np.random.Generator) -> bool:
    """Whether a custom gate's definition equals the standard gate of its name with its parameters."""
    std = _STANDARD.get(op.name)
    if std is None or not isinstance(std, Gate) or op.definition is None:
        return False
    if std.num_qubits != op.num_qubits or len(std.params) != len(op.params):
        return False
    free = set(op.definition.parameters)
    for p in op.params:
        free |= set(getattr(p, "parameters", ()))
    values = {p: float(rng.uniform(-np.pi, np.pi)) for p in free}
    try:
        params = [float(p.bind(values)) if hasattr(p, "bind") else float(p) for p in op.params]
        mine = Operator(op.definition.assign_parameters({p: values[p] for p in op.definition.parameters}))
        ref = Operator(std.base_class(*params)) if params else Operator(std)
    except Exception:  # noqa: BLE001 - anything unusual: keep the custom gate
        return False
    return mine.equiv(ref)


def standardize_gates(circuit: QuantumCircuit) -> QuantumCircuit:
    """A copy of ``circuit`` whose custom gates named like standard gates (and equal to them) are standard."""
    rng = np.random.default_rng(0)
    verdicts: dict[tuple, bool] = {}
    changed = False
    out = circuit.copy_empty_like()
    for inst in circuit.data:
        op = inst.operation
        std = _STANDARD.get(op.name)
        if std is not None and type(op) is Gate:
            key = (op.name, op.definition is not None and op.definition.num_parameters > 0)
            if key not in verdicts or not verdicts[key]:
                verdicts[key] = _same_as_standard(op, rng)
            if verdicts[key]:
                op = std.base_class(*op.params) if op.params else std
                changed = True
        out.append(op, inst.qubits, inst.clbits)
    return out if changed else circuit
