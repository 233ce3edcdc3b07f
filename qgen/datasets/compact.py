"""The compact OpenQASM 3 form of an optimisation-dataset circuit: one ``gate`` per layer, called per layer.

A layered ansatz repeats one block of gates with fresh parameters. The compact form defines that block once
as ``gate layer(a0, a1, ...) q0, ..., q{n-1} { ... }`` (the block's parameters become gate parameters, with
their coefficients, e.g. ``rx(2*a1) q0;``) and calls it once per layer with the bound numbers, so its length
does not grow with the number of layers:

    OPENQASM 3.0;
    include "stdgates.inc";
    gate zz(t) a, b { cx a, b; rz(t) b; cx a, b; }
    gate layer(a0, a1) q0, q1, q2 { zz(a0) q0, q1; zz(a0) q1, q2; rx(2*a1) q0; rx(2*a1) q1; rx(2*a1) q2; }
    qubit[3] q;
    h q;
    layer(0.6155, 0.3927) q[0], q[1], q[2];
    layer(0.4118, 0.1868) q[0], q[1], q[2];

QAOA: the ``h`` layer is the prefix, cost + mixer the layer (``zz`` = the CNOT / RZ / CNOT of a ZZ term);
VQE ansatze: their repeated layer, then any closing rotations written out; ADAPT-VQE: the ``h`` layer and its
operator sequence (it has no repeated block). The fold is found on the symbolic circuit (parameters
``t000...``): a prefix, ``layers`` structurally equal blocks (same gates, qubits and coefficients, parameters
shifted), a suffix; when no fold exists the gates are written out. Both ``qgen.load`` and
``qiskit.qasm3.loads`` read the result and it expands to the same circuit as the flat ``qasm3``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from qiskit.circuit import ParameterExpression, QuantumCircuit

#: trained parameters are rounded to this many significant digits before the stored circuit is simulated
PARAM_DIGITS = 5
ZZ_GATE = "gate zz(t) a, b { cx a, b; rz(t) b; cx a, b; }"

_Arg = tuple  # ("p", index, coefficient) or ("c", value)
_Key = tuple  # (name, qubits, args)


def number(value: float) -> str:
    """Shortest text of a float that reads back to the same float (``1`` for 1.0, ``-0.5``)."""
    v = float(value)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def round_parameters(values) -> np.ndarray:
    """``values`` rounded to :data:`PARAM_DIGITS` significant digits (short numbers in both forms)."""
    return np.array([float(f"{float(v):.{PARAM_DIGITS}g}") for v in np.ravel(values)], dtype=np.float64)


def _arg(value) -> _Arg:
    if isinstance(value, ParameterExpression):
        params = list(value.parameters)
        if len(params) != 1:
            raise ValueError(f"cannot fold an angle with {len(params)} parameters: {value}")
        p = params[0]
        coef = float(value.gradient(p))
        if abs(float(value.bind({p: 0.0}))) > 0.0:
            raise ValueError(f"cannot fold an affine angle: {value}")
        return ("p", int(p.name[1:]), coef)
    return ("c", float(value))


def _keys(circuit: QuantumCircuit) -> list[_Key]:
    out = []
    for inst in circuit.data:
        qubits = tuple(circuit.find_bit(q).index for q in inst.qubits)
        out.append((inst.operation.name, qubits, tuple(_arg(v) for v in inst.operation.params)))
    return out


def _shift(keys: Sequence[_Key]) -> tuple[tuple[_Key, ...], int, int] | None:
    """Keys with parameter indices relative to the block's first one; (keys, base, count)."""
    idx = [a[1] for _, _, args in keys for a in args if a[0] == "p"]
    if not idx:
        return None
    base, top = min(idx), max(idx)
    rel = tuple(
        (n, q, tuple(("p", a[1] - base, a[2]) if a[0] == "p" else a for a in args)) for n, q, args in keys
    )
    return rel, base, top - base + 1


def fold(circuit: QuantumCircuit, layers: int) -> tuple[int, int] | None:
    """``(prefix, block)`` lengths such that ``layers`` equal blocks follow the prefix, or None."""
    keys = _keys(circuit)
    total = len(keys)
    first = next((i for i, (_, _, args) in enumerate(keys) if any(a[0] == "p" for a in args)), None)
    if first is None or layers < 1:
        return None
    for prefix in range(first, -1, -1):
        for suffix in range(total - prefix):
            body = total - prefix - suffix
            if body <= 0 or body % layers:
                continue
            size = body // layers
            blocks = [_shift(keys[prefix + k * size : prefix + (k + 1) * size]) for k in range(layers)]
            if any(b is None for b in blocks):
                continue
            if all(b[0] == blocks[0][0] and b[2] == blocks[0][2] for b in blocks):  # type: ignore[index]
                bases = [b[1] for b in blocks]  # type: ignore[index]
                step = blocks[0][2]  # type: ignore[index]
                if all(bases[k] == bases[0] + k * step for k in range(layers)):
                    return prefix, size
    return None


