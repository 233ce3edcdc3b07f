"""The QML classifier task: scikit-learn digits, PCA to n features, angle encoding + the candidate ansatz.

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

from qgen.optional import require
from qgen.search.errors import TaskError
from qgen.search.tasks.base import Task, TaskOption, register_task
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


def digits_split(
    num_features: int, classes: tuple[int, int], test_fraction: float, seed: int, validation: float = 0.0
) -> dict:
    """Digits of two classes, PCA to ``num_features``, scaled to [0, pi] by the training split's range.

    ``validation`` > 0 moves that share of all samples from the training split to a validation split
    (``x_val``, ``y_val``), stratified, for model selection without the test split.
    """
    purpose = "the digits task"
    load_digits = require("sklearn.datasets", extra="search", purpose=purpose).load_digits
    PCA = require("sklearn.decomposition", extra="search", purpose=purpose).PCA  # noqa: N806
    train_test_split = require("sklearn.model_selection", extra="search", purpose=purpose).train_test_split

    data = load_digits()
    keep = np.isin(data.target, classes)
    x, y = data.data[keep], (data.target[keep] == classes[1]).astype(np.float64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_fraction, random_state=seed, stratify=y)
    x_va = y_va = None
    if validation > 0:
        share = validation / (1 - test_fraction)  # of the remaining samples
        x_tr, x_va, y_tr, y_va = train_test_split(
            x_tr, y_tr, test_size=share, random_state=seed, stratify=y_tr
        )
    pca = PCA(n_components=num_features, random_state=seed).fit(x_tr)
    z_tr = pca.transform(x_tr)
    lo, hi = z_tr.min(0), z_tr.max(0)
    scale = np.pi / np.where(hi > lo, hi - lo, 1.0)

    def encode(part: np.ndarray) -> np.ndarray:
        return np.clip((pca.transform(part) - lo) * scale, 0, np.pi)

    out = {"x_train": encode(x_tr), "y_train": y_tr, "x_test": encode(x_te), "y_test": y_te}
    if x_va is not None:
        out.update(x_val=encode(x_va), y_val=y_va)
    return out


def _outer(states: np.ndarray) -> np.ndarray:
    """Flattened outer products ``(d^2, N)`` of real states ``(d, N)``: column j is ``vec(phi_j phi_j^T)``."""
    d, count = states.shape
    return np.einsum("an,bn->abn", states, states).reshape(d * d, count)


@dataclass
class DigitsTask(Task):
    """Binary digits classifier; reward = held-out accuracy (the validation split's when there is one)."""

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
        raise TaskError("the digits task rewards held-out accuracy, computed from trained parameters")

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
            raise TaskError(f"the digits task has no {split!r} split")
        inputs = [f"x{q}" for q in range(self.num_qubits)]
        layer = CircuitModule(circuit, inputs=inputs, dtype=torch.complex128, weights=[
            values[name] for name in sorted(p.name for p in circuit.parameters) if name not in inputs
        ], observables=[SparsePauliOp.from_sparse_list([("Z", [0], 1.0)], self.num_qubits)])  # fmt: skip
        with torch.no_grad():
            z0 = layer(torch.as_tensor(self.data[f"x_{split}"]))[:, 0].numpy()
        p1 = (1 - z0) / 2
        return float(((p1 > 0.5) == (self.data[f"y_{split}"] > 0.5)).mean())


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
    issue's setting.
    """
    if isinstance(classes, str):
        try:
            classes = tuple(int(c) for c in classes.split(","))
        except ValueError:
            raise TaskError(f"--classes expects two digits like '3,5', got {classes!r}") from None
    if len(classes) != 2 or len(set(classes)) != 2 or not all(0 <= c <= 9 for c in classes):
        raise TaskError(f"the digits task needs two different classes in 0..9, got {classes}")
    if num_qubits > 6:
        raise TaskError("the digits task simulates 2n qubits per candidate; use at most 6 qubits")
    validation = float(validation)
    if not 0 <= validation <= 0.5:
        raise TaskError(f"--validation is a share of the samples in [0, 0.5], got {validation}")
    data = digits_split(num_qubits, tuple(classes), test_fraction=0.3, seed=0, validation=validation)
    split = "validation" if validation else "held-out"
    metric = f"{split} accuracy, digits {classes[0]} vs {classes[1]}, PCA to {num_qubits} features"
    info = {"classes": list(classes), "train_size": len(data["y_train"]), "test_size": len(data["y_test"])}
    if validation:
        info["validation_size"] = len(data["y_val"])
    return DigitsTask("digits", num_qubits, 0.9, 0.95, metric, data=data, info=info)
