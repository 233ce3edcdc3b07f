"""Gate bases of synthesis: what a basis knows (its gates, their names, costs, how to print and lower words).

A *basis* is the action set of the synthesis environment and of AQ*: a few fixed gates on one or two qubits.
``BASES`` holds factories by name; registering a basis is one call, ``BASES.register("name", factory)``,
where ``factory()`` returns a :class:`Basis`. Everything else (AQ*'s tables, the deep-Q network, the CLI)
asks the basis object.

Matrices follow Qiskit's bit order: qubit 0 is the least significant bit of a matrix index.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from qgen.compiler.synthesis.errors import SynthesisError
from qgen.compiler.synthesis.unitaries import GATE_MATRICES, T_NAMES, cx_matrix, embed
from qgen.compiler.synthesis.words import word_matrix
from qgen.registry import Registry

_INVERSE_NAMES = {
    "h": "h",
    "x": "x",
    "y": "y",
    "z": "z",
    "s": "sdg",
    "sdg": "s",
    "t": "tdg",
    "tdg": "t",
    "cx": "cx",
    **{f"v{p}": f"v{p}dg" for p in "xyz"},
    **{f"v{p}dg": f"v{p}" for p in "xyz"},
}


@dataclass(frozen=True)
class BasisGate:
    """One action of a basis.

    Attributes:
        name: gate name (``"h"``, ``"t"``, ``"cx"``, ``"vx"``, ...).
        qubits: the qubits it acts on, within the basis' register (``(0,)``; ``(0, 1)`` = control 0).
        matrix: its ``2^n x 2^n`` matrix on the basis' ``n`` qubits (Qiskit order).
    """

    name: str
    qubits: tuple[int, ...]
    matrix: np.ndarray

    @property
    def t_count(self) -> int:
        """1 for T and T-dagger, else 0."""
        return int(self.name in T_NAMES)


@dataclass(frozen=True)
class Basis:
    """A finite gate set that the environment and AQ* build words from.

    Attributes:
        name: registry name.
        num_qubits: register width (1 or 2).
        gates: the actions, in a fixed order (the network's output order).
        clifford_t: words are Clifford+T, so AQ* can use the Matsumoto-Amano normal-form table.
        description: one line for listings.
        default_cost: the search cost the CLI uses for this basis (``"t"`` or ``"gate"``).
        normal_form: AQ* searches Matsumoto-Amano normal forms (single-qubit, inverse-closed Clifford+T).
    """

    name: str
    num_qubits: int
    gates: tuple[BasisGate, ...]
    clifford_t: bool
    description: str
    default_cost: str = "gate"
    normal_form: bool = False

    @property
    def dim(self) -> int:
        """Matrix dimension 2^n."""
        return 2**self.num_qubits

    @property
    def num_actions(self) -> int:
        """Number of gates."""
        return len(self.gates)

    @functools.cached_property
    def matrices(self) -> np.ndarray:
        """All gate matrices, shape ``(A, 2^n, 2^n)``."""
        return np.stack([g.matrix for g in self.gates])

    @functools.cached_property
    def inverses(self) -> np.ndarray:
        """``inverses[a]`` = index of the gate undoing gate ``a``, or -1 if the basis has none."""
        index = {(g.name, g.qubits): i for i, g in enumerate(self.gates)}
        return np.array([index.get((_INVERSE_NAMES.get(g.name, ""), g.qubits), -1) for g in self.gates])

    @functools.cached_property
    def t_counts(self) -> np.ndarray:
        """T-count of each gate, shape ``(A,)``."""
        return np.array([g.t_count for g in self.gates], dtype=np.int64)

    def costs(self, cost: str) -> np.ndarray:
        """Cost of each action.

        Args:
            cost: ``"gate"`` (1 per gate) or ``"t"`` (1 per T / T-dagger plus ``CLIFFORD_TIE`` per other gate,
                so that searches prefer shorter words among equal T-counts and never loop for free).

        Returns:
            Float array of shape ``(A,)``.

        Raises:
            SynthesisError: unknown cost name.
        """
        if cost == "gate":
            return np.ones(self.num_actions)
        if cost == "t":
            return np.where(self.t_counts > 0, 1.0, CLIFFORD_TIE)
        raise SynthesisError(f"unknown cost {cost!r}: use 'gate' (1 per gate) or 't' (1 per T gate)")

    def labels(self, word: list[int] | tuple[int, ...] | np.ndarray) -> list[str]:
        """Gate labels of a word of action indices (circuit order)."""
        if self.num_qubits == 1:
            return [self.gates[int(a)].name for a in word]
        return [
            f"{self.gates[int(a)].name} " + ",".join(f"q{q}" for q in self.gates[int(a)].qubits) for a in word
        ]

    def word_matrix(self, word: Sequence[int] | np.ndarray) -> np.ndarray:
        """Matrix of a word of action indices in circuit order (the first gate is applied first)."""
        return word_matrix([int(a) for a in word], self.matrices, self.dim)

    @functools.cached_property
    def label_matrices(self) -> dict[str, np.ndarray]:
        """Matrix of every label this basis prints (single-qubit bases also read other Clifford+T names)."""
        out = dict(GATE_MATRICES) if self.num_qubits == 1 else {}
        out.update(zip(self.labels(range(self.num_actions)), self.matrices, strict=True))
        return out

    def label_matrix(self, labels: Sequence[str]) -> np.ndarray:
        """Matrix of a word of gate labels (as :meth:`labels` writes them) in circuit order.

        Raises:
            SynthesisError: a label that is not a gate of this basis.
        """
        table = self.label_matrices
        for lab in labels:
            if lab not in table:
                raise SynthesisError(f"gate {lab!r} is not in basis {self.name!r}")
        return word_matrix(labels, table, self.dim)

    def to_circuit(self, labels: Sequence[str]):
        """A Qiskit circuit on ``num_qubits`` qubits for a word of labels (lowering a synthesised word)."""
        from qiskit.circuit import QuantumCircuit

        qc = QuantumCircuit(self.num_qubits)
        for lab in labels:
            name, _, where = lab.partition(" ")
            qubits = [int(q[1:]) for q in where.split(",")] if where else [0]
            getattr(qc, name)(*qubits)
        return qc


CLIFFORD_TIE = 1e-2
"""Cost of a non-T gate under ``cost="t"``: breaks ties towards shorter words."""

BASES: Registry[Callable[[], Basis]] = Registry("synthesis basis")
"""Basis factories by name: ``clifford_t``, ``ht``, ``hrc``, ``clifford_t_cx``."""


def get_basis(name: str) -> Basis:
    """The basis registered under ``name`` (built once, then cached).

    Raises:
        UnknownNameError: no such basis (the message lists the valid names).
    """
    return _cached_basis(BASES[name])


@functools.cache
def _cached_basis(factory: Callable[[], Basis]) -> Basis:
    return factory()


def one_qubit_basis(name: str, names: list[str], clifford_t: bool, description: str, **kw) -> Basis:
    """A single-qubit basis from gate names of ``unitaries.GATE_MATRICES`` (``kw``: other Basis fields)."""
    gates = tuple(BasisGate(g, (0,), GATE_MATRICES[g]) for g in names)
    return Basis(name, 1, gates, clifford_t, description, **kw)


@BASES.register("clifford_t")
def clifford_t_basis() -> Basis:
    """{H, S, Sdg, T, Tdg}: inverse-closed Clifford+T."""
    return one_qubit_basis(
        "clifford_t",
        ["h", "s", "sdg", "t", "tdg"],
        True,
        "{H, S, Sdg, T, Tdg}, inverse-closed",
        default_cost="t",
        normal_form=True,
    )


@BASES.register("ht")
def ht_basis() -> Basis:
    """{H, T}: inverse-free Clifford+T (T-dagger costs seven T)."""
    return one_qubit_basis("ht", ["h", "t"], True, "{H, T}, inverse-free")


@BASES.register("hrc")
def hrc_basis() -> Basis:
    """The six HRC V-gates (I +- 2iP)/sqrt(5), P in {X, Y, Z}: an inverse-closed free group."""
    names = ["vx", "vxdg", "vy", "vydg", "vz", "vzdg"]
    return one_qubit_basis("hrc", names, False, "HRC V-gates (I +- 2iP)/sqrt(5)")


@BASES.register("clifford_t_cx")
def clifford_t_cx_basis() -> Basis:
    """Two qubits: {H, S, Sdg, T, Tdg} on each qubit plus CX in both directions."""
    gates = []
    for q in (0, 1):
        for g in ["h", "s", "sdg", "t", "tdg"]:
            gates.append(BasisGate(g, (q,), embed(GATE_MATRICES[g], q, 2)))
    gates.append(BasisGate("cx", (0, 1), cx_matrix(0, 1)))
    gates.append(BasisGate("cx", (1, 0), cx_matrix(1, 0)))
    description = "two qubits: {H, S, Sdg, T, Tdg} x 2 + CX both ways"
    return Basis("clifford_t_cx", 2, tuple(gates), True, description, default_cost="t")
