"""Parametrised circuits for the optimisation dataset: QAOA, hardware-efficient VQE ansatze, ADAPT-VQE.

Every circuit names its parameters ``t000, t001, ...`` in creation order, so ``circuit.parameters`` (sorted
by name) is the creation order. :class:`AnsatzCircuit` holds two equal forms: ``circuit`` (what the dataset
stores, e.g. QAOA in CNOT/RZ/RX/H) and ``trainable`` (what qgen.sim trains, e.g. QAOA with native ``rzz``:
``RZZ(a) = CX . RZ(a) on the target . CX`` exactly, one slot instead of three).

VQE ansatze follow Sim, Johnson and Aspuru-Guzik, "Expressibility and entangling capability of
parameterized quantum circuits for hybrid quantum-classical algorithms", Adv. Quantum Technol. 2, 1900070
(2019), circuits 2, 9, 11, 12, 13, 14 and 15 generalised from 4 to n qubits, plus Qiskit's
``real_amplitudes`` and ``efficient_su2`` (reverse-linear entanglement).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from qiskit.circuit import Parameter, QuantumCircuit
from qiskit.quantum_info import SparsePauliOp

from qgen.datasets.errors import DatasetError
from qgen.datasets.problems.exact import z_terms
from qgen.registry import Registry
from qgen.sim import GateList, from_qiskit
from qgen.sim.gatelist import Op, ParamExpr


def param_names(count: int) -> list[str]:
    """``t000, t001, ...``: zero-padded so that sorting by name keeps creation order."""
    return [f"t{i:03d}" for i in range(count)]


@dataclass(frozen=True)
class AnsatzCircuit:
    """A parametrised circuit in its stored form and an equal form for training.

    ``trainable`` may use rescaled parameters: stored parameter ``j`` = trained parameter ``j`` *
    ``scale[j]`` (QAOA trains gamma in units of the largest cost coefficient, so one learning rate and one
    random range fit every instance).
    """

    ansatz: str
    layers: int
    circuit: QuantumCircuit
    trainable: GateList
    scale: tuple[float, ...] | None = None

    @property
    def num_parameters(self) -> int:
        """Length of the parameter vector."""
        return self.circuit.num_parameters

    def stored_parameters(self, trained) -> np.ndarray:
        """Parameters of ``circuit`` from parameters of ``trainable``."""
        values = np.asarray(trained, dtype=np.float64)
        return values if self.scale is None else values * np.asarray(self.scale)


@dataclass(frozen=True)
class Ansatz:
    """A registered ansatz: ``build(num_qubits, layers, hamiltonian)`` -> :class:`AnsatzCircuit`."""

    name: str
    method: str  # "qaoa", "vqe" or "adapt"
    description: str
    build: Callable[[int, int, SparsePauliOp], AnsatzCircuit]
    min_layers: int = 1


ANSATZE: Registry[Ansatz] = Registry("ansatz")


# ------------------------------------------------------------------------------------------------ QAOA
def qaoa(hamiltonian: SparsePauliOp, layers: int) -> AnsatzCircuit:
    """QAOA with the X mixer: ``H^n``, then per layer ``exp(-i gamma H_C)`` and ``RX(2 beta)`` on every qubit.

    Farhi, Goldstone, Gutmann, arXiv:1411.4028. Parameters per layer: gamma (``t{2l}``), beta (``t{2l+1}``).
    A term ``c Z_T`` becomes ``RZ(2 c gamma)`` between CNOT ladders over ``T`` (CNOT / RZ / RX / H only);
    the identity term is a global phase and is left out. The trainable form uses ``gamma' = gamma * s``,
    ``s`` = the largest absolute cost coefficient, so the phases of all instances live on one scale.
    """
    if layers < 1:
        raise DatasetError(f"QAOA needs at least one layer, got {layers}")
    n = hamiltonian.num_qubits
    masks, coeffs = z_terms(hamiltonian)
    supports = [tuple(q for q in range(n) if (int(m) >> q) & 1) for m in masks]
    active = [abs(c) for s, c in zip(supports, coeffs, strict=True) if s]
    norm = float(max(active)) if active and max(active) > 1e-12 else 1.0
    names = param_names(2 * layers)
    params = [Parameter(p) for p in names]
    qc = QuantumCircuit(n)
    ops: list[Op] = []
    for q in range(n):
        qc.h(q)
        ops.append(Op("h", (q,)))
    for layer in range(layers):
        gamma, beta = params[2 * layer], params[2 * layer + 1]
        gi, bi = 2 * layer, 2 * layer + 1
        for support, c in zip(supports, coeffs, strict=True):
            if not support or abs(c) < 1e-12:
                continue
            angle = ParamExpr(((gi, 2.0 * float(c) / norm),))
            ladder = list(zip(support[:-1], support[1:], strict=True))
            for a, b in ladder:
                qc.cx(a, b)
            qc.rz(2.0 * float(c) * gamma, support[-1])
            for a, b in reversed(ladder):
                qc.cx(a, b)
            if len(support) == 1:
                ops.append(Op("rz", support, (angle,)))
            elif len(support) == 2:
                ops.append(Op("rzz", support, (angle,)))
            else:
                ops.extend(Op("cx", (a, b)) for a, b in ladder)
                ops.append(Op("rz", (support[-1],), (angle,)))
                ops.extend(Op("cx", (a, b)) for a, b in reversed(ladder))
        for q in range(n):
            qc.rx(2.0 * beta, q)
            ops.append(Op("rx", (q,), (ParamExpr(((bi, 2.0),)),)))
    scale = tuple(x for _ in range(layers) for x in (1.0 / norm, 1.0))
    return AnsatzCircuit("qaoa", layers, qc, GateList(n, ops, names), scale)


ANSATZE.register(
    "qaoa",
    Ansatz("qaoa", "qaoa", "QAOA, X mixer, gates CNOT/RZ/RX/H", lambda n, p, h: qaoa(h, p)),
)


# ------------------------------------------------------------------------------------------------- VQE
class _Builder:
    """Appends gates to a circuit, creating parameters ``t000...`` as it goes."""

    def __init__(self, n: int) -> None:
        self.qc = QuantumCircuit(n)
        self.n = n
        self.count = 0

    def p(self) -> Parameter:
        param = Parameter(f"t{self.count:03d}")
        self.count += 1
        return param

    def rot(self, gate: str, qubits) -> None:
        for q in qubits:
            getattr(self.qc, gate)(self.p(), q)

    def controlled(self, gate: str, control: int, target: int) -> None:
        getattr(self.qc, gate)(self.p(), control, target)


def _sim2(b: _Builder) -> None:
    """Circuit 2: RX, RZ on every qubit, then a CNOT cascade q_{n-1} -> ... -> q_0."""
    b.rot("rx", range(b.n))
    b.rot("rz", range(b.n))
    for q in range(b.n - 1, 0, -1):
        b.qc.cx(q, q - 1)


def _sim9(b: _Builder) -> None:
    """Circuit 9: H on every qubit, a CZ cascade, RX on every qubit."""
    b.qc.h(range(b.n))
    for q in range(b.n - 1, 0, -1):
        b.qc.cz(q, q - 1)
    b.rot("rx", range(b.n))


def _sim11_12(b: _Builder, entangler: str) -> None:
    """Circuits 11 (CNOT) / 12 (CZ): RY RZ everywhere, pairs (1,0),(3,2)...; RY RZ inside, pairs (2,1),..."""
    b.rot("ry", range(b.n))
    b.rot("rz", range(b.n))
    for q in range(1, b.n, 2):
        getattr(b.qc, entangler)(q, q - 1)
    inner = range(1, b.n - 1)
    b.rot("ry", inner)
    b.rot("rz", inner)
    for q in range(2, b.n - 1, 2):
        getattr(b.qc, entangler)(q, q - 1)


def _sim13_14(b: _Builder, gate: str) -> None:
    """Circuits 13 (CRZ) / 14 (CRX): RY; ring c -> c+1 from the last qubit; RY; ring c -> c-1."""
    n = b.n
    b.rot("ry", range(n))
    for c in range(n - 1, -1, -1):
        b.controlled(gate, c, (c + 1) % n)
    b.rot("ry", range(n))
    for c in [n - 1, *range(n - 1)]:
        b.controlled(gate, c, (c - 1) % n)


def _sim15(b: _Builder) -> None:
    """Circuit 15: circuit 13's pattern with CNOTs (RY; CNOT ring; RY; reverse CNOT ring)."""
    n = b.n
    b.rot("ry", range(n))
    for c in range(n - 1, -1, -1):
        b.qc.cx(c, (c + 1) % n)
    b.rot("ry", range(n))
    for c in [n - 1, *range(n - 1)]:
        b.qc.cx(c, (c - 1) % n)


