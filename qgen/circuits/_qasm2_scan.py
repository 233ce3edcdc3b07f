"""A linear-time scan of OpenQASM 2 text: resource limits and non-spec ``qelib1.inc`` gates.

It runs before anything reaches Qiskit's importer, in one regular-expression pass (no parse tree), so a
100,000-statement program is scanned in well under a second.  It only counts: syntax and semantics are
checked by Qiskit's importer and, on failure, by :mod:`qgen.circuits._qasm_checker`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qgen.circuits._qasm_gates import BUILTINS_2, NON_SPEC_QELIB1, QELIB1_INC, Source
from qgen.circuits.diagnostic import Diagnostic
from qgen.circuits.limits import Limits, exceeded

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_CHUNK = re.compile(r"[^;{}]*[;{}]")
_NAME = re.compile(r"\s*([A-Za-z_]\w*)")
_REGISTER = re.compile(r"\s*(qreg|creg)\s+([A-Za-z_]\w*)\s*\[\s*(\d+)\s*\]")
_GATE = re.compile(r"\s*(?:gate|opaque)\s+([A-Za-z_]\w*)")
_IF = re.compile(r"\s*if\s*\([^)]*\)")
_OPERAND = re.compile(r"\s*([A-Za-z_]\w*)\s*(\[)?")
_SKIP = frozenset({"OPENQASM", "include", "barrier", "measure", "reset"})


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match[0])


@dataclass
class Scan:
    """What the scan found: diagnostics (limits exceeded, non-spec gates) and the counts."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    qubits: int = 0
    clbits: int = 0
    operations: int = 0
    statements: int = 0
    #: a gate is used that is neither built in, included nor defined (Qiskit's legacy loader still knows
    #: some of them): the full checker decides
    unknown_gate: bool = False
    #: the first such use, as qgen reports it when the program is too long for the full checker
    undefined: Diagnostic | None = None


def _operands(text: str) -> list[tuple[str, bool]]:
    """(register name, indexed?) for each comma-separated operand."""
    found = []
    for part in text.replace("->", ",").split(","):
        if m := _OPERAND.match(part):
            found.append((m[1], m[2] is not None))
    return found


def _call(stmt: str) -> tuple[str, str] | None:
    """(gate name, operand text) of a gate call, measure or reset statement."""
    m = _NAME.match(stmt)
    if m is None:
        return None
    rest = stmt[m.end() :].lstrip()
    if rest.startswith("("):
        depth = 0
        for i, ch in enumerate(rest):
            depth += (ch == "(") - (ch == ")")
            if depth == 0:
                rest = rest[i + 1 :]
                break
    return m[1], rest


def scan_qasm2(text: str, limits: Limits, filename: str | None = None) -> Scan:
    """Count qubits and expanded operations, stopping at the first limit exceeded; flag non-spec gates."""
    clean = _COMMENT.sub(_blank, text)
    src = Source(text)
    scan = Scan()
    qregs: dict[str, int] = {}
    sizes: dict[str, int] = {}  # expanded size of each gate defined in the program
    warned: set[str] = set()
    included = False
    gate: str | None = None
    body = 0

    def where(offset: int, stmt: str) -> tuple[int, int]:
        line, col0 = src.pos(offset + len(stmt) - len(stmt.lstrip()))
        return line, col0 + 1

    def error(offset: int, stmt: str, message: str) -> Scan:
        scan.diagnostics.append(Diagnostic(*where(offset, stmt), message, file=filename))
        return scan

    for chunk in _CHUNK.finditer(clean):
        stmt, term, offset = chunk[0][:-1], chunk[0][-1], chunk.start()
        scan.statements += 1
        if term == "{":
            m = _GATE.match(stmt)
            gate, body = (m[1], 0) if m else (None, 0)
            continue
        if term == "}":
            if gate is not None:
                sizes[gate] = body
            gate = None
            continue
        if m := _IF.match(stmt):
            stmt, offset = stmt[m.end() :], offset + m.end()
        call = _call(stmt)
        if call is None:
            continue
        name, rest = call
        if name == "include":
            included = included or "qelib1.inc" in rest
            continue
        if name == "OPENQASM":
            continue
        if name == "opaque":
            if m := _GATE.match("opaque " + rest):
                sizes[m[1]] = 1
            continue
        if name in ("qreg", "creg"):
            m = _REGISTER.match(stmt)
            if m is None:
                continue
            size = int(m[3]) if len(m[3]) <= 18 else 10**18
            if size == 0:  # Qiskit's importer takes it, OpenQASM 3 (and so dumps' output) does not
                at = offset + m.start(3)
                message = f"register size must be a positive integer constant (register '{m[2]}')"
                scan.diagnostics.append(Diagnostic(*where(at, ""), message, file=filename))
                return scan
            if name == "qreg":
                qregs[m[2]] = size
                scan.qubits += size
                if scan.qubits > limits.max_qubits:
                    what = f"register '{m[2]}' of {size} qubits: qubits in all registers"
                    return error(offset, stmt, exceeded("max_qubits", scan.qubits, limits, what))
            else:
                scan.clbits += size
                if scan.clbits > limits.max_clbits:
                    what = f"register '{m[2]}' of {size} bits: classical bits in all registers"
                    return error(offset, stmt, exceeded("max_clbits", scan.clbits, limits, what))
            continue
        if name in NON_SPEC_QELIB1 and name not in sizes and name not in warned and included:
            warned.add(name)
            scan.diagnostics.append(
                Diagnostic(
                    *where(offset, stmt),
                    f"'{name}' is not in the OpenQASM 2 specification's qelib1.inc (it is Qiskit's "
                    "extension): other tools may reject this program; define the gate to be portable",
                    severity="warning",
                    file=filename,
                )
            )
        if not (name in sizes or name in _SKIP or name in BUILTINS_2 or included and name in QELIB1_INC):
            if not scan.unknown_gate:
                hint = ' (did you forget \'include "qelib1.inc";\'?)' if name in QELIB1_INC else ""
                message = f"undefined gate '{name}'{hint}"
                scan.undefined = Diagnostic(*where(offset, stmt), message, file=filename)
            scan.unknown_gate = True
        size = sizes.get(name, 1)
        if gate is not None:
            body = min(body + size, limits.max_operations + 1)
            continue
        width = max([qregs.get(r, 1) for r, indexed in _operands(rest) if not indexed] or [1])
        scan.operations += width * size
        if scan.operations > limits.max_operations:
            what = "operations after broadcasting and expanding gate definitions"
            return error(offset, stmt, exceeded("max_operations", scan.operations, limits, what))
    return scan
