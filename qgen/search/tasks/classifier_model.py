"""The classifier tasks' model, trained for many candidate circuits at once: encodings, re-uploading, readout.

A candidate block ``U(theta)`` (a pool circuit) becomes the model

    psi(x) = U(theta_L) E(x) ... U(theta_2) E(x) U(theta_1) E(x) |0>

with ``L`` uploads of the data (data re-uploading, Perez-Salinas et al. 2020, arXiv:1907.02085) and one set
of weights per upload. The upload ``E(x)`` is ``RY(x_q)`` on every qubit q (``ry``), optionally followed by
data-dependent ZZ entanglers ``RZZ((pi - x_q)(pi - x_{q+1}))`` on neighbouring qubits (``ry-zz``, the
pair angle of the ZZ feature map of Havlicek et al. 2019, arXiv:1804.11326; exported as ``CX, RZ, CX``).
Readout as
:class:`qgen.models.VQClassifier`'s for two classes: ``p(class 1) = sigmoid(b - a <Z_0>)`` with a trained
scale ``a`` (initially 1) and bias ``b`` (initially 0).

Batched: each block's unitary comes from one simulation of the block after ``n`` system-ancilla Bell pairs
(its final state holds ``U``), every block of the batch in one :mod:`qgen.sim` run; the uploads are applied
per sample as ``(N, 2^n, 2^n)`` matrices, shared by all candidates. All candidates train together with one
Adam optimiser (per-parameter updates, so each candidate trains as it would alone).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from qiskit.circuit import Parameter, QuantumCircuit

from qgen.search.errors import TaskError
from qgen.sim.api import statevector
from qgen.sim.compiled import compile_batch
from qgen.sim.gatelist import GateList, Op

ENCODINGS = ("ry", "ry-zz")


def check_encoding(encoding: str, uploads: int) -> tuple[str, int]:
    """The encoding name and upload count, checked."""
    if encoding not in ENCODINGS:
        raise TaskError(f"encoding must be one of {', '.join(ENCODINGS)}; got {encoding!r}")
    uploads = int(uploads)
    if not 1 <= uploads <= 6:
        raise TaskError(f"uploads (data re-uploading layers) must be in 1..6, got {uploads}")
    return encoding, uploads


def zz_pairs(num_qubits: int) -> list[tuple[int, int]]:
    """Neighbouring qubit pairs of the ZZ entanglers (a chain)."""
    return [(q, q + 1) for q in range(num_qubits - 1)]


def upload_matrices(x: np.ndarray, encoding: str) -> torch.Tensor:
    """Per-sample upload unitaries ``(N, 2^n, 2^n)`` (Qiskit bit order) of features ``x`` ``(N, n)``."""
    count, n = x.shape
    c, s = np.cos(x / 2), np.sin(x / 2)
    mat = np.ones((count, 1, 1))
    for q in reversed(range(n)):  # qubit n-1 is the most significant bit
        ry = np.stack([np.stack([c[:, q], -s[:, q]], -1), np.stack([s[:, q], c[:, q]], -1)], -2)
        mat = np.einsum("nab,ncd->nacbd", mat, ry).reshape(count, mat.shape[1] * 2, mat.shape[2] * 2)
    out = torch.as_tensor(mat, dtype=torch.complex128)
    if encoding == "ry-zz":
        out = zz_phases(x)[:, :, None] * out
    return out


def zz_phases(x: np.ndarray) -> torch.Tensor:
    """Diagonal ``(N, 2^n)`` of the product of ``RZZ((pi - x_a)(pi - x_b))`` over :func:`zz_pairs`."""
    count, n = x.shape
    idx = np.arange(2**n)
    angle = np.zeros((count, 2**n))
    for a, b in zz_pairs(n):
        parity = 1 - 2 * (((idx >> a) ^ (idx >> b)) & 1)  # eigenvalue of Z_a Z_b
        angle += ((np.pi - x[:, a]) * (np.pi - x[:, b]))[:, None] * parity[None, :]
    return torch.as_tensor(np.exp(-0.5j * angle), dtype=torch.complex128)


def bell_prepared(circuits: Sequence[GateList], num_qubits: int) -> list[GateList]:
    """Each circuit on 2n qubits after system-ancilla Bell pairs (its final state then holds its unitary)."""
    n = num_qubits
    prep = [Op("h", (n + q,)) for q in range(n)] + [Op("cx", (n + q, q)) for q in range(n)]
    return [GateList(2 * n, prep + list(c.ops), parameters=c.parameters) for c in circuits]


def unitaries_from_states(psi: torch.Tensor, num_qubits: int) -> torch.Tensor:
    """``(B, d, d)`` unitaries from the final states of :func:`bell_prepared` circuits."""
    d = 2**num_qubits
    return (psi.reshape(-1, d, d) * d**0.5).transpose(1, 2)


class BatchedModel:
    """The model of every candidate of a batch: weights ``(L, B, P)``; readout scale and bias ``(B,)``."""

    def __init__(self, circuits: Sequence[GateList], num_qubits: int, uploads: int, encoding: str) -> None:
        self.n, self.uploads, self.encoding = num_qubits, uploads, encoding
        self.counts = [c.num_parameters for c in circuits]
        self.width = max(self.counts) if self.counts else 0
        self.size = len(circuits)
        prepared = bell_prepared(circuits, num_qubits)
        self.batch = compile_batch(prepared * uploads, dtype=torch.complex128) if self.width else None
        self.fixed = None
        if self.batch is None:  # parameter-free blocks: one run
            psi = statevector(prepared, torch.zeros(len(prepared), 0))
            self.fixed = unitaries_from_states(psi, num_qubits)
        self._sign = torch.as_tensor(1.0 - 2.0 * (np.arange(2**num_qubits) & 1))  # Z_0 eigenvalues
        self._uploads: dict[int, tuple[np.ndarray, torch.Tensor]] = {}

    def blocks(self, weights: torch.Tensor) -> list[torch.Tensor]:
        """The ``L`` block unitaries ``(B, d, d)`` for weights ``(L, B, P)``."""
        if self.batch is None:
            return [self.fixed] * self.uploads
        psi = self.batch.run(weights.reshape(self.uploads * self.size, self.width))
        u = unitaries_from_states(psi, self.n)
        return list(u.reshape(self.uploads, self.size, *u.shape[1:]).unbind(0))

    def z0(self, weights: torch.Tensor, x: np.ndarray) -> torch.Tensor:
        """``<Z_0>`` ``(B, N)`` of every candidate on every sample of ``x``."""
        if id(x) not in self._uploads:  # the array is kept, so its id stays its own
            self._uploads[id(x)] = (x, upload_matrices(x, self.encoding))
        enc = self._uploads[id(x)][1]
        states = None
        for block in self.blocks(weights):
            if states is None:
                states = torch.einsum("bij,nj->bni", block, enc[:, :, 0])
            else:
                states = torch.einsum("bij,bnj->bni", block, torch.einsum("nij,bnj->bni", enc, states))
        return (states.abs() ** 2) @ self._sign.to(states.real.dtype)

    @staticmethod
    def logits(z0: torch.Tensor, scale: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        """Class-1 logits ``b - a <Z_0>``."""
        return bias[:, None] - scale[:, None] * z0


def train_batch(
    circuits: Sequence[GateList],
    num_qubits: int,
    data: dict,
    init: list[np.ndarray],
    *,
    uploads: int,
    encoding: str,
    steps: int,
    lr: float,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Train every candidate (Adam, full batch, binary cross-entropy on the training split).

    Returns the final training losses ``(B,)`` and each candidate's parameters ``[theta_1 .. theta_L, a, b]``.
    """
    model = BatchedModel(circuits, num_qubits, uploads, encoding)
    size, width = model.size, model.width
    weights = torch.zeros(uploads, size, width, dtype=torch.float64)
    for i, p in enumerate(init):
        k = model.counts[i]
        weights[:, i, :k] = torch.as_tensor(np.asarray(p).reshape(uploads, k))
    weights.requires_grad_(bool(width))
    scale = torch.ones(size, dtype=torch.float64, requires_grad=True)
    bias = torch.zeros(size, dtype=torch.float64, requires_grad=True)
    y = torch.as_tensor(data["y_train"], dtype=torch.float64)[None, :].expand(size, -1)
    params = [scale, bias] + ([weights] if width else [])
    opt = torch.optim.Adam(params, lr=lr)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    loss = torch.zeros(size, dtype=torch.float64)
    for _ in range(max(int(steps), 0)):
        opt.zero_grad()
        z0 = model.z0(weights, data["x_train"])
        loss = bce(model.logits(z0, scale, bias), y, reduction="none").mean(1)
        loss.sum().backward()
        opt.step()
    with torch.no_grad():
        z0 = model.z0(weights, data["x_train"])
        loss = bce(model.logits(z0, scale, bias), y, reduction="none").mean(1)
    out = []
    scale, bias = scale.detach().numpy(), bias.detach().numpy()
    for i, k in enumerate(model.counts):
        theta = weights[:, i, :k].detach().reshape(-1).numpy()
        out.append(np.concatenate([theta, [scale[i], bias[i]]]))
    return loss.detach().numpy().astype(np.float64), out


