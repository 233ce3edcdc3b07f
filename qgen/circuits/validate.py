"""Check OpenQASM 2/3 text before qgen loads it, with ``file:line:col`` diagnostics.

:func:`validate` runs, in order, and stops at the first stage that finds an error:

1. the ``OPENQASM 2.0;`` / ``OPENQASM 3.0;`` header (2, 2.0, 3 and 3.0 are accepted);
2. syntax, with the ANTLR grammar of the ``openqasm3`` reference parser (QASM 2 is parsed by the same
   grammar); only the first syntax error is reported;
3. semantic checks on the ``openqasm3.ast`` tree (every error found is reported, in source order):
   unknown gates / includes / registers / identifiers, qubit and parameter counts, indices, repeated
   qubits, broadcast and measurement sizes, duplicate declarations, and constructs that qgen's
   Qiskit-based loader cannot handle ("unsupported construct: ...");
4. the real import: ``qiskit.qasm2.loads`` (legacy custom instructions) or ``qiskit.qasm3.loads``.

In OpenQASM 3, identifiers that are used in gate parameter expressions but declared nowhere are *free
parameters* (see :func:`free_parameters`), which qgen turns into circuit parameters; in OpenQASM 2 they
are errors.  ``opaque`` (OpenQASM 2 only) is accepted as the declaration of a gate without a body; in an
OpenQASM 3 program it is reported as an unsupported construct.  Negative indices are rejected in both
versions, although OpenQASM 3 gives them a meaning.
"""

from __future__ import annotations

import math
import re

from openqasm3 import ast
from qiskit.circuit import QuantumCircuit

from qgen.circuits._qasm2_scan import scan_qasm2
from qgen.circuits._qasm3_fast import custom_instructions, translate
from qgen.circuits._qasm_checker import _Checker
from qgen.circuits._qasm_gates import (
    MISSING_HEADER,
    VERSIONS,
    Parsed,
    Source,
    column_spans,
    find_header,
    gc_paused,
    parse,
)
from qgen.circuits.diagnostic import Diagnostic, is_importer_failure
from qgen.circuits.limits import Limits, default_limits, exceeded
from qgen.circuits.source import decode_source
from qgen.errors import QasmError

__all__ = ["Diagnostic", "free_parameters", "qasm_version", "validate", "with_free_parameters_declared"]


def qasm_version(text: str) -> int | None:
    """2 or 3 from the ``OPENQASM x.y;`` header (after comments and blank lines), else None."""
    found = find_header(text)
    return VERSIONS.get(found[0] or "") if found else None


def _analyse(
    text: str, filename: str | None = None, limits: Limits | None = None
) -> tuple[Parsed | None, _Checker | None]:
    parsed = parse(text)
    if parsed is None or parsed.program is None:
        return parsed, None
    checker = _Checker(Source(text), parsed.version, filename, default_limits(limits))
    checker.run(parsed.program, parsed.opaques)
    return parsed, checker


def free_parameters(text: str) -> list[str]:
    """OpenQASM 3 only: undeclared names used in gate parameter expressions, in first-use order."""
    try:
        parsed, checker = _analyse(text)
    except Exception:  # noqa: BLE001 - best effort: text that cannot be analysed has no free parameters
        return []
    return list(checker.free) if checker is not None and parsed.version == 3 else []


def _declare_free(text: str, program: ast.Program, names: list[str]) -> tuple[str, int, int]:
    """(new text, insertion offset, inserted length): declarations after the header and includes."""
    if not names:
        return text, 0, 0
    src = Source(text)
    offset = find_header(text)[2]
    for stmt in program.statements:
        if not isinstance(stmt, ast.Include):
            break
        offset = src.offset(stmt.span.end_line, stmt.span.end_column) + 1
    inserted = "".join(f"\ninput float[64] {name};" for name in names)
    return text[:offset] + inserted + text[offset:], offset, len(inserted)


def with_free_parameters_declared(text: str) -> str:
    """The OpenQASM 3 text with ``input float[64] NAME;`` added for each free parameter (else unchanged)."""
    try:
        parsed, checker = _analyse(text)
    except Exception:  # noqa: BLE001 - best effort, as free_parameters
        return text
    if checker is None or parsed.version != 3:
        return text
    return _declare_free(text, parsed.program, checker.free)[0]


