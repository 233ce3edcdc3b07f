"""One resolver for every circuit source a model can start from.

``resolve_circuit(source)`` accepts:

* a Qiskit ``QuantumCircuit``;
* OpenQASM 2/3 text or a ``.qasm`` file (free parameters are weights; ``x0..x{d-1}`` / ``x[i]`` are data
  inputs); a JSON file beside it with ``"values"`` (``qgen search``) or ``"parameters"`` (``qgen tn-init``)
  gives initial weights;
* a registered circuit name (``qgen models``), built for ``num_features`` qubits;
* a ``qgen search`` output folder (``results.json`` + ``best_<method>.qasm`` / ``.json``): the circuit with
  the highest reward, its trained values as initial weights;
* a ``qgen tn-init`` output (its ``.qasm`` file, or a folder holding one ``.qasm`` with its ``.json``);
* a generated row (KetGPT / LLM dataset row): a mapping with a ``qasm3`` or ``qasm`` field.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from qiskit.circuit import QuantumCircuit

from qgen.models.builders import CIRCUITS, build
from qgen.models.encoding import split_parameters
from qgen.models.errors import ModelError


@dataclass
class CircuitSource:
    """A resolved circuit: the circuit, its data inputs (feature order), weights, initial weight values."""

    circuit: QuantumCircuit
    inputs: list[str]
    weights: list[str]
    initial: dict[str, float] = field(default_factory=dict)
    origin: str = "circuit"

    def check(self, inputs: bool = True, weights: bool = True) -> CircuitSource:
        """Raise :class:`ModelError` naming what is missing (data inputs, weights); returns self."""
        if inputs and not self.inputs:
            names = [p.name for p in self.circuit.parameters]
            raise ModelError(
                f"{self.origin} has no data inputs: name the feature angles x0..x{{d-1}} (or x[i]); "
                f"its parameters are {names[:8]}; or give a feature map to put in front of it"
            )
        if weights and not self.weights:
            raise ModelError(
                f"{self.origin} has no trainable weights (only data inputs {self.inputs[:8]}); "
                "give an ansatz to append, or use it as a kernel feature map"
            )
        return self


def _from_circuit(qc: QuantumCircuit, origin: str, initial: dict | None, num_features: int | None):
    inputs, weights = split_parameters(qc)
    if num_features is not None and inputs and len(inputs) != num_features:
        raise ModelError(
            f"{origin} reads {len(inputs)} data input(s) ({inputs[0]}..{inputs[-1]}) but the data has "
            f"{num_features} feature(s); reduce the data (PCA) or use a circuit with {num_features} inputs"
        )
    init = {k: float(v) for k, v in (initial or {}).items() if k in weights}
    return CircuitSource(qc, inputs, weights, init, origin)


def _values_beside(qasm: Path) -> dict[str, float]:
    """Initial values from the JSON beside a QASM file (search: "values", tn-init: "parameters")."""
    side = qasm.with_suffix(".json")
    if not side.is_file():
        return {}
    try:
        record = json.loads(side.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{side}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    for key in ("values", "parameters"):
        if isinstance(record, dict) and isinstance(record.get(key), dict):
            return {str(k): float(v) for k, v in record[key].items()}
    return {}


def best_of_search(folder: Path) -> Path:
    """The QASM file of the highest-reward circuit in a ``qgen search`` output folder."""
    results = folder / "results.json"
    try:
        best = json.loads(results.read_text(encoding="utf-8")).get("best", {})
    except json.JSONDecodeError as exc:
        raise ModelError(f"{results}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    rows = [(float(v.get("reward", float("-inf"))), m, v) for m, v in best.items() if v.get("qasm")]
    if not rows:
        raise ModelError(f"{results} names no best circuit (no 'best' entry with a 'qasm' file)")
    _, method, info = max(rows, key=lambda r: r[0])
    path = folder / info["qasm"]
    if not path.is_file():
        raise ModelError(f"{results} names {info['qasm']} for method {method!r}, but {path} is missing")
    return path


def _from_folder(folder: Path) -> Path:
    if (folder / "results.json").is_file():
        return best_of_search(folder)
    qasms = sorted(folder.glob("*.qasm"))
    paired = [q for q in qasms if q.with_suffix(".json").is_file()]
    if len(paired) == 1 or len(qasms) == 1:
        return (paired or qasms)[0]
    raise ModelError(
        f"{folder} is neither a qgen search output (results.json) nor a folder with one .qasm file "
        f"(found {len(qasms)})"
    )


def resolve_circuit(
    source: object,
    num_features: int | None = None,
    *,
    reps: int | None = None,
    seed: int = 0,
) -> CircuitSource:
    """Resolve ``source`` (see the module docstring) into a :class:`CircuitSource`.

    Args:
        source: circuit, QASM text or file, registered name, search/tn-init folder, or a row mapping.
        num_features: number of data features; needed to build a registered circuit, checked otherwise.
        reps: repetitions of a registered circuit (default: the builder's).
        seed: seed of a registered random circuit (reservoir).

    Raises:
        ModelError: unknown name, missing file, a folder without a circuit, a row without QASM, a feature
            count that does not match the circuit's inputs.
    """
    from qgen.circuits import load

    if isinstance(source, QuantumCircuit):
        return _from_circuit(source, "the circuit", None, num_features)
    if isinstance(source, Mapping):
        for key in ("qasm3", "qasm", "circuit"):
            if isinstance(source.get(key), str) and source[key].strip():
                return _from_circuit(load(source[key]), f"the row's {key!r} field", None, num_features)
        raise ModelError(f"the row has no 'qasm3' or 'qasm' field; its fields are {sorted(source)[:10]}")
    if not isinstance(source, (str, os.PathLike)):
        raise ModelError(f"cannot make a circuit from a {type(source).__name__}")
    text = str(source)
    if isinstance(source, str) and "OPENQASM" in text:
        return _from_circuit(load(text), "the QASM text", None, num_features)
    if isinstance(source, str) and source in CIRCUITS:
        if num_features is None:
            raise ModelError(f"building {source!r} needs the number of features (qubits)")
        return _from_circuit(build(source, num_features, reps, seed), f"circuit {source!r}", None, None)
    path = Path(text)
    if path.is_dir():
        path = _from_folder(path)
    if path.is_file():
        return _from_circuit(load(path), str(path), _values_beside(path), num_features)
    raise ModelError(
        f"{text!r} is not a file, a folder, QASM text or a registered circuit; "
        f"circuits: {', '.join(sorted(CIRCUITS))}"
    )
