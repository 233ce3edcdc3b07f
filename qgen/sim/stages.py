"""Stages of the one-structure / many-inputs simulator (:mod:`qgen.sim.structured`).

A circuit's gates are scheduled, with commutation of gates on disjoint qubits, into few *stages*:

* :class:`LocalStage`: one-qubit gates, fused per qubit into one 2x2 matrix (the product of the gates on that
  qubit, computed per sample when an angle reads a per-sample input);
* :class:`MonomialStage`: gates whose matrix has one non-zero per row (CX, SWAP, CCX, X, CZ, RZZ, CP, CRZ, RZ,
  P, ...): the whole run is one index permutation of the amplitudes and one phase vector ``exp(i phi)`` with
  ``phi`` linear in the parameters (``phi = c + params @ W``);
* :class:`DenseStage`: any other multi-qubit gate (CRX, RXX, CH, unitaries), applied as a ``2**k`` matrix.

Qiskit's bit order throughout: qubit 0 is the least significant bit of the amplitude index; a gate's first
qubit is the least significant bit of its local index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qgen.sim.blocks import U3_FORM_GATES, u3_form
from qgen.sim.gatelist import GateList, Op, ParamExpr
from qgen.sim.gates import GATES

# parametric diagonal multi-qubit gates: the phase of local basis state i is ``alpha[i] * angle``
_DIAGONAL = {
    "rz": np.array([-0.5, 0.5]),
    "p": np.array([0.0, 1.0]),
    "u1": np.array([0.0, 1.0]),
    "crz": np.array([0.0, -0.5, 0.0, 0.5]),
    "cp": np.array([0.0, 0.0, 0.0, 1.0]),
    "cu1": np.array([0.0, 0.0, 0.0, 1.0]),
    "rzz": np.array([-0.5, 0.5, 0.5, -0.5]),
}


def monomial_form(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(perm, phase)`` with ``matrix[i, perm[i]] = exp(i phase[i])`` when the matrix is a phased
    permutation of unit-modulus entries, else None."""
    nz = np.abs(matrix) > 1e-12
    if not (nz.sum(axis=1) == 1).all() or not (nz.sum(axis=0) == 1).all():
        return None
    perm = nz.argmax(axis=1)
    entries = matrix[np.arange(len(perm)), perm]
    if not np.allclose(np.abs(entries), 1.0, atol=1e-12):
        return None
    return perm, np.angle(entries)


def gate_matrix(op: Op) -> np.ndarray:
    """The matrix of a gate with constant angles (or of a ``unitary``)."""
    if op.name == "unitary":
        return np.asarray(op.matrix, dtype=complex)
    spec = GATES[op.name]
    if spec.constant is not None:
        return np.asarray(spec.constant, dtype=complex)
    import torch

    angles = torch.tensor([[p.offset for p in op.params]], dtype=torch.float64)
    return spec.matrices(angles, torch.complex128)[0].numpy()


@dataclass
class LocalStage:
    """Per-qubit chains of one-qubit gates; ``chains[q]`` lists the gates on qubit ``q`` in order."""

    chains: dict[int, list[Op]] = field(default_factory=dict)

    def touches(self) -> set[int]:
        return set(self.chains)


@dataclass
class MonomialStage:
    """``out[k] = exp(i phi[k]) in[perm[k]]`` with ``phi = const + sum_j params[j] * weight[j]``."""

    dim: int
    perm: np.ndarray = None  # type: ignore[assignment]
    const: np.ndarray = None  # type: ignore[assignment]
    weight: dict[int, np.ndarray] = field(default_factory=dict)
    qubits: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.perm is None:
            self.perm = np.arange(self.dim)
            self.const = np.zeros(self.dim)

    def touches(self) -> set[int]:
        return self.qubits

    def add(self, op: Op, num_qubits: int, form: tuple[np.ndarray, np.ndarray, np.ndarray | None]) -> None:
        """Compose the monomial gate ``op`` (local perm, constant phase, angle coefficients) after this."""
        local_perm, local_phase, alpha = form
        basis = np.arange(self.dim)
        local = np.zeros(self.dim, dtype=np.int64)
        mask = 0
        for j, q in enumerate(op.qubits):
            local |= ((basis >> q) & 1) << j
            mask |= 1 << q
        target = local_perm[local]
        moved = basis & ~mask
        for j, q in enumerate(op.qubits):
            moved |= ((target >> j) & 1) << q
        # out'[k] = g[k] out[moved[k]] = g[k] e^{i phi[moved[k]]} in[perm[moved[k]]]
        self.perm = self.perm[moved]
        self.const = self.const[moved] + local_phase[local]
        self.weight = {j: w[moved] for j, w in self.weight.items()}
        if alpha is not None:
            expr = op.params[0]
            gate_alpha = alpha[local]
            self.const = self.const + expr.offset * gate_alpha
            for j, c in expr.terms:
                self.weight[j] = self.weight.get(j, np.zeros(self.dim)) + c * gate_alpha
        self.qubits |= set(op.qubits)