def _unquote(message: str) -> str:
    message = message.strip()
    if len(message) >= 2 and message[0] == message[-1] and message[0] in "'\"":
        message = message[1:-1]
    return message


def _import_check(text: str, parsed: Parsed, free: list[str], filename: str | None) -> list[Diagnostic]:
    """Load the program with Qiskit; its error, if any, as a diagnostic in the caller's coordinates."""
    if parsed.version == 2:
        import qiskit.qasm2

        try:
            qiskit.qasm2.loads(text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
        except BaseException as exc:  # noqa: BLE001 - any failure of the importer is a diagnostic
            if not is_importer_failure(exc):
                raise
            message = _unquote(getattr(exc, "message", None) or str(exc))
            if m := re.match(r"<input>:(\d+),(\d+):\s*(.*)", message, re.S):
                return [Diagnostic(int(m[1]), int(m[2]) + 1, f"qiskit.qasm2: {m[3]}", file=filename)]
            return [Diagnostic(1, 1, f"qiskit.qasm2: {type(exc).__name__}: {message}", file=filename)]
        return []
    import qiskit.qasm3

    loaded, at, length = _declare_free(text, parsed.program, free)
    try:
        with column_spans():
            qiskit.qasm3.loads(loaded)
    except Exception as exc:  # noqa: BLE001 - any failure of the importer is a diagnostic
        message = _unquote(getattr(exc, "message", None) or str(exc))
        m = re.match(r"L?(\d+)(?:,|:C)(\d+):\s*(.*)", message, re.S)
        if m is None:
            return [Diagnostic(1, 1, f"qiskit.qasm3: {type(exc).__name__}: {message}", file=filename)]
        offset = Source(loaded).offset(int(m[1]), int(m[2]))
        offset = offset if offset < at else max(at, offset - length)
        line, col0 = Source(text).pos(offset)
        return [Diagnostic(line, col0 + 1, f"qiskit.qasm3: {m[3]}", file=filename)]
    return []


_NO_DEFINITION = frozenset({"measure", "reset", "barrier", "delay", "store"})


def _non_finite_operation(circuit, seen: set | None = None) -> str | None:
    """The quoted name of the first operation with an infinite or NaN parameter, else None.

    Looks into the blocks of control flow and into the definitions of the program's own gates (each
    distinct gate and parameter list once): a gate body can turn finite arguments into an infinite angle.
    """
    seen = set() if seen is None else seen
    phase = circuit.global_phase
    if isinstance(phase, (int, float)) and not math.isfinite(phase):
        return "'gphase'"
    for instruction in circuit.data:
        op = instruction.operation
        for param in op.params:
            if isinstance(param, (int, float)) and not math.isfinite(param):
                return f"'{op.name}'"
        if blocks := getattr(op, "blocks", None):
            for block in blocks:
                if (name := _non_finite_operation(block, seen)) is not None:
                    return name
            continue
        if getattr(op, "_standard_gate", None) is not None or op.name in _NO_DEFINITION:
            continue
        try:
            key = (op.name, op.num_qubits, tuple(op.params))
            if key in seen:
                continue
            seen.add(key)
        except TypeError:  # an unhashable parameter: check this definition without remembering it
            pass
        definition = op.definition
        if definition is not None and (name := _non_finite_operation(definition, seen)) is not None:
            return f"{name} in the definition of '{op.name}'"
    return None


#: OpenQASM 2 programs longer than this are explained by Qiskit's importer alone when it rejects them
SLOW_CHECK_STATEMENTS = 2000


_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


def _where(d: Diagnostic) -> tuple[int, int]:
    return d.line, d.column


def _check_qasm2(
    text: str, filename: str | None, limits: Limits
) -> tuple[list[Diagnostic], QuantumCircuit | None]:
    """OpenQASM 2: the linear scan, then Qiskit's (fast) importer; the full checker only on failure."""
    import qiskit.qasm2

    scan = scan_qasm2(text, limits, filename)
    if any(d.severity == "error" for d in scan.diagnostics):
        return scan.diagnostics, None
    if scan.unknown_gate and scan.statements > SLOW_CHECK_STATEMENTS:
        return sorted([scan.undefined, *scan.diagnostics], key=_where), None
    if scan.unknown_gate and (diagnostics := _validate_slow(text, filename, limits)[0]):
        return sorted(diagnostics + scan.diagnostics, key=lambda d: (d.line, d.column)), None
    try:
        circuit = qiskit.qasm2.loads(text, custom_instructions=qiskit.qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
    except BaseException as exc:  # noqa: BLE001 - explained by the checker below, or by Qiskit's own message
        if not is_importer_failure(exc):
            raise
        circuit = None
    if circuit is not None:
        name = _non_finite_operation(circuit)
        if name is None:
            return scan.diagnostics, circuit
    if circuit is None and scan.statements > SLOW_CHECK_STATEMENTS:
        # the full checker parses with ANTLR's Python runtime (about 1 ms a statement): Qiskit's message
        parsed = Parsed(2)
        return sorted(_import_check(text, parsed, [], filename) + scan.diagnostics, key=_where), None
    diagnostics = _validate_slow(text, filename, limits)[0]
    if circuit is not None and not diagnostics:
        diagnostics = [Diagnostic(1, 1, f"a parameter of {name} is not a finite number", file=filename)]
    return sorted(diagnostics + scan.diagnostics, key=lambda d: (d.line, d.column)), None


def _convert3(
    parsed: Parsed, free: list[str], filename: str | None
) -> tuple[list[Diagnostic], QuantumCircuit | None]:
    """OpenQASM 3: the checked AST to a circuit with Qiskit's converter (no second parse of the text)."""
    from qiskit_qasm3_import import convert

    statements = list(parsed.program.statements)
    at = next((i for i, stmt in enumerate(statements) if not isinstance(stmt, ast.Include)), len(statements))
    declared = [
        ast.IODeclaration(ast.IOKeyword.input, ast.FloatType(ast.IntegerLiteral(64)), ast.Identifier(name))
        for name in free
    ]
    statements[at:at] = declared
    program = ast.Program(statements=statements, version=parsed.program.version)
    try:
        circuit = convert(program)
        if (name := _non_finite_operation(circuit)) is not None:
            return [Diagnostic(1, 1, f"a parameter of {name} is not a finite number", file=filename)], None
        return [], circuit
    except Exception as exc:  # noqa: BLE001 - any failure of the importer is a diagnostic
        message = _unquote(getattr(exc, "message", None) or str(exc))
        if m := re.match(r"(\d+),(\d+):\s*(.*)", message, re.S):
            return [Diagnostic(int(m[1]), int(m[2]) + 1, f"qiskit.qasm3: {m[3]}", file=filename)], None
        return [Diagnostic(1, 1, f"qiskit.qasm3: {type(exc).__name__}: {message}", file=filename)], None


def _prefix_end(text: str, statements: int) -> int | None:
    """Offset just past the first ``statements`` top-level statements, None for a shorter program."""
    clean = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)
    depth = count = 0
    for m in re.finditer(r"[;{}]", clean):
        depth += {"{": 1, "}": -1}.get(m[0], 0)
        if depth == 0 and m[0] != "{":
            count += 1
            if count == statements:
                return m.end()
    return None


def _fast_qasm3(text: str, limits: Limits) -> QuantumCircuit | None:
    """A plain OpenQASM 3 program read by Qiskit's OpenQASM 2 importer (see ``_qasm3_fast``), else None."""
    import qiskit.qasm2

    translated = translate(text)
    if translated is None:
        return None
    text2, phase = translated
    if any(d.severity == "error" for d in scan_qasm2(text2, limits).diagnostics):
        return None  # the full checker reports it in the program's own terms
    try:
        circuit = qiskit.qasm2.loads(text2, custom_instructions=custom_instructions())
    except BaseException as exc:  # noqa: BLE001 - the full checker explains it
        if not is_importer_failure(exc):
            raise
        return None
    if _non_finite_operation(circuit) is not None:
        return None
    circuit.global_phase += phase
    return circuit


def _validate_slow(
    text: str, filename: str | None, limits: Limits
) -> tuple[list[Diagnostic], QuantumCircuit | None]:
    with gc_paused():  # the syntax tree, the checker's tables and the converter's objects: all live data
        return _validate_slow_paused(text, filename, limits)


def _validate_slow_paused(
    text: str, filename: str | None, limits: Limits
) -> tuple[list[Diagnostic], QuantumCircuit | None]:
    parsed, checker = _analyse(text, filename, limits)
    if parsed is None:
        return [Diagnostic(1, 1, MISSING_HEADER, file=filename)], None
    if parsed.error is not None:
        return [Diagnostic(*parsed.error, file=filename)], None
    if checker.diags:
        return checker.diags, None
    if parsed.version == 3:
        return _convert3(parsed, checker.free, filename)
    return _import_check(text, parsed, checker.free, filename), None


def _validate(
    text: str, filename: str | None, limits: Limits
) -> tuple[list[Diagnostic], QuantumCircuit | None]:
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > limits.max_file_bytes:
        message = exceeded("max_file_bytes", size, limits, "program size in bytes")
        return [Diagnostic(1, 1, message, file=filename)], None
    version = qasm_version(text)
    if version == 2:
        return _check_qasm2(text, filename, limits)
    if version == 3 and (circuit := _fast_qasm3(text, limits)) is not None:
        return [], circuit
    cut = _prefix_end(text, SLOW_CHECK_STATEMENTS) if version == 3 else None
    if cut is not None:  # a long program: errors in its beginning are reported without parsing the rest
        errors = [d for d in _validate_slow(text[:cut], filename, limits)[0] if d.severity == "error"]
        if errors:
            return errors, None
    return _validate_slow(text, filename, limits)


#: the last program checked, its diagnostics and circuit: ``validate(text)`` then ``load(text)`` (the CLI,
#: notebooks) checks a large program once
_last: tuple[tuple[str, str | None, Limits], list[Diagnostic], QuantumCircuit | None] | None = None
_CACHED_CHARS = 20_000


def check(
    text: str | bytes, filename: str | None = None, limits: Limits | None = None
) -> tuple[list[Diagnostic], QuantumCircuit | None]:
    """Diagnostics, and the circuit when the check already imported it; never raises.

    The result for the last program of over 20,000 characters is kept, so that the same text checked
    again (``validate`` then ``load``) is not parsed twice; the circuit returned is always a fresh copy.
    """
    global _last
    limits = default_limits(limits)
    key = (text, filename, limits)
    last = _last
    if last is not None and last[0] == key:
        return list(last[1]), None if last[2] is None else last[2].copy()
    diagnostics, circuit = _check(text, filename, limits)
    if isinstance(text, str) and len(text) > _CACHED_CHARS:
        _last = (key, list(diagnostics), None if circuit is None else circuit.copy())
    return diagnostics, circuit


def _check(
    text: str | bytes, filename: str | None, limits: Limits
) -> tuple[list[Diagnostic], QuantumCircuit | None]:
    if isinstance(text, (bytes, bytearray)):
        try:
            text = decode_source(bytes(text), filename)
        except QasmError as exc:
            return [Diagnostic(1, 1, exc.message, file=filename)], None
    if not isinstance(text, str):
        return [Diagnostic(1, 1, f"expected OpenQASM text, got {type(text).__name__}", file=filename)], None
    try:
        return _validate(text, filename, limits)
    except RecursionError:
        return [Diagnostic(1, 1, "the program is nested too deeply to be checked", file=filename)], None
    except Exception as exc:  # noqa: BLE001 - validate reports, it never raises
        message = f"internal error while checking the program: {type(exc).__name__}: {exc}"
        return [Diagnostic(1, 1, message, file=filename)], None


def validate(
    text: str | bytes, *, filename: str | None = None, limits: Limits | None = None
) -> list[Diagnostic]:
    """Check an OpenQASM 2 or 3 program; no diagnostic of severity ``"error"`` means qgen can load it.

    Warnings (severity ``"warning"``) flag portability problems, such as OpenQASM 2 gates that Qiskit's
    ``qelib1.inc`` has and the specification's lacks. ``limits`` bounds the resources a program may ask for
    (see :class:`qgen.circuits.limits.Limits`; default: ``Limits.from_env()``).
    """
    return check(text, filename, limits)[0]
