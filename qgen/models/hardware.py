"""From a trained model to hardware: compile once with symbolic data inputs, evaluate by shots.

:func:`compile` binds the trained weights, keeps the data inputs (and the derived non-linear angles, see
:mod:`qgen.models.encoding`) as free parameters and compiles the circuit once with :func:`qgen.compile`.
:func:`expectations_by_shots` binds each sample's angles into the compiled circuit, runs it on a local
backend (:mod:`qgen.backends`: ``quantinuum-h2-emulator``, ``ibm-torino-aer``, ``qgen-exact``, ...) and
estimates every readout observable (Z strings) from the counts:
``<Z_S> = sum_b (-1)^{parity(b_S)} c_b / shots``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit

from qgen.models.encoding import evaluate_derived, lower_angles
from qgen.models.errors import ModelError
from qgen.progress import Progress, report

#: the compile target of each emulator backend
BACKEND_TARGETS = {
    "quantinuum-h1-emulator": "quantinuum-h1",
    "quantinuum-h2-emulator": "quantinuum-h2",
    "ibm-torino-aer": "ibm-torino",
    "ibm-sherbrooke-aer": "ibm-sherbrooke",
    "qgen-exact": "generic",
}


@dataclass
class CompiledModel:
    """A model's circuit compiled once: ``result`` is the :class:`qgen.compiler.CompileResult`; the free
    parameters are the data inputs ``inputs`` and the derived angles ``derived``."""

    model: object
    result: object
    inputs: list[str]
    derived: list[str]

    @property
    def target(self) -> str:
        """The target name."""
        return self.result.target.name


def _z_masks(model) -> list[list[int]]:
    masks = []
    for op in model.layer_.observables:
        labels = op.paulis
        if len(labels) != 1 or labels.x.any() or abs(complex(op.coeffs[0]) - 1) > 1e-12:
            raise ModelError(
                f"shot-based evaluation reads single Z-string observables; {type(model).__name__} measures "
                f"{op}; use a model whose readout is Z expectations (vqc, vqr, reuploading, qcnn)"
            )
        masks.append([q for q in range(op.num_qubits) if labels.z[0][q]])
    return masks


def compile(model, target: str = "quantinuum-h2", **options) -> CompiledModel:  # noqa: A001
    """Compile a fitted model's circuit for ``target`` once, weights bound and data inputs symbolic.

    Args:
        model: a fitted qgen.models estimator with a Z readout.
        target: a compile target (``qgen targets``).
        options: more arguments of :func:`qgen.compile` (``optimization_level``, ``engine``, ``seed``).
    """
    from qgen.compiler import compile as qgen_compile

    model._check_fitted()
    _z_masks(model)
    layer = model.layer_
    bound = layer.bound_circuit()
    lowered, derived = lower_angles(bound)
    result = qgen_compile(lowered, target=target, **options)
    return CompiledModel(model, result, list(layer.input_names), [d.name for d in derived])


def _values(model, compiled: CompiledModel, angles: torch.Tensor) -> list[dict[str, float]]:
    layer = model.layer_
    _, derived = lower_angles(layer.bound_circuit())
    x = angles.to(torch.float64).cpu()
    d = evaluate_derived(derived, layer.input_names, x, [], torch.zeros(0, dtype=torch.float64))
    present = set(compiled.result.parameters)
    rows = []
    for i in range(len(x)):
        row = {n: float(x[i, j]) for j, n in enumerate(layer.input_names)}
        row.update({dd.name: float(d[i, j]) for j, dd in enumerate(derived)})
        rows.append({k: v for k, v in row.items() if k in present})
    return rows


def expectations_by_shots(
    model,
    X,
    backend: str = "quantinuum-h2-emulator",
    shots: int = 1000,
    seed: int | None = 0,
    compiled: CompiledModel | None = None,
    progress: Progress | None = None,
) -> np.ndarray:
    """Readout expectation values ``(N, K)`` of raw features ``X`` estimated from ``shots`` per sample.

    Args:
        model: a fitted model with a Z readout.
        X: raw features (scaled by the model).
        backend: a :mod:`qgen.backends` backend name.
        shots: shots per sample.
        seed: seed of the first sample's run (sample ``i`` uses ``seed + i``).
        compiled: a :func:`compile` result to reuse (default: compile for the backend's target).
        progress: receives one step per sample.
    """
    from qgen.backends import run
    from qgen.backends.runners import BACKENDS

    if backend not in BACKENDS:
        BACKENDS[backend]  # raises UnknownNameError listing the backends
    if compiled is None:
        target = BACKEND_TARGETS.get(backend)
        if target is None:
            raise ModelError(f"no compile target known for backend {backend!r}; compile the model first")
        compiled = compile(model, target)
    masks = _z_masks(model)
    X = model._validate(X)
    rows = _values(model, compiled, model.angles(X))
    progress = report(progress)
    progress.start("shots", total=len(rows), unit="sample")
    out = np.zeros((len(rows), len(masks)))
    for i, params in enumerate(rows):
        res = run(compiled.result, shots=shots, backend=backend, seed=None if seed is None else seed + i,
                  params=params)  # fmt: skip
        total = sum(res.counts.values())
        for key, count in res.counts.items():
            bits = key.replace(" ", "")[::-1]  # clbit v (= virtual qubit v) at index v
            for k, mask in enumerate(masks):
                parity = sum(int(bits[q]) for q in mask) & 1
                out[i, k] += (-1) ** parity * count / total
        progress.advance("shots", 1)
    progress.finish("shots")
    return out


def measured_circuit(model) -> QuantumCircuit:
    """The trained circuit (weights bound, inputs free) with every qubit measured."""
    qc = model.circuit(bound=True).copy()
    qc.measure_all()
    return qc