def predict_batch(
    circuits: Sequence[GateList],
    num_qubits: int,
    params: list[np.ndarray],
    x: np.ndarray,
    *,
    uploads: int,
    encoding: str,
) -> np.ndarray:
    """Class-1 logits ``(B, N)`` of trained candidates (``params`` as :func:`train_batch` returns them)."""
    model = BatchedModel(circuits, num_qubits, uploads, encoding)
    weights = torch.zeros(uploads, model.size, model.width, dtype=torch.float64)
    scale = torch.zeros(model.size, dtype=torch.float64)
    bias = torch.zeros(model.size, dtype=torch.float64)
    for i, (p, k) in enumerate(zip(params, model.counts, strict=True)):
        weights[:, i, :k] = torch.as_tensor(p[: uploads * k].reshape(uploads, k))
        scale[i], bias[i] = float(p[-2]), float(p[-1])
    with torch.no_grad():
        return model.logits(model.z0(weights, x), scale, bias).numpy()


def upload_names(circuit: GateList, uploads: int) -> list[list[str]]:
    """Weight names of each upload's copy of the block: the block's own names for one upload, else
    ``p{l}_{rest}`` (``p00`` of upload 1 is ``p1_00``), so that name order is circuit order."""
    names = list(circuit.parameters)
    if uploads == 1:
        return [names]
    return [[f"p{layer}_{name[1:] if name.startswith('p') else name}" for name in names] for layer in
            range(uploads)]  # fmt: skip


def export_circuit(circuit: GateList, num_qubits: int, uploads: int, encoding: str) -> QuantumCircuit:
    """The model circuit: per upload, ``RY(x_q)`` (and the ZZ entanglers), then the block's own weights."""
    xs = [Parameter(f"x{q}") for q in range(num_qubits)]
    block = circuit.to_qiskit()
    qc = QuantumCircuit(num_qubits)
    for names in upload_names(circuit, uploads):
        for q in range(num_qubits):
            qc.ry(xs[q], q)
        if encoding == "ry-zz":  # RZZ(t) = CX RZ(t) CX: standard gates of every QASM version, no definitions
            for a, b in zz_pairs(num_qubits):
                qc.cx(a, b)
                qc.rz((np.pi - xs[a]) * (np.pi - xs[b]), b)
                qc.cx(a, b)
        new = dict(zip(circuit.parameters, names, strict=True))
        renamed = {p: Parameter(new[p.name]) for p in block.parameters}
        qc.compose(block.assign_parameters(renamed) if renamed else block, inplace=True)
    return qc
