"""qgen.models: QML models that consume qgen's circuits (train, compile, run).

Every model is a ``torch.nn.Module`` and a scikit-learn estimator simulated by qgen.sim, batched over
samples. The estimators need scikit-learn (``pip install 'qgen[models]'``); :mod:`qgen.models.sources`,
:mod:`qgen.models.builders` and :mod:`qgen.models.layer` do not.
"""

from __future__ import annotations

import importlib

_LAZY = {
    "VQClassifier": "qgen.models.vqc",
    "VQRegressor": "qgen.models.vqc",
    "QuantumKernel": "qgen.models.kernels",
    "QSVC": "qgen.models.kernels",
    "QKernelRidge": "qgen.models.kernels",
    "QuantumLayer": "qgen.models.layer",
    "resolve_circuit": "qgen.models.sources",
    "CircuitSource": "qgen.models.sources",
    "CIRCUITS": "qgen.models.builders",
    "ModelError": "qgen.models.errors",
    "DataError": "qgen.models.errors",
    "ReuploadingClassifier": "qgen.models.reuploading",
    "QCNN": "qgen.models.qcnn",
    "QCNNClassifier": "qgen.models.qcnn",
    "Quanvolution": "qgen.models.quanvolution",
    "QuantumReservoirClassifier": "qgen.models.reservoir",
    "QuantumReservoirRegressor": "qgen.models.reservoir",
    "MODELS": "qgen.models.registry",
    "save_model": "qgen.models.io",
    "load_model": "qgen.models.io",
    "compile": "qgen.models.hardware",
    "CompiledModel": "qgen.models.hardware",
    "expectations_by_shots": "qgen.models.hardware",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'qgen.models' has no attribute {name!r}")
