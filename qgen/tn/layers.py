"""Staircase layers of two-qubit unitaries and their action on MPS.

A *layer* on ``n`` qubits is a list of ``n - 1`` site-ordered ``4 x 4`` unitaries, ``layer[k]`` acting on
sites ``(k, k + 1)``; a layer applies ``layer[n - 2]`` first and ``layer[0]`` last (the staircase that
prepares a bond-dimension-2 MPS, Ran 2020). A circuit is a list of layers in application order: ``layers[0]``
acts on ``|0...0>`` first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qgen.tn.errors import TNError
from qgen.tn.mps import MPS

Layer = list[np.ndarray]


def identity_layer(num_qubits: int) -> Layer:
    """A layer of identities."""
    return [np.eye(4, dtype=complex) for _ in range(num_qubits - 1)]


def gate_sequence(layers: Sequence[Layer]) -> list[tuple[int, np.ndarray]]:
    """``(site, gate)`` pairs of the circuit in application order."""
    return [(k, layer[k]) for layer in layers for k in range(len(layer) - 1, -1, -1)]


def inverse_sequence(layers: Sequence[Layer]) -> list[tuple[int, np.ndarray]]:
    """``(site, gate^dagger)`` pairs of the inverse circuit in application order."""
    return [(k, g.conj().T) for k, g in reversed(gate_sequence(layers))]


def apply_layers(state: MPS, layers: Sequence[Layer], *, max_bond: int | None = None) -> MPS:
    """A new MPS: the circuit ``layers`` applied to ``state``."""
    return state.copy().apply_gates(gate_sequence(layers), max_bond=max_bond)


def undo_layers(state: MPS, layers: Sequence[Layer], *, max_bond: int | None = None) -> MPS:
    """A new MPS: the inverse of the circuit ``layers`` applied to ``state``."""
    return state.copy().apply_gates(inverse_sequence(layers), max_bond=max_bond)


def layers_statevector(layers: Sequence[Layer], num_qubits: int) -> np.ndarray:
    """The circuit's state ``C|0...0>`` in Qiskit bit order (exact MPS contraction; small ``n`` only)."""
    return apply_layers(MPS.zeros(num_qubits), layers).to_statevector()


def complete_unitary(columns: np.ndarray, used: Sequence[int], dim: int) -> np.ndarray:
    """A ``dim x dim`` unitary whose columns ``used`` are the orthonormal ``columns`` (polished by a polar
    decomposition); the other columns span the orthogonal complement."""
    cols = np.asarray(columns, dtype=complex).reshape(dim, len(used))
    u, s, vh = np.linalg.svd(cols, full_matrices=True)
    if np.any(np.abs(s - 1.0) > 1e-6):
        raise TNError(f"columns are not orthonormal (singular values {np.round(s, 8).tolist()})")
    polished = u[:, : len(used)] @ vh
    rest = u[:, len(used) :]
    out = np.zeros((dim, dim), dtype=complex)
    free = [c for c in range(dim) if c not in used]
    out[:, list(used)] = polished
    out[:, free] = rest
    return out


def staircase_from_mps(state: MPS) -> Layer:
    """The layer that prepares a bond-dimension-<=2 MPS exactly from ``|0...0>`` (Ran 2020, Eq. 4-6).

    The MPS is brought to left-canonical form; the last tensor is the first column of the gate on sites
    ``(n-2, n-1)``; every other tensor ``A_k`` (an isometry from the right bond to (left bond, physical))
    fills the columns ``|0>|r>`` of the gate on ``(k-1, k)``; the first site's ``2 x 2`` unitary is merged
    into the gate on ``(0, 1)``. Zero-padded bonds get arbitrary completing columns.

    Raises:
        TNError: a bond above 2 or fewer than 2 sites.
    """
    n = state.num_sites
    if n < 2:
        raise TNError("a staircase needs at least 2 qubits")
    if state.max_bond > 2:
        raise TNError(f"bond dimension {state.max_bond} > 2: truncate the MPS first (MPS.truncate(2))")
    canon = state.copy().canonicalize(n - 1).normalize()
    sites = [_pad(a) for a in canon.arrays]
    used_left = [r for r in range(2) if np.linalg.norm(sites[0][0, :, r]) > 1e-12]
    layer: Layer = [np.eye(4, dtype=complex)] * (n - 1)
    last = sites[n - 1][:, :, 0].reshape(4)  # index 2 * l + s
    layer[n - 2] = complete_unitary(last, [0], 4)
    for k in range(n - 2, 0, -1):
        a = sites[k]  # (2, 2, 2): (l, s, r)
        used = [r for r in range(2) if np.linalg.norm(a[:, :, r]) > 1e-12]
        layer[k - 1] = complete_unitary(a.reshape(4, 2)[:, used], used, 4)
    first = complete_unitary(sites[0][0][:, used_left], used_left, 2)  # (s, r) on site 0
    layer[0] = np.kron(first, np.eye(2)) @ layer[0]
    return layer


def _pad(a: np.ndarray) -> np.ndarray:
    """Zero-pad a site tensor to shape ``(2, 2, 2)``."""
    out = np.zeros((2, 2, 2), dtype=complex)
    out[: a.shape[0], :, : a.shape[2]] = a
    return out