def _angle(arg: _Arg, names: Sequence[str], values: Sequence[float] | None) -> str:
    if arg[0] == "c":
        return number(arg[1])
    _, index, coef = arg
    if values is not None:  # bound: the number itself
        return number(coef * values[index]) if coef != 1.0 else number(values[index])
    name = names[index]
    return name if coef == 1.0 else (f"-{name}" if coef == -1.0 else f"{number(coef)}*{name}")


def _lines(
    keys: Sequence[_Key], qubit: Sequence[str], names: Sequence[str], values: Sequence[float] | None
) -> tuple[list[str], bool]:
    """Gate statements of ``keys`` (CNOT / RZ / CNOT triples become ``zz``); whether ``zz`` was used."""
    out, used, i = [], False, 0
    while i < len(keys):
        n, q, args = keys[i]
        if (
            n == "cx"
            and i + 2 < len(keys)
            and keys[i + 1][0] == "rz"
            and keys[i + 1][1] == (q[1],)
            and keys[i + 2][:2] == ("cx", q)
        ):
            angle = _angle(keys[i + 1][2][0], names, values)
            out.append(f"zz({angle}) {qubit[q[0]]}, {qubit[q[1]]};")
            used, i = True, i + 3
            continue
        params = f"({', '.join(_angle(a, names, values) for a in args)})" if args else ""
        out.append(f"{n}{params} {', '.join(qubit[j] for j in q)};")
        i += 1
    return out, used


def _prefix_lines(keys: Sequence[_Key], n: int, values: Sequence[float]) -> tuple[list[str], bool]:
    """The prefix; a parameterless one-qubit gate on every qubit in order is one broadcast (``h q;``)."""
    if len(keys) == n and n > 0 and all(k == (keys[0][0], (j,), ()) for j, k in enumerate(keys)):
        return [f"{keys[0][0]} q;"], False
    return _lines(keys, [f"q[{j}]" for j in range(n)], [], values)


def compact_qasm3(
    symbolic: QuantumCircuit, parameters: Sequence[float], layers: int, fold_layers: bool = True
) -> str:
    """The compact OpenQASM 3 program of ``symbolic`` (parameters ``t000...``) bound to ``parameters``.

    Args:
        symbolic: the stored parametrised circuit (``AnsatzCircuit.circuit``).
        parameters: values in the order ``t000, t001, ...``.
        layers: how many equal blocks to fold (QAOA p, VQE repetitions).
        fold_layers: False writes the gates out (ADAPT-VQE's operator sequence); one layer is never
            folded (the definition would only add text).
    """
    n = symbolic.num_qubits
    values = [float(v) for v in np.asarray(parameters, dtype=float)]
    keys = _keys(symbolic)
    found = fold(symbolic, layers) if fold_layers and layers >= 2 else None
    wires = [f"q[{j}]" for j in range(n)]
    head = ["OPENQASM 3.0;", 'include "stdgates.inc";']
    if found is None:
        first = n if len(keys) >= n and _prefix_lines(keys[:n], n, values)[0][0].endswith(" q;") else 0
        pre, _ = _prefix_lines(keys[:first], n, values)
        body, zz = _lines(keys[first:], wires, [], values)
        return "\n".join([*head, *([ZZ_GATE] if zz else []), f"qubit[{n}] q;", *pre, *body]) + "\n"
    prefix, size = found
    block = _shift(keys[prefix : prefix + size])
    assert block is not None
    rel, _, count = block
    width = len(str(count - 1))  # zero-padded: Qiskit's importer binds gate parameters in name order
    names = [f"a{j:0{width}d}" for j in range(count)]
    inner, zz = _lines(rel, [f"q{j}" for j in range(n)], names, None)
    gate = f"gate layer({', '.join(names)}) {', '.join(f'q{j}' for j in range(n))} {{ {' '.join(inner)} }}"
    pre, zz_pre = _prefix_lines(keys[:prefix], n, values)
    calls = []
    for k in range(layers):
        base = _shift(keys[prefix + k * size : prefix + (k + 1) * size])[1]  # type: ignore[index]
        calls.append(
            f"layer({', '.join(number(values[base + j]) for j in range(count))}) {', '.join(wires)};"
        )
    tail, zz_tail = _lines(keys[prefix + layers * size :], wires, [], values)
    defs = [ZZ_GATE] if (zz or zz_pre or zz_tail) else []
    return "\n".join([*head, *defs, gate, f"qubit[{n}] q;", *pre, *calls, *tail]) + "\n"
