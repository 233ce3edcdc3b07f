"""Energy tasks: VQE of H2, the transverse-field Ising ring, MaxCut, and Hamiltonians read from a file.

Rewards follow the QAS paper (Sun et al., 2024; its public code): energy tasks score ``E / E0`` (E0 the exact
ground energy, negative) clipped to >= 0; MaxCut scores the paper's normalised objective. The paper's MaxCut
objective is ``-sum_{v in V} (1 - <C>) / 2`` with PennyLane's cost ``C = sum_{(i,j) in E} (Z_i Z_j - 1) / 2``
(the sum runs over the graph's nodes), normalised by its minimum ``-|V| (1 + maxcut) / 2`` (-10 for the
4-node ring, -52 for the 8-node 15-edge graph); the reward is therefore ``(1 + <cut>) / (1 + maxcut)`` with
``<cut> = -<C>`` the expected cut size.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit
from qiskit.quantum_info import SparsePauliOp, Statevector

from qgen.search.errors import TaskError
from qgen.search.tasks.base import Task, register_task
from qgen.sim.losses import energy
from qgen.sim.training import LossFn

# H2 in STO-3G, Jordan-Wigner, 4 qubits, bond length 0.7 Angstrom (1.3228 bohr). Source: the Hamiltonian
# PennyLane prints in its VQE demo ("A brief overview of VQE", pennylane.ai/qml/demos/tutorial_vqe), from
# qml.qchem.molecular_hamiltonian(["H", "H"], [0, 0, -0.6614, 0, 0, 0.6614]) -- the call the QAS paper's
# code (circuit/vqe.py) makes. Exact ground energy -1.136189 Ha (FCI in this basis). Labels: (Pauli letters,
# qubits), PennyLane wire w = Qiskit qubit w.
H2_STO3G_TERMS = (
    ("", (), -0.04207897647782276),
    ("Z", (0,), 0.17771287465139946),
    ("Z", (1,), 0.17771287465139946),
    ("Z", (2,), -0.24274280513140462),
    ("Z", (3,), -0.24274280513140462),
    ("ZZ", (0, 1), 0.17059738328801052),
    ("ZZ", (0, 2), 0.12293305056183798),
    ("ZZ", (1, 3), 0.12293305056183798),
    ("ZZ", (0, 3), 0.1676831945771896),
    ("ZZ", (1, 2), 0.1676831945771896),
    ("ZZ", (2, 3), 0.17627640804319591),
    ("YYXX", (0, 1, 2, 3), -0.04475014401535161),
    ("XXYY", (0, 1, 2, 3), -0.04475014401535161),
    ("YXXY", (0, 1, 2, 3), 0.04475014401535161),
    ("XYYX", (0, 1, 2, 3), 0.04475014401535161),
)
H2_GROUND_ENERGY = -1.136189454  # Ha, exact diagonalisation of H2_STO3G_TERMS

MAXCUT_GRAPHS = {
    4: ((0, 1), (1, 2), (2, 3), (3, 0)),  # the 4-node ring
    # the 8-node 15-edge graph of the paper's code (search_methods/*maxcut_8_qubits.py)
    8: ((0, 1), (0, 6), (0, 7), (1, 2), (1, 6), (2, 4), (2, 7), (3, 7), (3, 6), (4, 5), (4, 6), (5, 1),
        (5, 6), (5, 7), (6, 7)),
}  # fmt: skip


def h2_hamiltonian() -> SparsePauliOp:
    """The 15-term H2 STO-3G Jordan-Wigner Hamiltonian (4 qubits) at 0.7 Angstrom; see the module source."""
    return SparsePauliOp.from_sparse_list([(p, q, c) for p, q, c in H2_STO3G_TERMS], 4).simplify()


def tfim_ring(num_qubits: int, coupling: float = 1.0, field: float = 1.0) -> SparsePauliOp:
    """Transverse-field Ising ring ``H = J sum Z_i Z_{i+1} + h sum X_i`` (the paper's 8-qubit VQE task)."""
    terms = [("ZZ", (i, (i + 1) % num_qubits), coupling) for i in range(num_qubits)]
    terms += [("X", (i,), field) for i in range(num_qubits)]
    return SparsePauliOp.from_sparse_list(terms, num_qubits).simplify()


def ground_energy(hamiltonian: SparsePauliOp) -> float:
    """Smallest eigenvalue by exact (sparse) diagonalisation; practical up to about 16 qubits."""
    n = hamiltonian.num_qubits
    if n > 16:
        raise TaskError(f"exact ground energy needs <= 16 qubits; the Hamiltonian has {n}")
    if n <= 10:
        return float(np.linalg.eigvalsh(hamiltonian.to_matrix()).min())
    from scipy.sparse.linalg import eigsh

    return float(eigsh(hamiltonian.to_matrix(sparse=True), k=1, which="SA")[0][0])


def max_cut(edges: tuple[tuple[int, int], ...], num_nodes: int) -> int:
    """Size of the maximum cut by enumeration (small graphs)."""
    best = 0
    for bits in itertools.product((0, 1), repeat=num_nodes - 1):
        side = (0, *bits)
        best = max(best, sum(side[a] != side[b] for a, b in edges))
    return best


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
    ham = SparsePauliOp.from_sparse_list(
        [("ZZ", e, 0.5) for e in edges] + [("", (), -0.5 * len(edges))], num_qubits
    ).simplify()
    best = max_cut(edges, num_qubits)
    thr, strict = (0.95, 0.995) if num_qubits == 4 else (0.925, 0.95)
    norm = -num_qubits * (1 + best) / 2
    metric = f"(1 + <cut>) / (1 + maxcut), maxcut = {best} (= the paper's energy / {norm:g})"
    return MaxCutTask(
        "maxcut", num_qubits, thr, strict, metric, hamiltonian=ham, ground=-float(best), maxcut=best,
        info={"edges": [list(e) for e in edges], "maxcut": best},
    )  # fmt: skip


def read_hamiltonian(path: str | Path, num_qubits: int | None = None) -> SparsePauliOp:
    """Read a Pauli-sum file: one ``COEFFICIENT PAULI_STRING`` per line (Qiskit order, qubit 0 rightmost).

    Blank lines and ``#`` comments are skipped. Example line: ``-0.5 ZZII``.

    Raises:
        TaskError: ``file:line: message`` for a malformed line, or a width that is not ``num_qubits``.
    """
    p = Path(path)
    if not p.is_file():
        raise TaskError(f"{p}: no such Hamiltonian file")
    labels, coeffs = [], []
    for lineno, raw in enumerate(p.read_text().splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise TaskError(f"{p}:{lineno}: expected 'COEFFICIENT PAULI_STRING', got {raw.strip()!r}")
        try:
            coeff = complex(parts[0].replace("i", "j"))
        except ValueError:
            raise TaskError(f"{p}:{lineno}: {parts[0]!r} is not a number") from None
        label = parts[1].upper()
        if set(label) - set("IXYZ"):
            raise TaskError(f"{p}:{lineno}: {parts[1]!r} is not a Pauli string (letters I, X, Y, Z)")
        if labels and len(label) != len(labels[0]):
            raise TaskError(f"{p}:{lineno}: {len(label)} qubits; earlier lines have {len(labels[0])}")
        labels.append(label)
        coeffs.append(coeff)
    if not labels:
        raise TaskError(f"{p}: no Pauli terms found")
    if num_qubits is not None and len(labels[0]) != num_qubits:
        raise TaskError(f"{p}: the Hamiltonian acts on {len(labels[0])} qubits; the search uses {num_qubits}")
    op = SparsePauliOp(labels, np.array(coeffs)).simplify()
    if np.abs(op.coeffs.imag).max() > 1e-12:
        raise TaskError(f"{p}: the Hamiltonian is not Hermitian (imaginary coefficients)")
    return SparsePauliOp(op.paulis, op.coeffs.real.astype(complex))


@register_task(
    "hamiltonian",
    "ground state of a Pauli-sum file (--hamiltonian FILE); reward E/E0",
    options=("hamiltonian",),
)
def hamiltonian_file(num_qubits: int, hamiltonian: str | Path | None = None) -> Task:
    """Custom energy task; thresholds 0.95 and 0.99."""
    if hamiltonian is None:
        raise TaskError("task 'hamiltonian' needs a Pauli-sum file: pass --hamiltonian FILE")
    ham = read_hamiltonian(hamiltonian, num_qubits)
    return _energy_task("hamiltonian", num_qubits, ham, ground_energy(ham), 0.95, 0.99, file=str(hamiltonian))


_ = torch  # torch is the simulator's array type; imported for type checkers of LossFn users
