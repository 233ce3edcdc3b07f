"""Energy tasks: VQE of H2, the transverse-field Ising ring, MaxCut, and Hamiltonians read from a file.

Rewards follow the QAS paper (Sun et al., 2024; its public code): energy tasks score ``E / E0`` (E0 the exact
ground energy, negative) clipped to >= 0; MaxCut scores the paper's normalised objective. The paper's MaxCut
objective is ``-sum_{v in V} (1 - <C>) / 2`` with PennyLane's cost ``C = sum_{(i,j) in E} (Z_i Z_j - 1) / 2``
(the sum runs over the graph's nodes), normalised by its minimum ``-|V| (1 + maxcut) / 2`` (-10 for the
4-node ring, -52 for the 8-node 15-edge graph); the reward is therefore ``(1 + <cut>) / (1 + maxcut)`` with
``<cut> = -<C>`` the expected cut size.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit
from qiskit.quantum_info import SparsePauliOp, Statevector

from qgen.hamiltonians import (
    HamiltonianError,
    exact_ground_energy,
    h2_sto3g,
    load_hamiltonian,
    maxcut_value,
)
from qgen.hamiltonians import maxcut as maxcut_hamiltonian
from qgen.hamiltonians import (
    tfim as tfim_chain,
)
from qgen.search.errors import TaskError
from qgen.search.tasks.base import Task, TaskOption, register_task
from qgen.sim.losses import energy
from qgen.sim.training import LossFn

MAXCUT_GRAPHS = {
    4: ((0, 1), (1, 2), (2, 3), (3, 0)),  # the 4-node ring
    # the 8-node 15-edge graph of the paper's code (search_methods/*maxcut_8_qubits.py)
    8: ((0, 1), (0, 6), (0, 7), (1, 2), (1, 6), (2, 4), (2, 7), (3, 7), (3, 6), (4, 5), (4, 6), (5, 1),
        (5, 6), (5, 7), (6, 7)),
}  # fmt: skip


def h2_hamiltonian() -> SparsePauliOp:
    """The 15-term H2 STO-3G Jordan-Wigner Hamiltonian (4 qubits) at 0.7 Angstrom (shared ``h2_sto3g``)."""
    return h2_sto3g()


def tfim_ring(num_qubits: int, coupling: float = 1.0, field: float = 1.0) -> SparsePauliOp:
    """The paper's TFIM ring ``H = J sum Z_i Z_{i+1} + h sum X_i``: the shared ``tfim`` with -J, -h."""
    return tfim_chain(num_qubits, coupling=-coupling, field=-field, periodic=True)


def ground_energy(hamiltonian: SparsePauliOp) -> float:
    """Smallest eigenvalue by exact (sparse) diagonalisation; practical up to about 16 qubits."""
    try:
        return exact_ground_energy(hamiltonian, max_qubits=16)
    except HamiltonianError as exc:
        raise TaskError(f"exact ground energy: {exc}") from None


def max_cut(edges: tuple[tuple[int, int], ...], num_nodes: int) -> int:
    """Size of the maximum cut by enumeration (small graphs)."""
    return int(maxcut_value(edges, num_nodes))


@dataclass
class EnergyTask(Task):
    """Minimise ``<H>``; reward ``E / E0`` clipped to >= 0 (E0 < 0 the exact ground energy)."""

    hamiltonian: SparsePauliOp | None = None
    ground: float = -1.0

    def loss(self) -> LossFn:
        """Energy ``<H>``."""
        return energy(self.hamiltonian)

    def reward_from_loss(self, loss: np.ndarray) -> np.ndarray:
        """``E / E0`` clipped to >= 0."""
        return np.clip(np.asarray(loss) / self.ground, 0.0, None)

    def evaluate(self, circuit: QuantumCircuit, values: dict[str, float]) -> float:
        """Reward of the bound circuit, from Qiskit's ``Statevector`` (no qgen.sim)."""
        bound = circuit.assign_parameters(values) if circuit.parameters else circuit
        e = float(np.real(Statevector(bound).expectation_value(self.hamiltonian)))
        return float(self.reward_from_loss(np.array([e]))[0])


@dataclass
class MaxCutTask(EnergyTask):
    """MaxCut: minimise ``<C>``, ``C = sum (Z_i Z_j - 1) / 2``; reward ``(1 + <cut>) / (1 + maxcut)``."""

    maxcut: int = 1

    def reward_from_loss(self, loss: np.ndarray) -> np.ndarray:
        """``(1 - <C>) / (1 + maxcut)`` = the paper's energy divided by its minimum."""
        return np.clip((1.0 - np.asarray(loss)) / (1.0 + self.maxcut), 0.0, None)


