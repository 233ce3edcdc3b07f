"""A fast path for plain OpenQASM 3: programs that are OpenQASM 2 in OpenQASM 3 spelling.

Parsing OpenQASM 3 goes through the ``openqasm3`` ANTLR grammar in Python (about 0.4 ms a statement).
Most programs in practice - and everything ``dumps(version=3)`` writes for a circuit without parameters or
control flow - use only register declarations, ``stdgates.inc`` gates on indexed qubits with numeric
angles, ``gate`` definitions, ``measure``, ``reset``, ``barrier`` and ``gphase``.  :func:`translate` rewrites
such a program statement by statement into OpenQASM 2, which Qiskit's Rust importer reads with the
``stdgates.inc`` gates supplied as the same Qiskit gate classes ``qiskit.qasm3.loads`` gives.  Anything
else (or any failure) returns ``None`` and the full checker runs.
"""

from __future__ import annotations

import math
import re

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_CHUNK = re.compile(r"[^;{}]*[;{}]")
_HEADER = re.compile(r"\s*OPENQASM\s+3(?:\.0)?\s*")
_INCLUDE = re.compile(r'\s*include\s+"stdgates\.inc"\s*')
_REGISTER = re.compile(r"\s*(qubit|bit)\s*\[\s*([1-9]\d{0,8})\s*\]\s*([A-Za-z_]\w*)\s*")
_OPERAND = r"[A-Za-z_]\w*(?:\s*\[\s*\d{1,9}\s*\])?"
_OPERANDS = re.compile(rf"\s*{_OPERAND}(?:\s*,\s*{_OPERAND})*\s*")
_ASSIGN_MEASURE = re.compile(rf"\s*({_OPERAND})\s*=\s*measure\s+({_OPERAND})\s*")
_ARROW_MEASURE = re.compile(rf"\s*measure\s+{_OPERAND}\s*->\s*{_OPERAND}\s*")
_CALL = re.compile(r"\s*([A-Za-z_]\w*)\s*(?:\(([^;{}]*)\))?(.*)", re.S)
_GATE = re.compile(r"\s*gate\s+([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?([^{]*)", re.S)
_EXPR = re.compile(r"[\w\s.+\-*/(),]*")  # angles: numbers, names, + - * / ( ) and commas between them
_CALL_IN_EXPR = re.compile(r"[A-Za-z_]\w*\s*\(")
_PHASE_EXPR = re.compile(r"[0-9\s.eE+\-*/()pi]*")

#: ``stdgates.inc`` gate -> (Qiskit gate class name in ``qiskit.circuit.library``, parameters, qubits)
_STDGATES = {
    "p": ("PhaseGate", 1, 1), "phase": ("PhaseGate", 1, 1), "x": ("XGate", 0, 1), "y": ("YGate", 0, 1),
    "z": ("ZGate", 0, 1), "h": ("HGate", 0, 1), "s": ("SGate", 0, 1), "sdg": ("SdgGate", 0, 1),
    "t": ("TGate", 0, 1), "tdg": ("TdgGate", 0, 1), "sx": ("SXGate", 0, 1), "rx": ("RXGate", 1, 1),
    "ry": ("RYGate", 1, 1), "rz": ("RZGate", 1, 1), "cx": ("CXGate", 0, 2), "CX": ("CXGate", 0, 2),
    "cy": ("CYGate", 0, 2), "cz": ("CZGate", 0, 2), "cp": ("CPhaseGate", 1, 2),
    "cphase": ("CPhaseGate", 1, 2), "crx": ("CRXGate", 1, 2), "cry": ("CRYGate", 1, 2),
    "crz": ("CRZGate", 1, 2), "ch": ("CHGate", 0, 2), "swap": ("SwapGate", 0, 2), "ccx": ("CCXGate", 0, 3),
    "cswap": ("CSwapGate", 0, 3), "cu": ("CUGate", 4, 2), "u1": ("U1Gate", 1, 1), "u2": ("U2Gate", 2, 1),
    "u3": ("U3Gate", 3, 1), "id": ("UGate", 0, 1),
}  # fmt: skip


