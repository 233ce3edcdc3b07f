"""OpenQASM 2 / 3 in and out: ``load`` (text or file) to a Qiskit ``QuantumCircuit``, ``dumps`` back.

>>> qc = load('OPENQASM 3.0; include "stdgates.inc"; input float[64] theta; qubit[1] q; rx(theta) q[0];')
>>> [p.name for p in qc.parameters]
['theta']
>>> print(dumps(qc, version=3).splitlines()[2])
input float[64] theta;
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
import uuid
from pathlib import Path

from qiskit import qasm2, qasm3
from qiskit.circuit import Parameter, ParameterExpression, QuantumCircuit

from qgen.circuits._qelib1_defs import add_definitions
from qgen.circuits.limits import Limits, default_limits, exceeded
from qgen.circuits.source import decode_source
from qgen.circuits.validate import check as _check
from qgen.circuits.validate import qasm_version, with_free_parameters_declared
from qgen.errors import QasmError, QgenError
from qgen.files import atomic_write_text


def _looks_like_program(text: str) -> bool:
    """Program text rather than a file name: decided from the text alone, without the file system."""
    stripped = text.lstrip()
    return (
        not stripped
        or any(ch in text for ch in ";\n\r{}\0")
        or stripped.startswith(("OPENQASM", "//", "/*"))
        or len(text) > 4096
    )


def _read_file(path: Path, limits: Limits) -> tuple[str, str]:
    try:
        size = path.stat().st_size
        if size > limits.max_file_bytes:
            message = exceeded("max_file_bytes", size, limits, "file size in bytes")
            raise QasmError(message, file=str(path), line=1, column=1)
        data = path.read_bytes()
    except OSError as exc:
        raise QgenError(f"cannot read {path}: {exc.strerror or exc}") from None
    return decode_source(data, str(path)), str(path)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte: not a file
        return False


def read_source(text_or_path: str | os.PathLike, *, limits: Limits | None = None) -> tuple[str, str | None]:
    """Return ``(text, filename)``: a path (``Path`` or a string naming an existing file) is read.

    A string is program text when it looks like one (it holds ``;``, a newline or braces, starts with
    ``OPENQASM`` or a comment, or is long); only other strings are looked up as file names.

    Raises:
        QgenError: a path that does not exist or cannot be read.
        QasmError: a file that is not UTF-8 text, or larger than ``limits.max_file_bytes``.
    """
    limits = default_limits(limits)
    if isinstance(text_or_path, (bytes, bytearray)):
        return decode_source(bytes(text_or_path)), None
    if isinstance(text_or_path, os.PathLike):
        path = Path(text_or_path)
        if not _is_file(path):
            raise QgenError(f"no such file: {path}")
        return _read_file(path, limits)
    if not isinstance(text_or_path, str):
        raise QgenError(f"expected OpenQASM text or a file path, got {type(text_or_path).__name__}")
    text = text_or_path
    if not _looks_like_program(text):
        path = Path(text.strip())
        if _is_file(path):
            return _read_file(path, limits)
        if text.strip().endswith((".qasm", ".qasm2", ".qasm3", ".inc")):
            raise QgenError(f"no such file: {path}")
    return text, None


def load(
    text_or_path: str | os.PathLike, *, check: bool = True, limits: Limits | None = None
) -> QuantumCircuit:
    """Load an OpenQASM 2.0 or 3.0 program (text or file path) into a Qiskit circuit.

    The version comes from the ``OPENQASM`` header. In QASM 3, ``input float[64] x;`` declarations and
    undeclared angle identifiers become Qiskit ``Parameter``s.

    Args:
        text_or_path: program text, or the path of a ``.qasm`` file.
        check: validate first (recommended: errors then carry file, line and column).
        limits: resource limits checked before the program reaches Qiskit (default ``Limits.from_env()``);
            with ``check=False`` only the file size is checked.

    Raises:
        QasmError: the program is malformed (``file:line:col: message``; all diagnostics in ``.diagnostics``).
    """
    limits = default_limits(limits)
    text, filename = read_source(text_or_path, limits=limits)
    if check:
        diagnostics, circuit = _check(text, filename, limits)
        errors = [d for d in diagnostics if d.severity == "error"]
        if errors:
            first = errors[0]
            raise QasmError(
                first.message, file=filename, line=first.line, column=first.column, diagnostics=errors
            )
        if circuit is not None:
            return circuit
    elif len(text.encode("utf-8", errors="surrogatepass")) > limits.max_file_bytes:
        size = len(text.encode("utf-8", errors="surrogatepass"))
        raise QasmError(exceeded("max_file_bytes", size, limits, "program size in bytes"), file=filename)
    version = qasm_version(text)
    if version is None:
        raise QasmError(
            "missing 'OPENQASM 2.0;' or 'OPENQASM 3.0;' header: the version cannot be determined",
            file=filename,
            line=1,
            column=1,
        )
    try:
        if version == 2:
            return qasm2.loads(text, custom_instructions=qasm2.LEGACY_CUSTOM_INSTRUCTIONS)
        return qasm3.loads(with_free_parameters_declared(text))
    except BaseException as exc:  # noqa: BLE001 - the importers raise several types; report them uniformly
        from qgen.circuits.diagnostic import is_importer_failure

        if not is_importer_failure(exc):
            raise
        raise QasmError(str(exc), file=filename, line=1, column=1) from None


def dumps(circuit: QuantumCircuit, version: int = 3) -> str:
    """Write a circuit as OpenQASM ``version`` 2 or 3 (QASM 2 needs bound parameters).

    OpenQASM 2 output loads with Qiskit's strict ``qiskit.qasm2.loads`` and the specification's
    ``qelib1.inc``: gates Qiskit's ``qelib1.inc`` adds (``sx``, ``cp``, ``swap``, ``u``, ...) are defined
    in the program. OpenQASM 3 output loads with ``qiskit.qasm3.loads`` and ``stdgates.inc``.

    QASM 3 keeps free parameters as ``input float[64]`` declarations and the circuit's global phase as a
    final ``gphase(...)`` statement (Qiskit's exporter drops it). QASM 2 has no global phase.

    Raises:
        QgenError: free parameters in QASM 2, opaque gates, or a version other than 2 / 3.
    """
    _check_finite(circuit)
    if version == 3:
        circuit, names = _ascii_parameter_names(circuit)
        try:
            text = qasm3.dumps(circuit)
        except Exception as exc:  # noqa: BLE001 - the exporter raises several types
            raise QgenError(f"cannot write this circuit as OpenQASM 3: {exc}") from exc
        phase = circuit.global_phase
        if isinstance(phase, ParameterExpression) and not phase.parameters:
            phase = float(phase)
        if isinstance(phase, ParameterExpression) or phase != 0:
            text = text.rstrip("\n") + f"\ngphase({_qasm_expr(phase)});\n"
        for temporary, name in names.items():
            text = re.sub(rf"(?<![\w$]){temporary}(?!\w)", name, text)
        return text
    if version == 2:
        if circuit.parameters:
            names = [p.name for p in circuit.parameters]
            raise QgenError(
                f"OpenQASM 2 cannot hold free parameters {names}: bind them "
                "(circuit.assign_parameters) or write QASM 3"
            )
        try:
            text = qasm2.dumps(circuit)
        except Exception as exc:  # noqa: BLE001
            raise QgenError(f"cannot write this circuit as OpenQASM 2: {exc}") from exc
        return add_definitions(text)
    raise QgenError(f"OpenQASM version must be 2 or 3, got {version!r}")


#: what Qiskit's OpenQASM 3 exporter writes unchanged: ASCII and Greek letters, ``_`` and digits
_EXPORTER_IDENTIFIER = re.compile(r"[a-zA-Z\u0370-\u03ff_][a-zA-Z\u0370-\u03ff_0-9]*")
#: Unicode categories of the OpenQASM 3 grammar's ``ValidUnicode`` identifier characters
_IDENTIFIER_CATEGORIES = frozenset({"Lu", "Ll", "Lt", "Lm", "Lo", "Nl"})


def _is_identifier(name: str) -> bool:
    """An OpenQASM 3 identifier: ``_``, letters (Unicode ``Lu Ll Lt Lm Lo Nl``), then also ``0-9``."""
    return bool(name) and all(
        ch == "_" or ("0" <= ch <= "9" and i > 0) or unicodedata.category(ch) in _IDENTIFIER_CATEGORIES
        for i, ch in enumerate(name)
    )


def _ascii_parameter_names(circuit: QuantumCircuit) -> tuple[QuantumCircuit, dict[str, str]]:
    """Parameters named with other Unicode letters (``gaméma``), which Qiskit's exporter would rename
    (``_gam_ma``), renamed to unique temporaries; ``{temporary: name}`` to put the names back."""
    unicode = [
        p for p in circuit.parameters if not _EXPORTER_IDENTIFIER.fullmatch(p.name) and _is_identifier(p.name)
    ]
    if not unicode:
        return circuit, {}
    tag = uuid.uuid4().hex
    temporaries = {p: Parameter(f"qgen_{tag}_{i}") for i, p in enumerate(unicode)}
    renamed = circuit.assign_parameters(temporaries, inplace=False)
    return renamed, {t.name: p.name for p, t in temporaries.items()}


def _check_finite(circuit: QuantumCircuit) -> None:
    """Infinite or NaN angles cannot be written (``nan`` would read back as a free parameter)."""
    phase = circuit.global_phase
    if isinstance(phase, (int, float)) and not math.isfinite(phase):
        raise QgenError(f"the global phase is not a finite number ({phase}): it cannot be written as QASM")
    for instruction in circuit.data:
        for param in instruction.operation.params:
            if isinstance(param, (int, float)) and not math.isfinite(param):
                raise QgenError(
                    f"a parameter of '{instruction.operation.name}' is not a finite number ({param}): "
                    "it cannot be written as OpenQASM"
                )


def _qasm_expr(value: object) -> str:
    """An angle as OpenQASM 3 text: floats with full precision, expressions as Qiskit prints them."""
    if isinstance(value, ParameterExpression):
        return str(value)
    return repr(float(value))


def dump(circuit: QuantumCircuit, path: str | os.PathLike, version: int = 3) -> None:
    """Write a circuit to ``path`` atomically (no half-written file on failure)."""
    atomic_write_text(path, dumps(circuit, version=version))