def _energy_task(name: str, n: int, ham: SparsePauliOp, e0: float, thr: float, strict: float, **info) -> Task:
    if e0 >= 0:
        raise TaskError(f"task {name!r}: ground energy {e0:.6g} >= 0; the reward E/E0 needs a negative E0")
    metric = f"E / E0 clipped to >= 0 (E = trained <H>, E0 = {e0:.6f} exact ground energy)"
    return EnergyTask(
        name, n, thr, strict, metric, hamiltonian=ham, ground=e0, info={"ground_energy": e0, **info}
    )


@register_task("vqe_h2", "VQE of H2 (STO-3G, Jordan-Wigner, 0.7 A); reward E/E0, E0 = -1.136 Ha", qubits=(4,))
def vqe_h2(num_qubits: int) -> Task:
    """H2 ground state; thresholds 0.95 (paper) and 0.995 (strict)."""
    ham = h2_hamiltonian()
    return _energy_task(
        "vqe_h2", num_qubits, ham, ground_energy(ham), 0.95, 0.995, hamiltonian_source="PennyLane qchem"
    )


@register_task("tfim", "transverse-field Ising ring sum ZZ + sum X; reward E/E0", qubits=(4, 8))
def tfim(num_qubits: int) -> Task:
    """TFIM ring at the critical field; thresholds 0.9 (paper, 8 qubits) and 0.95 (strict)."""
    ham = tfim_ring(num_qubits)
    return _energy_task("tfim", num_qubits, ham, ground_energy(ham), 0.9, 0.95)


@register_task(
    "maxcut", "MaxCut (4-node ring / 8-node 15-edge graph); reward (1+<cut>)/(1+maxcut)", qubits=(4, 8)
)
def maxcut(num_qubits: int) -> Task:
    """MaxCut of the paper's graphs; thresholds 0.95 / 0.925 (paper) and 0.995 / 0.95 (strict)."""
    edges = MAXCUT_GRAPHS[num_qubits]
    ham = maxcut_hamiltonian(edges, num_qubits)
    best = max_cut(edges, num_qubits)
    thr, strict = (0.95, 0.995) if num_qubits == 4 else (0.925, 0.95)
    norm = -num_qubits * (1 + best) / 2
    metric = f"(1 + <cut>) / (1 + maxcut), maxcut = {best} (= the paper's energy / {norm:g})"
    return MaxCutTask(
        "maxcut", num_qubits, thr, strict, metric, hamiltonian=ham, ground=-float(best), maxcut=best,
        info={"edges": [list(e) for e in edges], "maxcut": best},
    )  # fmt: skip


def read_hamiltonian(path: str | Path, num_qubits: int | None = None) -> SparsePauliOp:
    """Read a Pauli-sum file (:func:`qgen.hamiltonians.load_hamiltonian`; Qiskit order, qubit 0 rightmost).

    Raises:
        TaskError: ``file:line: message`` for a malformed line, or a width that is not ``num_qubits``.
    """
    try:
        op = load_hamiltonian(path)
    except HamiltonianError as exc:
        raise TaskError(str(exc)) from None
    if num_qubits is not None and op.num_qubits != num_qubits:
        n = op.num_qubits
        raise TaskError(f"{path}: the Hamiltonian acts on {n} qubits; the search uses {num_qubits}")
    return op


@register_task(
    "hamiltonian",
    "ground state of a Pauli-sum file (--hamiltonian FILE); reward E/E0",
    options=(TaskOption("hamiltonian", Path, None, "Pauli-sum file (COEFF LABEL per line, or JSON)"),),
)
def hamiltonian_file(num_qubits: int, hamiltonian: str | Path | None = None) -> Task:
    """Custom energy task; thresholds 0.95 and 0.99."""
    if hamiltonian is None:
        raise TaskError("task 'hamiltonian' needs a Pauli-sum file: pass --hamiltonian FILE")
    ham = read_hamiltonian(hamiltonian, num_qubits)
    return _energy_task("hamiltonian", num_qubits, ham, ground_energy(ham), 0.95, 0.99, file=str(hamiltonian))


_ = torch  # torch is the simulator's array type; imported for type checkers of LossFn users
