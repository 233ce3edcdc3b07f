"""The QML classifier tasks: two classes of a dataset, one feature per qubit, angle encoding + the ansatz.

``digits`` uses scikit-learn's digits; ``classifier`` any tabular dataset (a bundled scikit-learn name or a
CSV / Parquet file, read by :mod:`qgen.datasets.tabular`, the loader of ``qgen fit``); their data preparation
is in :mod:`qgen.search.tasks.classifier_data`.

``digits`` (the setting of its published figures): ``RY(x_q)`` on every qubit q (features scaled to
[0, pi]), then the candidate circuit; the class-1 probability is ``p1 = (1 - <Z_0>) / 2``; 50 Adagrad steps
of 0.5 on the binary cross-entropy; reward: held-out accuracy. Batched: every candidate runs once on 2n
qubits from the maximally entangled state of n system and n ancilla qubits, so its final state holds its
unitary ``U``; the loss applies U to the encoded states of every sample at once.

``classifier`` trains each candidate as ``qgen fit`` trains a :class:`qgen.models.VQClassifier` on the
exported circuit (Adam, step 0.05, 100 full-batch steps, a trained readout scale and bias), with ``uploads``
data uploads (re-uploading) and the ``encoding`` of :mod:`qgen.search.tasks.classifier_model`; the reward is
the validation accuracy (a split of the training data; the test split only for the report), ties broken by
the validation cross-entropy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from qiskit.circuit import Parameter, ParameterExpression, QuantumCircuit
from qiskit.quantum_info import SparsePauliOp

from qgen.optional import require
from qgen.search.errors import TaskError
from qgen.search.space import SearchSpace
from qgen.search.tasks.base import Scores, Task, TaskOption, register_task, structure_seed
from qgen.search.tasks.classifier_data import digits_split, load_table, pick_classes, tabular_split
from qgen.search.tasks.classifier_model import (
    check_encoding,
    export_circuit,
    predict_batch,
    train_batch,
    upload_names,
)
from qgen.sim.api import statevector
from qgen.sim.gatelist import GateList, Op
from qgen.sim.module import CircuitModule
from qgen.sim.training import LossFn


def encoded_states(x: np.ndarray) -> np.ndarray:
    """Product states ``(2^n, N)`` of ``RY(x_q)|0>`` on every qubit q (Qiskit bit order), for ``x`` (N, n)."""
    count, n = x.shape
    c, s = np.cos(x / 2), np.sin(x / 2)
    states = np.ones((count, 2**n))
    idx = np.arange(2**n)
    for q in range(n):
        bit = (idx >> q) & 1
        states *= np.where(bit[None, :] == 1, s[:, q : q + 1], c[:, q : q + 1])
    return states.T


def _outer(states: np.ndarray) -> np.ndarray:
    """Flattened outer products ``(d^2, N)`` of real states ``(d, N)``: column j is ``vec(phi_j phi_j^T)``."""
    d, count = states.shape
    return np.einsum("an,bn->abn", states, states).reshape(d * d, count)


@dataclass
class ClassifierTask(Task):
    """Binary classifier; reward = held-out accuracy (the validation split's when there is one).

    Attributes:
        data: the splits (``x_train``, ``y_train``, ``x_test``, ``y_test``, optionally ``x_val``, ``y_val``).
        model_training: train as ``qgen fit`` does (Adam, trained readout, ``uploads``, ``encoding``; see
            :mod:`qgen.search.tasks.classifier_model`); ``False``: the ``digits`` setting.
        uploads: data uploads (re-uploading layers), each followed by its own copy of the candidate.
        encoding: ``ry`` or ``ry-zz`` (with data-dependent ZZ entanglers).
    """

    data: dict | None = None
    model_training: bool = False
    uploads: int = 1
    encoding: str = "ry"

    @property
    def selection_split(self) -> str:
        """The split whose accuracy is the reward: ``"val"`` when the data has one, else ``"test"``."""
        return "val" if "x_val" in self.data else "test"

    def __post_init__(self) -> None:
        d = 2**self.num_qubits
        self._outer_train = torch.as_tensor(_outer(encoded_states(self.data["x_train"])))
        self._outer_select = torch.as_tensor(_outer(encoded_states(self.data[f"x_{self.selection_split}"])))
        self._y_train = torch.as_tensor(self.data["y_train"])
        self._odd = torch.as_tensor((np.arange(d) & 1).astype(bool))

    def prepare(self, circuits: Sequence[GateList]) -> list[GateList]:
        """Each candidate on 2n qubits after system-ancilla Bell pairs (its state then holds its unitary)."""
        n = self.num_qubits
        prep = [Op("h", (n + q,)) for q in range(n)] + [Op("cx", (n + q, q)) for q in range(n)]
        return [GateList(2 * n, prep + list(c.ops), parameters=c.parameters) for c in circuits]

    def _unitaries(self, psi: torch.Tensor) -> torch.Tensor:
        d = 2**self.num_qubits
        return (psi.reshape(-1, d, d) * d**0.5).transpose(1, 2)  # (B, sys, anc) = U

    def _p1(self, unitaries: torch.Tensor, outer: torch.Tensor) -> torch.Tensor:
        """``p1(x) = phi(x)^T Re(U^dag P1 U) phi(x)`` for all samples: one GEMM ``(B, d^2) @ (d^2, N)``."""
        u_odd = unitaries[:, self._odd.to(unitaries.device), :]  # rows of U that end with qubit 0 in |1>
        m = (u_odd.conj().transpose(1, 2) @ u_odd).real  # (B, d, d), U^dag P1 U (real part: phi is real)
        return m.reshape(m.shape[0], -1) @ outer.to(device=m.device, dtype=m.dtype)  # (B, N)

    def score(self, circuits: Sequence[GateList], *, dtype=torch.complex128, device: str = "cpu",
              progress: bool = False) -> Scores:  # fmt: skip
        """Train every candidate and reward it (``model_training``: the ``qgen fit`` model, else the base)."""
        if not self.model_training:
            return super().score(circuits, dtype=dtype, device=device, progress=progress)
        if not circuits:
            return Scores(np.zeros(0), np.zeros(0), [])
        self.check_qubits(circuits)
        init = [structure_seed(c, self.init_seed).uniform(-np.pi, np.pi, self.uploads * c.num_parameters)
                for c in circuits]  # fmt: skip
        loss, params = train_batch(
            circuits, self.num_qubits, self.data, init, uploads=self.uploads, encoding=self.encoding,
            steps=self.steps, lr=self.lr,
        )  # fmt: skip
        return Scores(self.rewards(circuits, loss, params), loss, params)

    def cross_validate(self, circuits: Sequence[GateList], folds: int = 5, seed: int = 0) -> np.ndarray:
        """Each candidate's mean reward over ``folds`` stratified folds of the training + validation samples
        (trained on the other folds as :meth:`score` trains); the test split is not used.

        A steadier ranking of a few finalists than one validation split (``model_training`` tasks).
        """
        if not self.model_training:
            raise TaskError(f"the {self.name} task has no cross-validation (the classifier task has)")
        selection = require("sklearn.model_selection", extra="search", purpose="cross-validation")
        parts = [p for p in ("train", "val") if f"x_{p}" in self.data]
        x = np.concatenate([self.data[f"x_{p}"] for p in parts])
        y = np.concatenate([self.data[f"y_{p}"] for p in parts])
        init = [structure_seed(c, self.init_seed).uniform(-np.pi, np.pi, self.uploads * c.num_parameters)
                for c in circuits]  # fmt: skip
        total = np.zeros(len(circuits))
        splitter = selection.StratifiedKFold(int(folds), shuffle=True, random_state=seed)
        for train, held in splitter.split(x, y):
            fold = {"x_train": x[train], "y_train": y[train]}
            _, params = train_batch(circuits, self.num_qubits, fold, init, uploads=self.uploads,
                                    encoding=self.encoding, steps=self.steps, lr=self.lr)  # fmt: skip
            logits = predict_batch(circuits, self.num_qubits, params, x[held], uploads=self.uploads,
                                   encoding=self.encoding)  # fmt: skip
            total += selection_reward(logits, y[held])
        return total / int(folds)

    def params_width(self, space: SearchSpace) -> int:
        """Room for the trained values of a circuit of ``space``: its angles per upload, scale and bias."""
        width = super().params_width(space)
        return self.uploads * width + 2 if self.model_training else width

    def named_values(self, circuit: GateList, params: np.ndarray) -> dict[str, float]:
        """Trained values by name: the weights of every upload, then ``_head_scale`` and ``_head_bias``."""
        if not self.model_training:
            return super().named_values(circuit, params)
        names = [n for layer in upload_names(circuit, self.uploads) for n in layer]
        values = dict(zip(names, params[: len(names)].tolist(), strict=True))
        values.update({HEAD_SCALE: float(params[-2]), HEAD_BIAS: float(params[-1])})
        return values

    def loss(self) -> LossFn:
        """Binary cross-entropy of ``p1`` on the training split."""

        def loss(psi: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
            p1 = self._p1(self._unitaries(psi), self._outer_train).clamp(1e-9, 1 - 1e-9)
            y = self._y_train.to(device=p1.device, dtype=p1.dtype)
            return -(y * torch.log(p1) + (1 - y) * torch.log1p(-p1)).mean(-1)

        return loss

    def reward_from_loss(self, loss: np.ndarray) -> np.ndarray:  # pragma: no cover - rewards() is used
        """Unused: the reward is the held-out accuracy."""
        raise TaskError(f"the {self.name} task rewards held-out accuracy, computed from trained parameters")

    def rewards(self, circuits: Sequence[GateList], loss: np.ndarray, params: list[np.ndarray]) -> np.ndarray:
        """Held-out accuracy of each trained candidate (``model_training``: ties broken by cross-entropy)."""
        split = self.selection_split
        if self.model_training:
            logits = predict_batch(circuits, self.num_qubits, params, self.data[f"x_{split}"],
                                   uploads=self.uploads, encoding=self.encoding)  # fmt: skip
            return selection_reward(logits, self.data[f"y_{split}"])
        prepared = self.prepare(circuits)
        width = max(len(p) for p in params)
        mat = torch.zeros(len(params), width, dtype=torch.float64)
        for i, p in enumerate(params):
            mat[i, : len(p)] = torch.as_tensor(p)
        psi = statevector(prepared, mat)
        p1 = self._p1(self._unitaries(psi), self._outer_select).numpy()
        return ((p1 > 0.5) == (self.data[f"y_{self.selection_split}"] > 0.5)).mean(1)

    def export(self, circuit: GateList) -> QuantumCircuit:
        """Encoding ``RY(x_q)`` on every qubit, then the ansatz (inputs ``x0, x1, ...``); per upload."""
        if self.model_training:
            return export_circuit(circuit, self.num_qubits, self.uploads, self.encoding)
        n = self.num_qubits
        qc = QuantumCircuit(n)
        for q in range(n):
            qc.ry(Parameter(f"x{q}"), q)
        return qc.compose(circuit.to_qiskit())

    def evaluate(self, circuit: QuantumCircuit, values: dict[str, float]) -> float:
        """The reward of the exported model, recomputed through :class:`qgen.sim.CircuitModule`."""
        split = self.selection_split
        if self.model_training:
            logits = self._logits(circuit, values, split)[None, :]
            return float(selection_reward(logits, self.data[f"y_{split}"])[0])
        return self.accuracy(circuit, values, split)

    def report(self, circuit: QuantumCircuit, values: dict[str, float]) -> dict:
        """With a validation split: the exported model's accuracy on the untouched test split."""
        if self.selection_split == "test":
            return {}
        return {"test_accuracy": self.accuracy(circuit, values, "test")}

    def accuracy(self, circuit: QuantumCircuit, values: dict[str, float], split: str) -> float:
        """Accuracy of the exported model on a split (``"train"``, ``"val"`` or ``"test"``)."""
        logits = self._logits(circuit, values, split)
        return float(((logits > 0) == (self.data[f"y_{split}"] > 0.5)).mean())

    def _logits(self, circuit: QuantumCircuit, values: dict[str, float], split: str) -> np.ndarray:
        """Class-1 logits of the exported model on a split: ``b - a <Z_0>`` (digits: ``a = 1, b = 0``)."""
        if f"x_{split}" not in self.data:
            raise TaskError(f"the {self.name} task has no {split!r} split")
        x = self.data[f"x_{split}"]
        linear, inputs, columns = linearised(circuit, [f"x{q}" for q in range(self.num_qubits)], x)
        layer = CircuitModule(linear, inputs=inputs, dtype=torch.complex128, weights=[
            values[name] for name in sorted(p.name for p in linear.parameters) if name not in inputs
        ], observables=[SparsePauliOp.from_sparse_list([("Z", [0], 1.0)], self.num_qubits)])  # fmt: skip
        with torch.no_grad():
            z0 = layer(torch.as_tensor(columns))[:, 0].numpy()
        return values.get(HEAD_BIAS, 0.0) - values.get(HEAD_SCALE, 1.0) * z0


HEAD_SCALE, HEAD_BIAS = "_head_scale", "_head_bias"


def selection_reward(logits: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Accuracy of class-1 ``logits`` ``(B, N)`` less ``(1 - exp(-cross-entropy)) / (2N)``: the accuracy,
    ties broken by the cross-entropy (the term is below half an accuracy step, so it never reorders
    different accuracies)."""
    logits = np.asarray(logits, dtype=np.float64)
    target = np.asarray(y) > 0.5
    acc = ((logits > 0) == target).mean(1)
    signed = np.where(target, logits, -logits)
    ce = np.logaddexp(0.0, -signed).mean(1)  # -log sigmoid(signed)
    return np.clip(acc - (1 - np.exp(-ce)) / (2 * logits.shape[1]), 0.0, 1.0)


def linearised(
    circuit: QuantumCircuit, inputs: list[str], x: np.ndarray
) -> tuple[QuantumCircuit, list[str], np.ndarray]:
    """``circuit`` with every non-parameter angle of inputs only (e.g. ``(pi - x0)(pi - x1)``) replaced by a
    derived input; returns the circuit, its input names and their per-sample values ``(N, inputs)``."""
    sympy = require("sympy", extra="all", purpose="non-linear encoding angles")  # a dependency of torch
    out = circuit.copy_empty_like()
    names, columns = list(inputs), [x[:, q] for q in range(len(inputs))]
    derived: dict[str, Parameter] = {}
    for inst in circuit.data:
        params = []
        for p in inst.operation.params:
            if isinstance(p, ParameterExpression) and not isinstance(p, Parameter) and p.parameters and all(
                q.name in inputs for q in p.parameters
            ):  # fmt: skip
                key = str(p)
                if key not in derived:
                    derived[key] = Parameter(f"_d{len(derived)}")
                    symbols = sorted(p.parameters, key=lambda q: q.name)
                    fn = sympy.lambdify([sympy.Symbol(q.name) for q in symbols], p.sympify(), "numpy")
                    value = fn(*[x[:, inputs.index(q.name)] for q in symbols])
                    names.append(derived[key].name)
                    columns.append(np.broadcast_to(np.asarray(value, dtype=np.float64), x[:, 0].shape))
                p = derived[key]
            params.append(p)
        op = inst.operation
        if any(a is not b for a, b in zip(params, op.params, strict=True)):
            op = op.to_mutable()
            op.params = params
        out.append(op, inst.qubits, inst.clbits)
    present = {p.name for p in out.parameters}
    keep = [i for i, n in enumerate(names) if n in present]
    return out, [names[i] for i in keep], np.stack([columns[i] for i in keep], axis=1)


DigitsTask = ClassifierTask  # the name of the first (digits-only) version

MAX_QUBITS = 6  # the tasks simulate 2n qubits per candidate


def _validation_share(validation: float) -> float:
    validation = float(validation)
    if not 0 <= validation <= 0.5:
        raise TaskError(f"--validation is a share of the samples in [0, 0.5], got {validation}")
    return validation


@register_task(
    "digits",
    "QML classifier: sklearn digits (two classes), PCA to n features, RY encoding; reward = test accuracy",
    qubits=None,
    options=(
        TaskOption("classes", str, "3,5", "two digit classes, e.g. '3,5'"),
        TaskOption("validation", float, 0.0, "select on a validation split of this share (e.g. 0.2)"),
    ),
)
def digits(num_qubits: int, classes: tuple[int, int] | str = (3, 5), validation: float = 0.0) -> Task:
    """Digits 3 vs 5 by default; thresholds 0.9 and 0.95 (held-out accuracy).

    ``validation`` (a share of all samples, e.g. 0.2) selects on a validation split and keeps the test
    split for the report (``test_accuracy`` of the exported best circuits); 0 rewards test accuracy, the
    default setting.
    """
    if isinstance(classes, str):
        try:
            classes = tuple(int(c) for c in classes.split(","))
        except ValueError:
            raise TaskError(f"--classes expects two digits like '3,5', got {classes!r}") from None
    if len(classes) != 2 or len(set(classes)) != 2 or not all(0 <= c <= 9 for c in classes):
        raise TaskError(f"the digits task needs two different classes in 0..9, got {classes}")
    if num_qubits > MAX_QUBITS:
        raise TaskError(f"the digits task simulates 2n qubits per candidate; use at most {MAX_QUBITS} qubits")
    validation = _validation_share(validation)
    data = digits_split(num_qubits, tuple(classes), test_fraction=0.3, seed=0, validation=validation)
    split = "validation" if validation else "held-out"
    metric = f"{split} accuracy, digits {classes[0]} vs {classes[1]}, PCA to {num_qubits} features"
    info = {"classes": list(classes), "train_size": len(data["y_train"]), "test_size": len(data["y_test"])}
    if validation:
        info["validation_size"] = len(data["y_val"])
    return ClassifierTask("digits", num_qubits, 0.9, 0.95, metric, data=data, info=info)


@register_task(
    "classifier",
    "QML classifier on your data (sklearn name or CSV/Parquet), two classes, PCA to n features; RY encoding "
    "(re-uploaded, optional ZZ); trained as qgen fit trains; reward = validation accuracy",
    qubits=None,
    options=(
        TaskOption("data", str, None, "iris, wine, breast_cancer, digits, moons, or a .csv / .parquet file"),
        TaskOption("target_col", str, None, "target column of a file (default: the last column)"),
        TaskOption("classes", str, None, "two class labels to keep, e.g. '0,1' (default: the first two)"),
        TaskOption("features", str, "pca", "pca (to the qubit count), none, or comma-separated columns"),
        TaskOption("validation", float, 0.2, "reward on a validation split of this share (0: test split)"),
        TaskOption("uploads", int, 1, "data uploads (re-uploading layers), each with its own ansatz copy"),
        TaskOption("encoding", str, "ry", "ry, or ry-zz (adds RZZ((pi - x_q)(pi - x_q+1)) entanglers)"),
        TaskOption("steps", int, 100, "Adam steps per candidate (as qgen fit --epochs)"),
        TaskOption("lr", float, 0.05, "Adam step size (as qgen fit --lr)"),
    ),
)
def classifier(
    num_qubits: int,
    data: str | None = None,
    target_col: str | None = None,
    classes: str | None = None,
    features: str = "pca",
    validation: float = 0.2,
    uploads: int = 1,
    encoding: str = "ry",
    steps: int = 100,
    lr: float = 0.05,
) -> Task:
    """Two classes of the user's dataset; one feature per qubit (standardise + PCA by default).

    ``features``: ``pca`` reduces all feature columns to ``num_qubits`` principal components (fitted on the
    training split, as ``qgen fit --features N`` does); ``none`` uses the columns as they are (there must be
    ``num_qubits``); comma-separated column names keep those (reduced by PCA when more than ``num_qubits``).
    Features map to ``[0, pi]`` by the training range; 30 % of the samples are held out for testing and
    ``validation`` of them (default 20 %) for the reward (stratified, seed 0), so the search never sees the
    test split (``validation=0`` rewards test accuracy). Each candidate is trained as ``qgen fit`` trains the
    exported circuit (``steps`` Adam steps of ``lr``, trained readout), with ``uploads`` re-uploading layers
    and the ``encoding`` of :mod:`qgen.search.tasks.classifier_model`. Thresholds 0.9 and 0.95.
    """
    if num_qubits > MAX_QUBITS:
        raise TaskError(
            f"the classifier task simulates 2n qubits per candidate; use at most {MAX_QUBITS} qubits"
        )
    validation = _validation_share(validation)
    encoding, uploads = check_encoding(encoding, uploads)
    if int(steps) < 1 or not float(lr) > 0:
        raise TaskError(f"steps must be >= 1 and lr > 0, got {steps} and {lr}")
    ds = load_table(data or "", target_col)
    pair = pick_classes(ds, classes)
    split, reduced = tabular_split(ds, pair, num_qubits, features, 0.3, seed=0, validation=validation)
    kind = "validation" if validation else "held-out"
    reduction = f"PCA to {num_qubits} features" if reduced else "features as given"
    upload = f", {uploads} uploads" if uploads > 1 else ""
    metric = f"{kind} accuracy, {ds.name} {pair[0]} vs {pair[1]}, {reduction}, {encoding} encoding{upload}"
    info = {
        "data": str(data),
        "target_col": ds.target_name,
        "classes": list(pair),
        "features": features or "pca",
        "train_size": len(split["y_train"]),
        "test_size": len(split["y_test"]),
    }
    if validation:
        info["validation_size"] = len(split["y_val"])
    info.update(uploads=uploads, encoding=encoding)
    return ClassifierTask(
        "classifier", num_qubits, 0.9, 0.95, metric, steps=int(steps), lr=float(lr), optimizer="adam",
        info=info, data=split, model_training=True, uploads=uploads, encoding=encoding,
    )  # fmt: skip