def _layered(name: str, layer: Callable[[_Builder], None], min_qubits: int = 2):
    def build(n: int, layers: int, hamiltonian: SparsePauliOp | None = None) -> AnsatzCircuit:
        if n < min_qubits:
            raise DatasetError(f"ansatz {name} needs at least {min_qubits} qubits, got {n}")
        if layers < 1:
            raise DatasetError(f"ansatz {name} needs at least one layer, got {layers}")
        b = _Builder(n)
        for _ in range(layers):
            layer(b)
        return AnsatzCircuit(name, layers, b.qc, from_qiskit(b.qc))

    return build


def _library(name: str, factory: Callable[..., QuantumCircuit]):
    def build(n: int, layers: int, hamiltonian: SparsePauliOp | None = None) -> AnsatzCircuit:
        if layers < 1:
            raise DatasetError(f"ansatz {name} needs at least one layer, got {layers}")
        qc = factory(n, reps=layers, entanglement="reverse_linear")
        qc = qc.assign_parameters(
            dict(zip(qc.parameters, [Parameter(p) for p in param_names(qc.num_parameters)], strict=True))
        )
        return AnsatzCircuit(name, layers, qc, from_qiskit(qc))

    return build


def _register_vqe() -> None:
    from qiskit.circuit.library import efficient_su2, real_amplitudes

    table = {
        "sim2": ("Sim et al. circuit 2: RX RZ + CNOT cascade", _sim2),
        "sim9": ("Sim et al. circuit 9: H + CZ cascade + RX", _sim9),
        "sim11": ("Sim et al. circuit 11: RY RZ + staggered CNOT pairs", lambda b: _sim11_12(b, "cx")),
        "sim12": ("Sim et al. circuit 12: RY RZ + staggered CZ pairs", lambda b: _sim11_12(b, "cz")),
        "sim13": ("Sim et al. circuit 13: RY + CRZ rings", lambda b: _sim13_14(b, "crz")),
        "sim14": ("Sim et al. circuit 14: RY + CRX rings", lambda b: _sim13_14(b, "crx")),
        "sim15": ("Sim et al. circuit 15: RY + CNOT rings", _sim15),
    }
    # one layer of circuit 9 prepares a graph state rotated by RX: its Z and ZZ expectations do not depend
    # on the angles, so Ising energies are flat; it needs two layers
    minimum = {"sim9": 2}
    for name, (desc, layer) in table.items():
        ANSATZE.register(name, Ansatz(name, "vqe", desc, _layered(name, layer), minimum.get(name, 1)))
    ANSATZE.register(
        "real_amplitudes",
        Ansatz(
            "real_amplitudes",
            "vqe",
            "Qiskit real_amplitudes (RY + reverse-linear CNOTs)",
            _library("real_amplitudes", real_amplitudes),
        ),
    )
    ANSATZE.register(
        "efficient_su2",
        Ansatz(
            "efficient_su2",
            "vqe",
            "Qiskit efficient_su2 (RY RZ + reverse-linear CNOTs)",
            _library("efficient_su2", efficient_su2),
        ),
    )


_register_vqe()

VQE_ANSATZE: tuple[str, ...] = tuple(a for a in ANSATZE if ANSATZE[a].method == "vqe")


def build_ansatz(name: str, hamiltonian: SparsePauliOp, layers: int) -> AnsatzCircuit:
    """The ansatz ``name`` with ``layers`` layers for ``hamiltonian``'s qubit count (QAOA uses its terms).

    Raises:
        UnknownNameError: ``name`` is not in :data:`ANSATZE`.
        DatasetError: too few qubits or layers.
    """
    return ANSATZE[name].build(hamiltonian.num_qubits, layers, hamiltonian)
