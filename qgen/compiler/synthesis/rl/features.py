"""The network's view of a unitary: the Pauli transfer matrix (PTM) without its identity row and column.

A real and phase-invariant encoding (for one qubit it is the SO(3) rotation matrix of the Bloch sphere,
9 numbers; 225 for two qubits).
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

from qgen.compiler.synthesis.unitaries import _I2, _X, _Y, _Z, quaternions


@functools.lru_cache(maxsize=4)
def pauli_matrices(num_qubits: int) -> np.ndarray:
    """All ``4^n`` Pauli matrices, identity first; label order with qubit 0 the rightmost factor."""
    singles = [_I2, _X, _Y, _Z]
    mats = []
    for combo in itertools.product(range(4), repeat=num_qubits):
        out = np.eye(1, dtype=complex)
        for k in combo:  # combo[0] is the highest qubit
            out = np.kron(out, singles[k])
        mats.append(out)
    return np.stack(mats)


def feature_dim(num_qubits: int) -> int:
    """Length of the PTM encoding: (4^n - 1)^2."""
    return (4**num_qubits - 1) ** 2


def ptm_features(unitaries: np.ndarray) -> np.ndarray:
    """Phase-invariant real encoding: the Pauli transfer matrix without its identity row and column.

    ``R_ij = tr(P_i U P_j U^dag) / 2^n`` for the non-identity Paulis ``P_i, P_j``. It is continuous in ``U``,
    unchanged by ``U -> e^{i phi} U``, distinct for unitaries that differ by more than a phase, and
    multiplicative: ``R(U V) = R(U) R(V)``.

    Args:
        unitaries: shape ``(B, 2^n, 2^n)`` (or one matrix).

    Returns:
        float32 array of shape ``(B, (4^n - 1)^2)``, entries in [-1, 1].
    """
    u = np.asarray(unitaries, dtype=complex)
    single = u.ndim == 2
    out = ptm_matrices(u[None] if single else u)
    out = np.clip(out.reshape(len(out), -1), -1.0, 1.0).astype(np.float32)
    return out[0] if single else out


def ptm_matrices(unitaries: np.ndarray) -> np.ndarray:
    """Pauli transfer matrices without the identity row/column, shape ``(B, 4^n - 1, 4^n - 1)``, float64."""
    u = np.asarray(unitaries, dtype=complex)
    dim = u.shape[-1]
    n = dim.bit_length() - 1
    if n == 1:
        return _so3(u)
    # row-major vec(U X U^dag) = (U kron conj(U)) vec(X); R_ij = <vec(P_i), vec(U P_j U^dag)> / d
    vecs = pauli_matrices(n).reshape(dim * dim, dim * dim)
    sup = np.einsum("bij,bkl->bikjl", u, u.conj()).reshape(len(u), dim * dim, dim * dim)
    full = (vecs.conj() @ sup @ vecs.T).real / dim
    return full[:, 1:, 1:]


def _so3(u: np.ndarray) -> np.ndarray:
    """Bloch-sphere rotation matrices of ``(B, 2, 2)`` unitaries, via their unit quaternions."""
    q = quaternions(u)
    w, x, y, z = q[:, 0], q[:, 1], q[:, 2], q[:, 3]
    return np.stack(
        [
            np.stack([1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)], -1),
            np.stack([2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)], -1),
            np.stack([2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)], -1),
        ],
        -2,
    )
