"""The model registry: ``qgen fit --model NAME`` and ``qgen models`` read it; entries import lazily."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from qgen.registry import Registry


@dataclass(frozen=True)
class ModelEntry:
    """A registered model: its class (``module:Class``), task and one-line description."""

    name: str
    target: str
    task: str
    description: str

    def load(self) -> type:
        """The estimator class."""
        module, cls = self.target.split(":")
        return getattr(importlib.import_module(module), cls)


MODELS: Registry[ModelEntry] = Registry("model")

for _name, _target, _task, _desc in [
    ("vqc", "qgen.models.vqc:VQClassifier", "classification", "variational classifier (map + ansatz)"),
    ("vqr", "qgen.models.vqc:VQRegressor", "regression", "variational regressor"),
    ("reuploading", "qgen.models.reuploading:ReuploadingClassifier", "classification",
     "data re-uploading classifier (Perez-Salinas et al. 2020)"),
    ("qsvc", "qgen.models.kernels:QSVC", "classification", "SVC on a quantum fidelity / projected kernel"),
    ("qkrr", "qgen.models.kernels:QKernelRidge", "regression", "kernel ridge on a quantum kernel"),
    ("qcnn", "qgen.models.qcnn:QCNNClassifier", "classification", "QCNN (Cong, Choi, Lukin 2019)"),
    ("reservoir", "qgen.models.reservoir:QuantumReservoirClassifier", "classification",
     "quantum reservoir / extreme learning (fixed random circuit, ridge readout)"),
    ("reservoir-regressor", "qgen.models.reservoir:QuantumReservoirRegressor", "regression",
     "quantum reservoir regressor"),
]:  # fmt: skip
    MODELS.register(_name, ModelEntry(_name, _target, _task, _desc))


def model_name(model: object) -> str:
    """The registry name of a model instance's class."""
    target = f"{type(model).__module__}:{type(model).__name__}"
    for name, entry in MODELS.items():
        if entry.target == target:
            return name
    raise KeyError(target)
