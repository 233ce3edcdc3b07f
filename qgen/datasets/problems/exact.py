"""Exact solutions of diagonal (Ising / Z-only) Hamiltonians by vectorised enumeration of all 2**n states.

The energy of basis state ``b`` (Qiskit order: qubit ``k`` is bit ``k`` of ``b``) is
``sum_t c_t * (-1)**popcount(b & zmask_t)``; it is evaluated for chunks of basis states at once with numpy
(``bitwise_count`` for the parities), so 20 qubits and a few hundred terms take about a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from qiskit.quantum_info import SparsePauliOp

from qgen.datasets.errors import DatasetError

MAX_ENUMERATION_QUBITS = 26
_CHUNK_ELEMENTS = 1 << 22  # states x terms per chunk (about 32 MiB of int64)


@dataclass(frozen=True)
class ExactSolution:
    """Spectrum facts of a diagonal Hamiltonian.

    Attributes:
        ground_energy: the smallest eigenvalue.
        ground_states: every basis state at the ground energy, as bitstrings (qubit 0 rightmost).
        first_excited_energy: the smallest eigenvalue above the ground energy (None if the spectrum is flat).
        max_energy: the largest eigenvalue (used by the approximation ratio).
        num_qubits: the number of qubits.
    """

    ground_energy: float
    ground_states: tuple[str, ...]
    first_excited_energy: float | None
    max_energy: float
    num_qubits: int

    @property
    def ground_indices(self) -> np.ndarray:
        """Basis-state indices of the ground states."""
        return np.array([int(s, 2) for s in self.ground_states], dtype=np.int64)

    def approximation_ratio(self, energy: float) -> float:
        """``(E_max - energy) / (E_max - E_0)``: 1 at the ground energy, 0 at the highest energy."""
        span = self.max_energy - self.ground_energy
        return 1.0 if span <= 0 else float((self.max_energy - energy) / span)


def z_terms(op: SparsePauliOp) -> tuple[np.ndarray, np.ndarray]:
    """Z masks ``(T,)`` (bit ``k`` set when qubit ``k`` carries a Z) and real coefficients ``(T,)``.

    Raises:
        DatasetError: the operator has X or Y factors or complex coefficients (it is not diagonal).
    """
    paulis = op.paulis
    if np.any(paulis.x):
        raise DatasetError("exact enumeration needs a diagonal Hamiltonian (only I and Z factors)")
    coeffs = np.asarray(op.coeffs) * (-1j) ** paulis.phase
    if np.any(np.abs(coeffs.imag) > 1e-12):
        raise DatasetError("a Hamiltonian term has a complex coefficient; Ising Hamiltonians are real")
    weights = 1 << np.arange(op.num_qubits, dtype=np.int64)
    masks = paulis.z.astype(np.int64) @ weights if op.num_qubits else np.zeros(len(op), dtype=np.int64)
    return masks, coeffs.real.astype(np.float64)


def diagonal_energies(op: SparsePauliOp, start: int = 0, stop: int | None = None) -> np.ndarray:
    """Energies of basis states ``start .. stop-1`` (default: all ``2**n``) of a diagonal Hamiltonian."""
    n = op.num_qubits
    if n > MAX_ENUMERATION_QUBITS:
        raise DatasetError(f"{n} qubits is too many to enumerate (at most {MAX_ENUMERATION_QUBITS})")
    stop = 2**n if stop is None else stop
    masks, coeffs = z_terms(op)
    out = np.empty(stop - start, dtype=np.float64)
    step = max(1, _CHUNK_ELEMENTS // max(1, len(masks)))
    for lo in range(start, stop, step):
        hi = min(stop, lo + step)
        basis = np.arange(lo, hi, dtype=np.int64)
        parity = np.bitwise_count(basis[:, None] & masks[None, :]) & 1
        out[lo - start : hi - start] = (1.0 - 2.0 * parity) @ coeffs
    return out


def solve_exact(op: SparsePauliOp, rtol: float = 1e-9) -> ExactSolution:
    """Ground energy, all ground bitstrings, first excited and highest energy of a diagonal Hamiltonian.

    Args:
        op: a Z-only ``SparsePauliOp`` (Qiskit bit order) on at most 26 qubits.
        rtol: energies within ``rtol * max(1, |E0|)`` of the minimum count as degenerate ground states.

    Returns:
        An :class:`ExactSolution`.

    >>> sol = solve_exact(SparsePauliOp(["ZZ"], [1.0]))
    >>> sol.ground_energy, sol.ground_states, sol.first_excited_energy
    (-1.0, ('01', '10'), 1.0)
    """
    energies = diagonal_energies(op)
    e0 = float(energies.min())
    tol = rtol * max(1.0, abs(e0))
    ground = np.flatnonzero(energies <= e0 + tol)
    above = energies[energies > e0 + tol]
    n = op.num_qubits
    return ExactSolution(
        ground_energy=e0,
        ground_states=tuple(format(int(i), f"0{n}b") for i in ground),
        first_excited_energy=float(above.min()) if above.size else None,
        max_energy=float(energies.max()),
        num_qubits=n,
    )
