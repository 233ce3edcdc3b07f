"""The QML classifier tasks: two classes of a dataset, one feature per qubit, angle encoding + the ansatz.

``digits`` uses scikit-learn's digits; ``classifier`` any tabular dataset (a bundled scikit-learn name or a
CSV / Parquet file, read by :mod:`qgen.datasets.tabular`, the loader of ``qgen fit``); their data preparation
is in :mod:`qgen.search.tasks.classifier_data`.

Model: ``RY(x_q)`` on every qubit q (features scaled to [0, pi]), then the candidate circuit; the class-1
probability is the probability of measuring qubit 0 in |1>, ``p1 = (1 - <Z_0>) / 2``. Loss: binary
cross-entropy on the training split; reward: accuracy on the held-out split (predict 1 when p1 > 1/2).

Batched training with :func:`qgen.sim.train`: every candidate runs once on 2n qubits from the maximally
entangled state of n system and n ancilla qubits (n Hadamards and n CNOTs prepended), so its final state holds
its whole unitary ``U = sqrt(2^n) psi.reshape(anc, sys).T``; the loss applies U to the encoded training
states of every sample at once. One simulation per candidate per step, whatever the number of samples.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from qiskit.circuit import Parameter, QuantumCircuit
from qiskit.quantum_info import SparsePauliOp

from qgen.search.errors import TaskError
from qgen.search.tasks.base import Task, TaskOption, register_task
from qgen.search.tasks.classifier_data import digits_split, load_table, pick_classes, tabular_split
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
    """Binary classifier; reward = held-out accuracy (the validation split's when there is one)."""

    data: dict | None = None

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
        """Held-out accuracy of each trained candidate."""
        prepared = self.prepare(circuits)
        width = max(len(p) for p in params)
        mat = torch.zeros(len(params), width, dtype=torch.float64)
        for i, p in enumerate(params):
            mat[i, : len(p)] = torch.as_tensor(p)
        psi = statevector(prepared, mat)
        p1 = self._p1(self._unitaries(psi), self._outer_select).numpy()
        return ((p1 > 0.5) == (self.data[f"y_{self.selection_split}"] > 0.5)).mean(1)

    def export(self, circuit: GateList) -> QuantumCircuit:
        """Encoding ``RY(x_q)`` on every qubit, then the ansatz (inputs ``x0, x1, ...``)."""
        n = self.num_qubits
        qc = QuantumCircuit(n)
        for q in range(n):
            qc.ry(Parameter(f"x{q}"), q)
        return qc.compose(circuit.to_qiskit())

    def evaluate(self, circuit: QuantumCircuit, values: dict[str, float]) -> float:
        """The reward (held-out accuracy) of the exported model, through :class:`qgen.sim.CircuitModule`."""
        return self.accuracy(circuit, values, self.selection_split)

    def report(self, circuit: QuantumCircuit, values: dict[str, float]) -> dict:
        """With a validation split: the exported model's accuracy on the untouched test split."""
        if self.selection_split == "test":
            return {}
        return {"test_accuracy": self.accuracy(circuit, values, "test")}

    def accuracy(self, circuit: QuantumCircuit, values: dict[str, float], split: str) -> float:
        """Accuracy of the exported model on a split (``"train"``, ``"val"`` or ``"test"``)."""
        if f"x_{split}" not in self.data:
            raise TaskError(f"the {self.name} task has no {split!r} split")
        inputs = [f"x{q}" for q in range(self.num_qubits)]
        layer = CircuitModule(circuit, inputs=inputs, dtype=torch.complex128, weights=[
            values[name] for name in sorted(p.name for p in circuit.parameters) if name not in inputs
        ], observables=[SparsePauliOp.from_sparse_list([("Z", [0], 1.0)], self.num_qubits)])  # fmt: skip
        with torch.no_grad():
            z0 = layer(torch.as_tensor(self.data[f"x_{split}"]))[:, 0].numpy()
        p1 = (1 - z0) / 2
        return float(((p1 > 0.5) == (self.data[f"y_{split}"] > 0.5)).mean())


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
    "QML classifier on your data (sklearn name or CSV/Parquet), two classes, PCA to n features, RY encoding",
    qubits=None,
    options=(
        TaskOption("data", str, None, "iris, wine, breast_cancer, digits, moons, or a .csv / .parquet file"),
        TaskOption("target_col", str, None, "target column of a file (default: the last column)"),
        TaskOption("classes", str, None, "two class labels to keep, e.g. '0,1' (default: the first two)"),
        TaskOption("features", str, "pca", "pca (to the qubit count), none, or comma-separated columns"),
        TaskOption("validation", float, 0.0, "select on a validation split of this share (e.g. 0.2)"),
    ),
)
def classifier(
    num_qubits: int,
    data: str | None = None,
    target_col: str | None = None,
    classes: str | None = None,
    features: str = "pca",
    validation: float = 0.0,
) -> Task:
    """Two classes of the user's dataset; one feature per qubit (standardise + PCA by default).

    ``features``: ``pca`` reduces all feature columns to ``num_qubits`` principal components (fitted on the
    training split, as ``qgen fit --features N`` does); ``none`` uses the columns as they are (there must be
    ``num_qubits``); comma-separated column names keep those (reduced by PCA when more than ``num_qubits``).
    Features map to ``[0, pi]`` by the training range; 30 % of the samples are held out (stratified, seed
    0). Thresholds 0.9 and 0.95 (held-out accuracy).
    """
    if num_qubits > MAX_QUBITS:
        raise TaskError(
            f"the classifier task simulates 2n qubits per candidate; use at most {MAX_QUBITS} qubits"
        )
    validation = _validation_share(validation)
    ds = load_table(data or "", target_col)
    pair = pick_classes(ds, classes)
    split, reduced = tabular_split(ds, pair, num_qubits, features, 0.3, seed=0, validation=validation)
    kind = "validation" if validation else "held-out"
    reduction = f"PCA to {num_qubits} features" if reduced else "features as given"
    metric = f"{kind} accuracy, {ds.name} {pair[0]} vs {pair[1]}, {reduction}"
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
    return ClassifierTask("classifier", num_qubits, 0.9, 0.95, metric, data=split, info=info)
