"""The shared base of qgen's QML models: a ``torch.nn.Module`` that is also a scikit-learn estimator.

Subclasses set up the circuit and the readout in ``_setup`` and give a loss; this base holds the training
loop (mini-batches, validation split, early stopping, progress), batched prediction, the trained circuit and
the fitted-state hooks used by save/load.
"""

from __future__ import annotations

import copy
import re
import time
from typing import Any

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit

from qgen.models.builders import build, compose
from qgen.models.errors import ModelError
from qgen.models.layer import QuantumLayer
from qgen.models.sources import CircuitSource, resolve_circuit
from qgen.optional import require
from qgen.progress import Progress, report
from qgen.sim.device import resolve_device, small_work_threads
from qgen.sim.training import OPTIMIZERS

_sk_base = require("sklearn.base", extra="models", purpose="qgen.models estimators")
BaseEstimator = _sk_base.BaseEstimator


def sk_validation():
    """sklearn.utils.validation (validate_data, check_is_fitted)."""
    return require("sklearn.utils.validation", extra="models")


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED = {
    "pi", "e", "U", "input", "output", "for", "if", "else", "while", "gate", "qubit", "bit", "float", "int",
    "angle", "reset", "measure", "barrier", "ctrl", "inv", "pow", "def", "let", "const",
}  # fmt: skip


def canonical(circuit: QuantumCircuit) -> QuantumCircuit:
    """The circuit as a QASM 3 round trip gives it back, so that saved and live models name parameters
    alike (circuits whose parameters already have plain identifier names are returned as they are)."""
    from qgen.circuits import dumps, load

    if all(_PLAIN.fullmatch(p.name) and p.name not in _RESERVED for p in circuit.parameters):
        return circuit
    return load(dumps(circuit, version=3))


def model_circuit(
    source: object, feature_map: str, ansatz: str | None, reps: int | None, n_features: int, seed: int
) -> CircuitSource:
    """The model circuit for ``n_features``: ``source`` (completed by the feature map when it has no data
    inputs, by the ansatz when it has no weights) or ``feature_map`` + ``ansatz`` built by name."""
    if source is None:
        fm = build(feature_map, n_features, seed=seed)
        circuit = fm if ansatz is None else compose(fm, build(ansatz, n_features, reps, seed))
        return resolve_circuit(canonical(circuit), n_features)
    src = resolve_circuit(source, n_features, reps=reps, seed=seed)
    circuit, n = src.circuit, src.circuit.num_qubits
    if not src.inputs:
        if n != n_features:
            raise ModelError(
                f"{src.origin} has no data inputs and {n} qubits; the feature map {feature_map!r} would "
                f"read {n} features but the data has {n_features}; reduce the data to {n} features"
            )
        circuit = compose(build(feature_map, n, seed=seed), circuit)
    if not src.weights and ansatz is not None:
        circuit = compose(circuit, build(ansatz, n, reps, seed))
    out = resolve_circuit(canonical(circuit), n_features)
    out.initial, out.origin = src.initial, src.origin
    return out