def merge_monomials(first: MonomialStage, second: MonomialStage) -> MonomialStage:
    """The stage ``second . first`` (``first`` applied first)."""
    out = MonomialStage(first.dim)
    moved = second.perm
    out.perm = first.perm[moved]
    out.const = first.const[moved] + second.const
    out.weight = {j: w[moved] for j, w in first.weight.items()}
    for j, w in second.weight.items():
        out.weight[j] = out.weight.get(j, np.zeros(first.dim)) + w
    out.qubits = first.qubits | second.qubits
    return out


@dataclass
class DenseStage:
    """One multi-qubit gate applied as its ``2**k`` matrix."""

    op: Op

    def touches(self) -> set[int]:
        return set(self.op.qubits)


Stage = LocalStage | MonomialStage | DenseStage


def monomial_gate(op: Op) -> tuple[np.ndarray, np.ndarray, np.ndarray | None] | None:
    """(local perm, constant phase, angle coefficients or None) of a monomial gate, else None."""
    if op.name in _DIAGONAL and op.is_parametric:
        alpha = _DIAGONAL[op.name]
        return np.arange(len(alpha)), np.zeros(len(alpha)), alpha
    if op.is_parametric:
        return None
    form = monomial_form(gate_matrix(op))
    if form is None:
        return None
    return form[0], form[1], None


def schedule(gatelist: GateList) -> list[Stage]:
    """Group the gates into stages, moving each gate as early as commutation on disjoint qubits allows."""
    n = gatelist.num_qubits
    stages: list[Stage] = []

    def last_touching(qubits: set[int]) -> int:
        for i in range(len(stages) - 1, -1, -1):
            if stages[i].touches() & qubits:
                return i
        return -1

    def first_of(kind, start: int) -> int | None:
        for i in range(max(start, 0), len(stages)):
            if isinstance(stages[i], kind):
                return i
        return None

    for op in gatelist.ops:
        qubits = set(op.qubits)
        j = last_touching(qubits)
        if len(op.qubits) == 1 and (op.name in U3_FORM_GATES or op.name == "unitary" or not op.is_parametric):
            if j >= 0 and isinstance(stages[j], MonomialStage):
                form = monomial_gate(op)
                if form is not None:
                    stages[j].add(op, n, form)
                    continue
            i = j if j >= 0 and isinstance(stages[j], LocalStage) else first_of(LocalStage, j + 1)
            if i is None:
                stages.append(LocalStage())
                i = len(stages) - 1
            stages[i].chains.setdefault(op.qubits[0], []).append(op)
            continue
        form = monomial_gate(op)
        if form is not None:
            i = j if j >= 0 and isinstance(stages[j], MonomialStage) else first_of(MonomialStage, j + 1)
            if i is None:
                stages.append(MonomialStage(2**n))
                i = len(stages) - 1
            stages[i].add(op, n, form)
            continue
        stages.append(DenseStage(op))
    return stages


def one_qubit_angles(op: Op) -> tuple[ParamExpr, ...]:
    """The five angles of :func:`qgen.sim.blocks.u3_matrices` for a parametric one-qubit gate."""
    return u3_form(op.name, op.params)


# per-sample rotations written as V . RZ/P(angle) . V^dagger: (gates applied before, the diagonal gate kind,
# gates applied after); RX = H RZ H, RY = (S H) RZ (S H)^dagger
_DIAGONALISE = {
    "rx": (("h",), "rz", ("h",)),
    "ry": (("sdg", "h"), "rz", ("h", "s")),
    "rz": ((), "rz", ()),
    "p": ((), "p", ()),
    "u1": ((), "u1", ()),
}


def diagonalise(stages: list[Stage], batched: frozenset[int], num_qubits: int) -> list[Stage]:
    """Split local stages whose per-sample dependence is one rotation per qubit into (shared local,
    per-sample diagonal, shared local), so that per-sample work is a phase vector instead of 2x2 products."""

    def is_batched(op: Op) -> bool:
        return any(i in batched for e in op.params for i, _ in e.terms)

    out: list[Stage] = []
    for stage in stages:
        if not isinstance(stage, LocalStage):
            out.append(stage)
            continue
        pre, post = LocalStage(), LocalStage()
        diag = MonomialStage(2**num_qubits)
        for q, chain in stage.chains.items():
            marks = [i for i, op in enumerate(chain) if is_batched(op)]
            if len(marks) != 1 or chain[marks[0]].name not in _DIAGONALISE:
                pre.chains[q] = list(chain)
                continue
            i = marks[0]
            op = chain[i]
            before, kind, after = _DIAGONALISE[op.name]
            first = chain[:i] + [Op(g, (q,)) for g in before]
            if first:
                pre.chains[q] = first
            gate = Op(kind, (q,), op.params)
            diag.add(gate, num_qubits, monomial_gate(gate))
            last = [Op(g, (q,)) for g in after] + chain[i + 1 :]
            if last:
                post.chains[q] = last
        if not diag.qubits:
            out.append(stage)
            continue
        out.extend(s for s in (pre, diag, post) if not isinstance(s, LocalStage) or s.chains)
    merged: list[Stage] = []
    for stage in out:
        if merged and isinstance(stage, MonomialStage) and isinstance(merged[-1], MonomialStage):
            merged[-1] = merge_monomials(merged[-1], stage)
        else:
            merged.append(stage)
    return merged
