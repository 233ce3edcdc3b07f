"""Files of a TN initialisation: the circuit as OpenQASM 3 (parameters as ``input float[64]``) and a JSON
record beside it with the parameter values by name, the fidelity per layer, the energy, the resolved
settings, the seed and the library versions.

``save_tn_init(init, "init.qasm")`` writes ``init.qasm`` and ``init.json``; ``load_tn_init("init.qasm")``
returns ``(circuit, values)`` with the values in ``circuit.parameters`` order.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
from qiskit.circuit import QuantumCircuit

from qgen.tn.errors import TNError
from qgen.tn.init import TNInit

FORMAT = "qgen.tn-init/1"


def values_path_for(qasm_path: str | os.PathLike) -> Path:
    """The default JSON path beside a QASM file (``init.qasm`` -> ``init.json``)."""
    return Path(qasm_path).with_suffix(".json")


def versions() -> dict[str, str]:
    """Versions of qgen and the libraries that shape the result."""
    from importlib.metadata import PackageNotFoundError, version

    from qgen._version import __version__

    out = {"qgen": __version__}
    for name in ("qiskit", "quimb", "numpy", "scipy", "torch"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "missing"
    return out


def save_tn_init(
    init: TNInit,
    qasm_path: str | os.PathLike,
    values_path: str | os.PathLike | None = None,
    *,
    extra: dict | None = None,
) -> tuple[Path, Path]:
    """Write the circuit (QASM 3) and its record (JSON) atomically: both files appear, or neither changes.

    Args:
        init: the result of :func:`qgen.tn.tn_init`.
        qasm_path: the ``.qasm`` file to write.
        values_path: the JSON file (default: ``qasm_path`` with ``.json``).
        extra: more fields for the record (for example the command line).

    Returns:
        The two paths written.
    """
    from qgen.circuits import dumps

    qasm_path = Path(qasm_path)
    values_path = Path(values_path) if values_path is not None else values_path_for(qasm_path)
    if qasm_path.resolve() == values_path.resolve():
        raise TNError(f"the QASM and the values file are the same path: {qasm_path}")
    record = {"format": FORMAT, "qasm": qasm_path.name, **init.to_dict(), "versions": versions()}
    record.update(extra or {})
    header = (
        f"// qgen tn-init: {init.encoded_layers} encoded + {init.extra_layers} extra staircase layers of "
        f'15-parameter KAK blocks\n// initial values: {values_path.name} ("parameters"); '
        f"state fidelity with the MPS: {init.fidelity:.6f}\n"
    )
    text = header + dumps(init.circuit, version=3)
    payload = json.dumps(record, indent=2, default=_jsonable) + "\n"
    temps = []
    try:
        for path, content in ((values_path, payload), (qasm_path, text)):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(content, encoding="utf-8")
            temps.append((tmp, path))
        for tmp, path in temps:
            os.replace(tmp, path)
    finally:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
    return qasm_path, values_path


def load_tn_init(
    qasm_path: str | os.PathLike, values_path: str | os.PathLike | None = None
) -> tuple[QuantumCircuit, np.ndarray]:
    """Read a circuit written by :func:`save_tn_init` and its initial values (``circuit.parameters`` order).

    Raises:
        TNError: missing values file, or names that do not match the circuit's parameters.
        QasmError: the QASM file is malformed.
    """
    from qgen.circuits import load

    qasm_path = Path(qasm_path)
    values_path = Path(values_path) if values_path is not None else values_path_for(qasm_path)
    circuit = load(qasm_path)
    if not values_path.is_file():
        raise TNError(f"no values file {values_path} beside {qasm_path}")
    try:
        record = json.loads(values_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise TNError(f"{values_path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    params = record.get("parameters") if isinstance(record, dict) else None
    if not isinstance(params, dict):
        raise TNError(f'{values_path} has no "parameters" object of name -> value')
    names = [p.name for p in circuit.parameters]
    missing = [n for n in names if n not in params]
    if missing:
        raise TNError(f"{values_path} lacks values for {len(missing)} parameter(s), e.g. {missing[:3]}")
    return circuit, np.array([float(params[n]) for n in names])


def _jsonable(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return str(value)