class QuantumEstimator(BaseEstimator, torch.nn.Module):
    """Base of qgen's models (see the module docstring); not used directly."""

    # torch sets ``training`` in Module.__init__; keeping it out of ``vars()`` lets scikit-learn's
    # "no attributes set in __init__" check see only the hyper-parameters
    training = property(
        lambda self: self.__dict__.get("_training", True),
        lambda self, value: self.__dict__.__setitem__("_training", value),
    )

    def _init_module(self) -> None:
        torch.nn.Module.__init__(self)

    # ------------------------------------------------------------------ sklearn plumbing
    def __sklearn_is_fitted__(self) -> bool:
        return "layer_" in self._modules

    def _check_fitted(self) -> None:
        sk_validation().check_is_fitted(self)

    def _validate(self, X):
        """Check features at predict time (fitted feature count, finite numbers)."""
        return sk_validation().validate_data(self, X, reset=False, dtype=np.float64)

    def _validate_xy(self, X, y, **kw):
        """Check training data and record ``n_features_in_``."""
        return sk_validation().validate_data(self, X, y, reset=True, dtype=np.float64, **kw)

    def _validate_classes(self, X, y):
        """Check classification data, set ``classes_``; returns ``(X, y, class index of each label)``.

        Raises:
            DataError: fewer than 2 classes.
        """
        from qgen.models.errors import DataError

        X, y = self._validate_xy(X, y)
        require("sklearn.utils.multiclass", extra="models").check_classification_targets(y)
        self.classes_, index = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            one = self.classes_[0]
            raise DataError(f"a classifier needs 2 or more classes; the data has 1 class ({one!r})")
        return X, y, index

    @property
    def torch_device(self) -> torch.device:
        """Where the model's tensors live."""
        return resolve_device(getattr(self, "device", "cpu"))

    # ------------------------------------------------------------------ circuit
    def _build_layer(self, n_features: int, observables, trainable: bool = True) -> QuantumLayer:
        src = model_circuit(
            self.source, self.feature_map, getattr(self, "ansatz", None), self.reps, n_features,
            self._seed(),
        )  # fmt: skip
        return QuantumLayer(
            src.circuit, observables(src.circuit.num_qubits), src.initial or None, self._seed(), self.dtype,
            self.torch_device, trainable=trainable,
        )  # fmt: skip

    def _seed(self) -> int:
        rs = getattr(self, "random_state", None)
        return 0 if rs is None else int(rs)

    def circuit(self, bound: bool = True) -> QuantumCircuit:
        """The model circuit: weights bound to the trained values (``bound=True``) or free; data inputs
        ``x0..`` stay free (they receive the scaled features, see :mod:`qgen.models.scaling`)."""
        self._check_fitted()
        return self.layer_.bound_circuit() if bound else self.layer_.circuit

    def _shots(self, X, backend: str, shots: int, seed: int | None) -> np.ndarray:
        """Readout expectations estimated by shots on ``backend`` (compiled once per backend)."""
        from qgen.models.hardware import BACKEND_TARGETS, compile, expectations_by_shots

        cache = self.__dict__.setdefault("_compiled_for", {})
        if backend not in cache and backend in BACKEND_TARGETS:
            cache[backend] = compile(self, BACKEND_TARGETS[backend])
        return expectations_by_shots(self, X, backend, shots, seed, compiled=cache.get(backend))

    # ------------------------------------------------------------------ torch
    def angles(self, X) -> torch.Tensor:
        """Scaled features (rotation angles) as a tensor on the model's device."""
        x = torch.as_tensor(np.asarray(X, dtype=np.float64) if not isinstance(X, torch.Tensor) else X)
        return self.scaler_(x.to(device=self.layer_.weights.device, dtype=torch.float64))

    def _outputs(self, X, chunk: int = 256) -> torch.Tensor:
        """Forward pass without gradients over chunks of ``X``."""
        a = self.angles(X)
        with torch.no_grad(), self._small_threads(len(a), chunk):
            return torch.cat([self.head(a[i : i + chunk]) for i in range(0, len(a), chunk)])

    def _small_threads(self, rows: int, chunk: int | None = None):
        """:func:`qgen.sim.device.small_work_threads` for a pass over ``rows`` samples (in chunks of
        ``chunk``): one torch thread when the simulator's batches are small. (Even a softmax over a few
        rows starts the other threads, which then spin for milliseconds.)"""
        rows = min(rows, chunk) if chunk else rows
        return small_work_threads(rows * 2 ** self.layer_.num_qubits, self.layer_.weights.device)

    def head(self, angles: torch.Tensor) -> torch.Tensor:
        """Model output for angles (subclasses add their readout)."""
        return self.layer_(angles)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Model output (logits for classifiers, predictions for regressors) for raw features ``x``."""
        self._check_fitted()
        return self.head(self.scaler_(x.to(dtype=torch.float64, device=self.layer_.weights.device)))

    # ------------------------------------------------------------------ training
    def _train(
        self,
        angles: torch.Tensor,
        target: torch.Tensor,
        loss_fn,
        score_fn,
        progress: Progress | None,
    ) -> None:
        """Adam-style training with mini-batches, an optional validation split and early stopping.

        Small problems train on one torch thread (:func:`qgen.sim.device.small_work_threads`: fewer than
        ``2**16`` amplitudes per step); the thread count is restored afterwards.
        """
        with self._small_threads(len(angles), self.batch_size):
            self._train_loop(angles, target, loss_fn, score_fn, progress)

    def _train_loop(self, angles, target, loss_fn, score_fn, progress) -> None:
        progress = report(progress)
        gen = np.random.default_rng(self._seed())
        n = len(angles)
        val_n = int(round(n * self.validation_fraction)) if self.validation_fraction else 0
        if val_n and n - val_n < 1:
            raise ModelError(f"validation_fraction={self.validation_fraction} leaves no training samples")
        if val_n:
            order = torch.as_tensor(gen.permutation(n), device=angles.device)
            tr, va = order[val_n:], order[:val_n]
            x_tr, y_tr, x_va, y_va = angles[tr], target[tr], angles[va], target[va]
        else:  # no split: the training data as given (no copy)
            x_tr, y_tr = angles, target
        n_tr = len(x_tr)
        bs = n_tr if not self.batch_size else min(int(self.batch_size), n_tr)
        fused = self._fused_step(x_tr, y_tr, loss_fn) if bs == n_tr and self.epochs > 0 else None
        if fused is None:  # (a torch optimiser's first construction in a process imports for a second)
            opt = OPTIMIZERS[self.optimizer]([p for p in self.parameters() if p.requires_grad], lr=self.lr)
        history: dict[str, list[float]] = {"loss": [], "val_loss": [], "val_score": [], "seconds": []}
        best, best_state, stale = float("inf"), None, 0
        start = time.perf_counter()
        progress.start("fit", total=self.epochs, unit="epoch")
        for _ in range(self.epochs):
            if fused is not None:  # the simulator in autograd, head, loss and Adam in numpy
                epoch_loss = fused()
            elif bs == n_tr:  # full batch: the same tensors every step, nothing to gather
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(self.head(x_tr), y_tr)
                loss.backward()
                opt.step()
                epoch_loss = loss.item()
            else:
                perm = torch.as_tensor(gen.permutation(n_tr), device=angles.device)
                total = 0.0
                for idx in perm.split(bs):
                    opt.zero_grad(set_to_none=True)
                    loss = loss_fn(self.head(x_tr[idx]), y_tr[idx])
                    loss.backward()
                    opt.step()
                    total += loss.item() * len(idx)
                epoch_loss = total / n_tr
            history["loss"].append(epoch_loss)
            info: dict[str, Any] = {"loss": epoch_loss}
            monitor = epoch_loss
            if val_n:
                with torch.no_grad():
                    out = self.head(x_va)
                    history["val_loss"].append(float(loss_fn(out, y_va)))
                    history["val_score"].append(float(score_fn(out, y_va)))
                info.update(val_loss=history["val_loss"][-1], val_score=history["val_score"][-1])
                monitor = history["val_loss"][-1]
            history["seconds"].append(time.perf_counter() - start)
            progress.advance("fit", 1, **info)
            if monitor < best - self.tol:
                best, stale = monitor, 0
                if self.early_stopping:
                    best_state = copy.deepcopy(self._trainable_state())
            else:
                stale += 1
                if self.early_stopping and stale >= self.n_iter_no_change:
                    break
        progress.finish("fit")
        if best_state is not None:
            self._load_trainable(best_state)
        self.history_ = history
        self.n_iter_ = len(history["loss"])
        self.fit_seconds_ = time.perf_counter() - start

    def _readout_loss(self, loss_fn) -> str | None:
        """The :mod:`qgen.models.fused` readout + loss this model trains with (``"binary"``, ``"softmax"``,
        ``"mse"``), or None (subclasses with a head of their own: the torch loop)."""
        return None

    def _fused_step(self, angles: torch.Tensor, target: torch.Tensor, loss_fn):
        """A :class:`qgen.models.fused.FusedStep` when it computes exactly what the torch loop would: the
        model's own head and loss, ``adam``, float64 on the CPU, a diagonal readout, features and derived
        angles without gradients, the weights, output scale and bias as the trained parameters and no hooks
        on the layer; else None."""
        from qgen.models.fused import FusedStep
        from qgen.sim.readout import DiagonalReadout
        from qgen.sim.training import Adam

        kind = self._readout_loss(loss_fn)
        layer = self.__dict__["_modules"].get("layer_")
        if kind is None or layer is None or OPTIMIZERS[self.optimizer] is not Adam:
            return None
        if type(layer).forward is not QuantumLayer.forward:
            return None
        scale, bias = self.output_scale_, self.output_bias_
        trained = [p for p in self.parameters() if p.requires_grad]
        if len(trained) != 3 or {id(p) for p in trained} != {id(layer.weights), id(scale), id(bias)}:
            return None
        if any(p.dtype != torch.float64 or p.device.type != "cpu" for p in trained):
            return None
        if layer.complex_dtype != torch.complex128 or layer._derived_reads_weights or angles.requires_grad:
            return None
        hooks = torch.nn.modules.module
        if layer._forward_hooks or layer._forward_pre_hooks or hooks._global_forward_hooks or (
            hooks._global_forward_pre_hooks
        ):
            return None
        dtype, key = layer.complex_dtype, layer._readout_key
        obs = layer.compiled.readout(layer.observables, dtype, angles.device, key)
        if not isinstance(obs, DiagonalReadout):
            return None
        return FusedStep(layer, obs.table, angles, target, scale, bias, kind, self.lr)

    def _trainable_state(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.named_parameters()}

    def _load_trainable(self, state: dict[str, torch.Tensor]) -> None:
        with torch.no_grad():
            for k, v in self.named_parameters():
                v.copy_(state[k])

    # ------------------------------------------------------------------ save / load hooks
    def fitted_state(self) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
        """Tensors (weights, scaler) and JSON facts needed to rebuild the fitted model."""
        self._check_fitted()
        tensors = {k: v.detach().cpu() for k, v in self.state_dict().items()}
        return tensors, {"n_features_in": int(self.n_features_in_)}

    def restore(self, circuit: QuantumCircuit, tensors: dict[str, torch.Tensor], facts: dict) -> None:
        """Rebuild the fitted model from :meth:`fitted_state` output (no training)."""
        raise NotImplementedError
