"""Expectation values of Pauli sums (Qiskit ``SparsePauliOp``) on batches of statevectors.

Terms are grouped by the bits they flip (X/Y positions): one gather per group, then a precomputed
coefficient vector ``c_f(b)`` that carries the signs of the Z/Y positions. Diagonal operators (only I/Z)
cost a single weighted sum of probabilities.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from qiskit.quantum_info import SparsePauliOp

from qgen.errors import SimulationError


def _parity(values: np.ndarray) -> np.ndarray:
    """Parity of the popcount of each integer."""
    v = values.copy()
    out = np.zeros_like(v)
    while np.any(v):
        out ^= v & 1
        v >>= 1
    return out


def pauli_coefficients(op: SparsePauliOp, num_qubits: int) -> dict[int, np.ndarray]:
    """Map flip mask -> complex vector c_f over basis states, so that <psi|op|psi> = sum_f sum_b
    conj(psi[b ^ f]) psi[b] c_f(b)."""
    if op.num_qubits != num_qubits:
        raise SimulationError(f"observable acts on {op.num_qubits} qubits, the circuits have {num_qubits}")
    basis = np.arange(2**num_qubits, dtype=np.int64)
    weights = 1 << np.arange(num_qubits, dtype=np.int64)
    out: dict[int, np.ndarray] = {}
    paulis = op.paulis
    # Qiskit: P = (-i)^phase * Z^z X^x ... evaluate with the symplectic form: X^x Z^z |b> handled below
    for x, z, phase, coeff in zip(paulis.x, paulis.z, paulis.phase, op.coeffs, strict=True):
        flip = int(np.dot(x.astype(np.int64), weights))
        zmask = int(np.dot(z.astype(np.int64), weights))
        num_y = int(np.sum(x & z))
        # Pauli label with Y = i X Z:  P|b> = (-i)^phase * i^{#Y} * (-1)^{popcount(b & zmask)} |b ^ flip>
        factor = coeff * (-1j) ** int(phase) * (1j) ** num_y
        signs = 1 - 2 * _parity(basis & zmask)
        vec = factor * signs
        if flip in out:
            out[flip] = out[flip] + vec
        else:
            out[flip] = vec.astype(complex)
    return out


class PauliObservables:
    """One or more Pauli sums compiled for ``num_qubits`` qubits (shared by a batch, or one per circuit)."""

    def __init__(
        self,
        ops: Sequence[SparsePauliOp],
        num_qubits: int,
        dtype: torch.dtype = torch.complex128,
        device: str | torch.device = "cpu",
    ) -> None:
        self.num_qubits = num_qubits
        self.count = len(ops)
        coeffs = [pauli_coefficients(SparsePauliOp(op), num_qubits) for op in ops]
        flips = sorted({f for c in coeffs for f in c})
        dim = 2**num_qubits
        table = np.zeros((len(flips), self.count, dim), dtype=complex)
        for j, c in enumerate(coeffs):
            for i, f in enumerate(flips):
                if f in c:
                    table[i, j] = c[f]
        basis = np.arange(dim, dtype=np.int64)
        self.flips = flips
        self.diagonal_only = flips == [0]
        self._table = torch.tensor(table, dtype=dtype, device=device)  # (F, K, D)
        self._index = [torch.tensor(basis ^ f, device=device) for f in flips]

    def expectation(
        self, psi: torch.Tensor, per_circuit: bool, rows: torch.Tensor | None = None
    ) -> torch.Tensor:
        """``(B, K)`` for shared observables, ``(B,)`` when observable ``rows[b]`` (default ``b``) belongs
        to circuit ``b``."""
        table = self._table.to(psi.device)
        if per_circuit:
            if rows is not None:
                table = table[:, rows.to(psi.device)]
            elif self.count != psi.shape[0]:
                raise SimulationError(f"got {self.count} observables for {psi.shape[0]} circuits")
        total = None
        for i, f in enumerate(self.flips):
            bra = psi.conj() if f == 0 else psi[:, self._index[i].to(psi.device)].conj()
            prod = bra * psi  # (B, D)
            # per circuit: (B,); shared: (B, K)
            term = (prod * table[i]).sum(-1) if per_circuit else prod @ table[i].T
            total = term if total is None else total + term
        return total.real


def expectation(
    psi: torch.Tensor,
    observables: SparsePauliOp | Sequence[SparsePauliOp] | PauliObservables,
    *,
    per_circuit: bool | None = None,
) -> torch.Tensor:
    """Expectation values <psi|O|psi> of Pauli sums on statevectors ``psi`` ``(B, 2**n)``.

    Args:
        psi: batch of statevectors.
        observables: one ``SparsePauliOp`` (result ``(B,)``), a list with one per circuit (``(B,)``, the
            default when the list is as long as the batch) or a list shared by all circuits (``(B, K)``,
            with ``per_circuit=False``), or a precompiled :class:`PauliObservables`.
        per_circuit: force the meaning of a list.
    """
    n = int(round(np.log2(psi.shape[-1])))
    if isinstance(observables, SparsePauliOp):
        obs = PauliObservables([observables], n, psi.dtype, psi.device)
        return obs.expectation(psi, per_circuit=False)[:, 0]
    if not isinstance(observables, PauliObservables):
        observables = list(observables)
        if per_circuit is None:
            per_circuit = len(observables) == psi.shape[0]
        observables = PauliObservables(observables, n, psi.dtype, psi.device)
    elif per_circuit is None:
        per_circuit = observables.count == psi.shape[0]
    return observables.expectation(psi, per_circuit=per_circuit)
