"""OpenQASM 2 text for circuits with single-bit classical conditions (MQT Bench's dynamic circuits).

Qiskit 2 writes no QASM 2 for ``if_else`` blocks, and QASM 2 can only test a whole classical register
(``if(c==1) x q[0];``). Circuits whose conditions test single bits are rewritten with one one-bit register
per classical bit (``c_0, c_1, ...``: same bits, same semantics), each block is written with Qiskit's own
exporter one instruction at a time, and every line of the block gets the ``if(reg==v)`` prefix.
"""

from __future__ import annotations

from qiskit import qasm2
from qiskit.circuit import ClassicalRegister, Clbit, Gate, QuantumCircuit
from qiskit.circuit.classical import expr

from qgen.datasets.errors import DatasetError

_CONTROL_FLOW = {"if_else", "while_loop", "for_loop", "switch_case", "box"}


def has_control_flow(circuit: QuantumCircuit) -> bool:
    """True when the circuit holds classical control flow."""
    return any(inst.operation.name in _CONTROL_FLOW for inst in circuit.data)


def _bit_condition(condition) -> tuple[Clbit, int]:
    """``(clbit, value)`` of a single-bit condition (tuple form or ``bit == value`` expression)."""
    if isinstance(condition, tuple) and isinstance(condition[0], Clbit):
        return condition[0], int(condition[1])
    if isinstance(condition, expr.Var) and isinstance(condition.var, Clbit):
        return condition.var, 1
    if isinstance(condition, expr.Binary) and condition.op == expr.Binary.Op.EQUAL:
        left, right = condition.left, condition.right
        if isinstance(left, expr.Cast):
            left = left.operand
        if isinstance(right, expr.Cast):
            right = right.operand
        if isinstance(left, expr.Value):
            left, right = right, left
        if isinstance(left, expr.Var) and isinstance(left.var, Clbit) and isinstance(right, expr.Value):
            return left.var, int(right.value)
    raise DatasetError(f"condition {condition} is not a single-bit test; OpenQASM 2 cannot express it")


def _body_lines(text: str) -> tuple[list[str], list[str]]:
    """Split exported QASM 2 into (gate/opaque definitions, statement lines) without header/declarations."""
    defs, body = [], []
    for line in text.splitlines():
        s = line.strip()
        if not s or s.startswith(("OPENQASM", "include", "qreg", "creg")):
            continue
        (defs if s.startswith(("gate ", "opaque ")) else body).append(s)
    return defs, body


def qasm2_with_conditions(circuit: QuantumCircuit) -> str:
    """OpenQASM 2 of ``circuit``; single-bit ``if`` blocks become ``if(c_k==v)`` lines (see module docs).

    Raises:
        DatasetError: loops, ``else`` branches or conditions on several bits.
    """
    if not has_control_flow(circuit):
        return qasm2.dumps(circuit)
    bit_reg: dict[Clbit, ClassicalRegister] = {}
    regs = []
    for reg in circuit.cregs:
        for k, bit in enumerate(reg):
            one = ClassicalRegister(1, f"{reg.name}_{k}")
            bit_reg[bit] = one
            regs.append(one)
    loose = [b for b in circuit.clbits if b not in bit_reg]
    for k, bit in enumerate(loose):
        one = ClassicalRegister(1, f"cbit_{k}")
        bit_reg[bit] = one
        regs.append(one)

    def fresh() -> QuantumCircuit:
        return (
            QuantumCircuit(*circuit.qregs, *regs)
            if circuit.qregs
            else QuantumCircuit(circuit.num_qubits, *regs)
        )

    def clbits(bits) -> list[Clbit]:
        return [bit_reg[b][0] for b in bits]

    main = fresh()
    blocks: list[list[str]] = []
    extra_defs: list[str] = []
    for inst in circuit.data:
        op = inst.operation
        if op.name not in _CONTROL_FLOW:
            main.append(op, inst.qubits, clbits(inst.clbits))
            continue
        if op.name != "if_else" or op.params[1] is not None:
            raise DatasetError(f"{op.name} (or an else branch) cannot be written as OpenQASM 2")
        bit, value = _bit_condition(op.condition)
        body = op.params[0]
        lines = []
        for sub in body.data:
            mini = fresh()
            qubits = [inst.qubits[body.find_bit(q).index] for q in sub.qubits]
            cl = [inst.clbits[body.find_bit(c).index] for c in sub.clbits]
            mini.append(sub.operation, qubits, clbits(cl))
            defs, stmts = _body_lines(qasm2.dumps(mini))
            extra_defs += [d for d in defs if d not in extra_defs]
            lines += [f"if({bit_reg[bit].name}=={value}) {s}" for s in stmts]
        marker = Gate(f"qgenifblock{len(blocks)}", len(inst.qubits), [])
        main.append(marker, inst.qubits)
        blocks.append(lines)
    text = qasm2.dumps(main)
    out = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("opaque qgenifblock"):
            continue
        if s.startswith("qgenifblock"):
            k = int(s[len("qgenifblock") :].split()[0])
            out.extend(blocks[k])
            continue
        out.append(line)
        if s.startswith("include"):
            out.extend(d for d in extra_defs if d not in text)
    return "\n".join(out) + "\n"
