"""Save and load fitted models as a folder; loading never unpickles.

A model folder holds:

* ``config.json``: format, registry name, hyper-parameters, fitted facts (classes, feature count), data and
  metrics records, preprocessing, versions;
* ``circuit.qasm``: the model circuit as OpenQASM 3 (data inputs and weights as ``input float[64]``);
* ``weights.safetensors``: every tensor of the model (weights, readout, scaler, kernel training angles) and
  of the preprocessing (``preprocess.*``);
* ``README.md``: a model card (data, scores, circuit profile, how to load).
"""

from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Any

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit

from qgen.files import atomic_dir
from qgen.models.errors import ModelError
from qgen.models.registry import MODELS, model_name

FORMAT = "qgen.model/1"
CONFIG, CIRCUIT, WEIGHTS, CARD = "config.json", "circuit.qasm", "weights.safetensors", "README.md"


def _jsonable(value: Any) -> bool:
    try:
        json.dumps(value)
        return True
    except (TypeError, ValueError):
        return False


def save_model(
    model,
    folder: str | Path,
    *,
    data: dict | None = None,
    metrics: dict | None = None,
    preprocess: dict[str, np.ndarray] | None = None,
    history: dict | None = None,
) -> Path:
    """Write a fitted model to ``folder`` (replaced atomically); see the module docstring for the layout.

    Args:
        model: a fitted qgen.models estimator.
        folder: the model folder.
        data: a record of the training data (name, samples, features, classes) for the card.
        metrics: scores to record (e.g. ``{"test_accuracy": 0.93}``).
        preprocess: arrays applied before the model (e.g. PCA ``mean`` and ``components``).
        history: the learning curve (default: ``model.history_`` when it exists).
    """
    from qgen.circuits import dumps, profile
    from qgen.train.checkpoints import save_tensors

    try:
        name = model_name(model)
    except KeyError:
        raise ModelError(f"{type(model).__name__} is not a registered qgen model; cannot save it") from None
    tensors, facts = model.fitted_state()
    circuit = model.layer_.circuit
    params = {}
    for k, v in model.get_params(deep=False).items():
        params[k] = v if _jsonable(v) else CIRCUIT
    for k, v in (preprocess or {}).items():
        tensors[f"preprocess.{k}"] = torch.as_tensor(np.asarray(v, dtype=np.float64))
    prof = profile(circuit)
    history = history if history is not None else getattr(model, "history_", None)
    config = {
        "format": FORMAT,
        "model": name,
        "params": params,
        "facts": facts,
        "circuit": CIRCUIT,
        "weights": WEIGHTS,
        "preprocess": sorted(preprocess or {}),
        "data": data or {},
        "metrics": metrics or {},
        "history": history or {},
        "profile": {
            "num_qubits": prof.num_qubits,
            "depth": prof.depth,
            "size": prof.size,
            "two_qubit_count": prof.two_qubit_count,
            "num_parameters": prof.num_parameters,
            "gate_counts": prof.gate_counts,
        },
        "versions": _versions(),
    }
    folder = Path(folder)
    with atomic_dir(folder) as stage:
        (stage / CIRCUIT).write_text(dumps(circuit, version=3), encoding="utf-8")
        save_tensors(stage / WEIGHTS, tensors, metadata={"format": FORMAT, "model": name})
        (stage / CONFIG).write_text(json.dumps(config, indent=2, default=_default) + "\n", encoding="utf-8")
        (stage / CARD).write_text(model_card(config), encoding="utf-8")
    return folder


def _default(obj):
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "item"):
        return obj.item()
    return str(obj)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    from qgen._version import __version__

    out = {"qgen": __version__, "python": platform.python_version()}
    for pkg in ("torch", "qiskit", "scikit-learn"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    return out


def read_config(folder: str | Path) -> dict:
    """The ``config.json`` of a model folder (checked)."""
    folder = Path(folder)
    path = folder / CONFIG
    if not path.is_file():
        raise ModelError(f"{folder} is not a qgen model folder (no {CONFIG}); make one with `qgen fit`")
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ModelError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    if config.get("format") != FORMAT:
        raise ModelError(f"{path} has format {config.get('format')!r}; this qgen reads {FORMAT!r}")
    return config


def load_model(folder: str | Path, device: str | None = None):
    """Load a model saved by :func:`save_model` (safetensors + JSON + QASM; nothing is unpickled).

    Returns:
        The fitted estimator; ``model.preprocess_`` holds the saved preprocessing arrays (may be empty).
    """
    from qgen.circuits import load
    from qgen.train.checkpoints import load_tensors

    folder = Path(folder)
    config = read_config(folder)
    for part in (CIRCUIT, WEIGHTS):
        if not (folder / part).is_file():
            raise ModelError(f"{folder} lacks {part}; the model folder is incomplete")
    cls = MODELS[config["model"]].load()
    params = dict(config["params"])
    if params.get("source") == CIRCUIT:
        params["source"] = str(folder / CIRCUIT)
    if device is not None and "device" in params:
        params["device"] = device
    model = cls(**params)
    circuit: QuantumCircuit = load(folder / CIRCUIT)
    tensors = load_tensors(folder / WEIGHTS)
    pre = {k.split(".", 1)[1]: v.numpy() for k, v in tensors.items() if k.startswith("preprocess.")}
    state = {k: v for k, v in tensors.items() if not k.startswith("preprocess.")}
    model.restore(circuit, state, config["facts"])
    model.preprocess_ = pre
    model.history_ = config.get("history") or {}
    return model


def model_card(config: dict) -> str:
    """The README.md model card of a saved model."""
    data, metrics, prof = config.get("data", {}), config.get("metrics", {}), config["profile"]
    entry = MODELS[config["model"]]
    lines = [
        f"# qgen model: {config['model']}",
        "",
        f"{entry.description} ({entry.task}), saved by qgen {config['versions'].get('qgen')}.",
        "",
        "## Data",
        "",
    ]
    if data:
        lines += [f"- {k}: {v}" for k, v in data.items()]
    else:
        lines.append("- not recorded")
    lines += ["", "## Scores", ""]
    lines += [f"- {k}: {v:.4f}" if isinstance(v, float) else f"- {k}: {v}" for k, v in metrics.items()] or [
        "- not recorded"
    ]
    gates = ", ".join(f"{g} {n}" for g, n in sorted(prof["gate_counts"].items()))
    lines += [
        "",
        "## Circuit",
        "",
        f"- qubits: {prof['num_qubits']}, depth: {prof['depth']}, gates: {prof['size']} "
        f"(2-qubit: {prof['two_qubit_count']})",
        f"- free parameters (data inputs + weights): {prof['num_parameters']}",
        f"- gates: {gates}",
        f"- circuit: `{CIRCUIT}` (OpenQASM 3), weights: `{WEIGHTS}`",
        "",
        "## Hyper-parameters",
        "",
        "```json",
        json.dumps(config["params"], indent=2),
        "```",
        "",
        "## Use",
        "",
        "```python",
        "from qgen.models.io import load_model",
        'model = load_model("THIS_FOLDER")',
        "model.predict(X)",
        "```",
        "",
        "or `qgen predict --model THIS_FOLDER --data FILE.csv`.",
        "",
    ]
    return "\n".join(lines)
