"""Turn a bound circuit into a symbolic one plus a values file: every numeric gate angle becomes a parameter.

Generated programs (an LLM's or KetGPT's answer, a dataset row's ``qasm3``) carry their angles as numbers.
``lift_parameters`` names them ``t000, t001, ...`` in program order, so the circuit can be written once with
``input float[64]`` parameters and its values as a values file (``{"name": value}``), the format
``qgen simulate/compile/run --values`` read and ``qgen search`` / ``qgen tn-init`` write.
"""

from __future__ import annotations

import math
from numbers import Real

from qiskit.circuit import Gate, Parameter, ParameterExpression, QuantumCircuit
from qiskit.circuit.library import get_standard_gate_name_mapping

from qgen.errors import QgenError

_MAX_EXPANSIONS = 8


def _is_number(value: object) -> bool:
    if isinstance(value, ParameterExpression):
        return False
    return isinstance(value, Real) and not isinstance(value, bool)


def _expand_custom(circuit: QuantumCircuit) -> QuantumCircuit:
    """Inline the gates a program defines (``gate layer(...)``) until only standard gates are left."""
    standard = set(get_standard_gate_name_mapping())
    for _ in range(_MAX_EXPANSIONS):
        custom = {
            inst.operation.name
            for inst in circuit.data
            if isinstance(inst.operation, Gate)
            and inst.operation.name not in standard
            and inst.operation.definition is not None
        }
        if not custom:
            return circuit
        circuit = circuit.decompose(gates_to_decompose=sorted(custom))
    return circuit


def lift_parameters(circuit: QuantumCircuit, prefix: str = "t") -> tuple[QuantumCircuit, dict[str, float]]:
    """The circuit with each numeric angle of a standard gate replaced by a named parameter, and the values.

    Names are ``{prefix}000``, ``{prefix}001``, ... in program order (names the circuit already uses are
    skipped); gates defined in the program are inlined first, so their angles are lifted too. Binding the
    values gives back the input circuit. Angles that are already symbolic stay as they are.

    Raises:
        QgenError: a non-finite angle.
    """
    circuit = _expand_custom(circuit)
    taken = {p.name for p in circuit.parameters}
    out = circuit.copy_empty_like()
    values: dict[str, float] = {}
    counter = 0

    def fresh() -> Parameter:
        nonlocal counter
        while True:
            name = f"{prefix}{counter:03d}"
            counter += 1
            if name not in taken:
                taken.add(name)
                return Parameter(name)

    standard = set(get_standard_gate_name_mapping())
    for inst in circuit.data:
        op = inst.operation
        if isinstance(op, Gate) and op.name in standard and any(_is_number(p) for p in op.params):
            params = []
            for value in op.params:
                if _is_number(value):
                    number = float(value)
                    if not math.isfinite(number):
                        raise QgenError(f"gate {op.name} has a non-finite angle {value!r}")
                    param = fresh()
                    values[param.name] = number
                    params.append(param)
                else:
                    params.append(value)
            op = op.copy()
            op.params = params
        out.append(op, inst.qubits, inst.clbits, copy=False)
    return out, values
