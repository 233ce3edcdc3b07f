"""OpenQASM 2 / 3 in and out: ``load`` (text or file) to a Qiskit ``QuantumCircuit``, ``dumps`` back.

>>> qc = load('OPENQASM 3.0; include "stdgates.inc"; input float[64] theta; qubit[1] q; rx(theta) q[0];')
>>> [p.name for p in qc.parameters]
['theta']
>>> print(dumps(qc, version=3).splitlines()[2])
input float[64] theta;
"""

from __future__ import annotations

import os
from pathlib import Path

from qiskit import qasm2, qasm3
from qiskit.circuit import ParameterExpression, QuantumCircuit

from qgen.circuits.validate import qasm_version, validate, with_free_parameters_declared
from qgen.errors import QasmError, QgenError


def read_source(text_or_path: str | os.PathLike) -> tuple[str, str | None]:
    """Return ``(text, filename)``: a path (``Path`` or a string naming an existing file) is read."""
    if isinstance(text_or_path, os.PathLike):
        path = Path(text_or_path)
        if not path.is_file():
            raise QgenError(f"no such file: {path}")
        return path.read_text(encoding="utf-8"), str(path)
    text = str(text_or_path)
    if "\n" not in text and ";" not in text and text.strip():
        path = Path(text.strip())
        if path.is_file():
            return path.read_text(encoding="utf-8"), str(path)
        if text.strip().endswith((".qasm", ".qasm2", ".qasm3", ".inc")):
            raise QgenError(f"no such file: {path}")
    return text, None


def load(text_or_path: str | os.PathLike, *, check: bool = True) -> QuantumCircuit:
    """Load an OpenQASM 2.0 or 3.0 program (text or file path) into a Qiskit circuit.

    The version comes from the ``OPENQASM`` header. In QASM 3, ``input float[64] x;`` declarations and
    undeclared angle identifiers become Qiskit ``Parameter``s.

    Args:
        text_or_path: program text, or the path of a ``.qasm`` file.
        check: validate first (recommended: errors then carry file, line and column).

    Raises:
        QasmError: the program is malformed (``file:line:col: message``; all diagnostics in ``.diagnostics``).
    """
    text, filename = read_source(text_or_path)
    if check:
        diagnostics = [d for d in validate(text, filename=filename) if d.severity == "error"]
        if diagnostics:
            first = diagnostics[0]
            raise QasmError(
                first.message, file=filename, line=first.line, column=first.column, diagnostics=diagnostics
            )
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
    except Exception as exc:  # noqa: BLE001 - the importers raise several types; report them uniformly
        raise QasmError(str(exc), file=filename, line=1, column=1) from exc


def dumps(circuit: QuantumCircuit, version: int = 3) -> str:
    """Write a circuit as OpenQASM ``version`` 2 or 3 (QASM 2 needs bound parameters).

    QASM 3 keeps free parameters as ``input float[64]`` declarations and the circuit's global phase as a
    final ``gphase(...)`` statement (Qiskit's exporter drops it). QASM 2 has no global phase.

    Raises:
        QgenError: free parameters in QASM 2, opaque gates, or a version other than 2 / 3.
    """
    if version == 3:
        try:
            text = qasm3.dumps(circuit)
        except Exception as exc:  # noqa: BLE001 - the exporter raises several types
            raise QgenError(f"cannot write this circuit as OpenQASM 3: {exc}") from exc
        phase = circuit.global_phase
        if isinstance(phase, ParameterExpression) and not phase.parameters:
            phase = float(phase)
        if isinstance(phase, ParameterExpression) or phase != 0:
            text = text.rstrip("\n") + f"\ngphase({_qasm_expr(phase)});\n"
        return text
    if version == 2:
        if circuit.parameters:
            names = [p.name for p in circuit.parameters]
            raise QgenError(
                f"OpenQASM 2 cannot hold free parameters {names}: bind them "
                "(circuit.assign_parameters) or write QASM 3"
            )
        try:
            return qasm2.dumps(circuit)
        except Exception as exc:  # noqa: BLE001
            raise QgenError(f"cannot write this circuit as OpenQASM 2: {exc}") from exc
    raise QgenError(f"OpenQASM version must be 2 or 3, got {version!r}")


def _qasm_expr(value: object) -> str:
    """An angle as OpenQASM 3 text: floats with full precision, expressions as Qiskit prints them."""
    if isinstance(value, ParameterExpression):
        return str(value)
    return repr(float(value))


def dump(circuit: QuantumCircuit, path: str | os.PathLike, version: int = 3) -> None:
    """Write a circuit to ``path`` atomically (no half-written file on failure)."""
    text = dumps(circuit, version=version)
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