def custom_instructions() -> list:
    """The ``stdgates.inc`` gates for ``qiskit.qasm2.loads``, as ``qiskit.qasm3.loads`` builds them."""
    from qiskit import qasm2
    from qiskit.circuit import library

    found = []
    for name, (cls, params, qubits) in _STDGATES.items():
        # qiskit.qasm3.loads reads stdgates' id as U(0, 0, 0)
        constructor = _identity_u if name == "id" else getattr(library, cls)
        found.append(qasm2.CustomInstruction(name, params, qubits, constructor, builtin=True))
    return found


def _identity_u():
    from qiskit.circuit.library import UGate

    return UGate(0, 0, 0)


def _phase(expr: str) -> float | None:
    """The value of a constant ``gphase`` angle (numbers, ``pi``, + - * / and parentheses), else None."""
    if not _PHASE_EXPR.fullmatch(expr) or "**" in expr or re.search(r"[A-Za-z]", expr.replace("pi", "")):
        return None
    try:
        value = eval(expr, {"__builtins__": {}}, {"pi": math.pi})  # noqa: S307 - digits, pi and operators only
    except Exception:  # noqa: BLE001 - not a constant we can evaluate: the full checker decides
        return None
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def _call(stmt: str, gates: set[str], in_gate: bool) -> str | None:
    """A gate call in OpenQASM 2 spelling (the same text), or None if it is not a plain one."""
    m = _CALL.fullmatch(stmt)
    if m is None or m[1] not in gates or "@" in stmt:
        return None
    params, operands = m[2] or "", m[3]
    if not _EXPR.fullmatch(params) or _CALL_IN_EXPR.search(params) or "**" in params:
        return None
    if not operands.strip() or not _OPERANDS.fullmatch(operands) or (in_gate and "[" in operands):
        return None
    return stmt


def _plain(stmt: str) -> bool:
    """``reset`` or ``barrier`` on listed operands."""
    m = re.fullmatch(r"\s*(reset|barrier)\s+(.*)", stmt, re.S)
    return m is not None and _OPERANDS.fullmatch(m[2]) is not None


def translate(text: str) -> tuple[str, float] | None:
    """(OpenQASM 2 text, global phase) for a plain OpenQASM 3 program, else None."""
    clean = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)
    out: list[str] = []
    gates = set(_STDGATES) | {"U"}
    header = include = False
    phase = 0.0
    gate: str | None = None
    end = 0
    for chunk in _CHUNK.finditer(clean):
        end = chunk.end()
        stmt, term = chunk[0][:-1], chunk[0][-1]
        newlines = "\n" * stmt.count("\n")
        if term == "{":
            m = _GATE.fullmatch(stmt)
            if gate is not None or m is None or m[1] in gates or m[1] in ("gphase", "U"):
                return None
            if not _OPERANDS.fullmatch(m[3]) or "[" in m[3] or (m[2] and not re.fullmatch(r"[\w\s,]*", m[2])):
                return None
            gate = m[1]
            out.append(stmt + "{")
            continue
        if term == "}":
            if gate is None or stmt.strip():
                return None
            gates.add(gate)
            gate = None
            out.append(stmt + "}")
            continue
        if not stmt.strip():
            out.append(stmt + ";")
            continue
        if gate is not None:
            if _call(stmt, gates, True) is None:
                return None
            out.append(stmt + ";")
            continue
        if not header:
            if not _HEADER.fullmatch(stmt):
                return None
            header = True
            out.append(newlines + "OPENQASM 2.0;")
        elif _INCLUDE.fullmatch(stmt):
            if include:
                return None
            include = True
            out.append(newlines)
        elif m := _REGISTER.fullmatch(stmt):
            out.append(newlines + f"{'qreg' if m[1] == 'qubit' else 'creg'} {m[3]}[{m[2]}];")
        elif m := _ASSIGN_MEASURE.fullmatch(stmt):
            out.append(newlines + f"measure {m[2]} -> {m[1]};")
        elif _ARROW_MEASURE.fullmatch(stmt) or _plain(stmt):
            out.append(stmt + ";")
        elif m := re.fullmatch(r"\s*gphase\s*\((.*)\)\s*", stmt, re.S):
            value = _phase(m[1])
            if value is None:
                return None
            phase += value
            out.append(newlines)
        elif include and _call(stmt, gates, False) is not None:
            out.append(stmt + ";")
        else:
            return None
    if gate is not None or not header or not include or clean[end:].strip():
        return None
    return "".join(out), phase
