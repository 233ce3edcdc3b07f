"""One place for the physics of synthesis: gate matrices, the phase-invariant distance, phases, quaternions.

Unitaries are compared up to global phase with d(U, V) = sqrt(1 - |tr(U^dag V) / 2^n|^2) (the sine of the
Fubini-Study angle between U / sqrt(2^n) and V / sqrt(2^n)): a metric up to phase that is unitarily
invariant and unchanged by tensoring with identities, so d(U_k ... U_1, V_k ... V_1) <= sum_i d(U_i, V_i).

Matrices follow Qiskit's bit order: qubit 0 is the least significant bit of a matrix index.
"""

from __future__ import annotations

import numpy as np

from qgen.compiler.synthesis.errors import SynthesisError

_S2 = 1 / np.sqrt(2)
_V5 = 1 / np.sqrt(5)
_I2 = np.eye(2, dtype=complex)
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
_Z = np.diag([1, -1]).astype(complex)

GATE_MATRICES: dict[str, np.ndarray] = {
    "h": np.array([[_S2, _S2], [_S2, -_S2]], dtype=complex),
    "s": np.diag([1, 1j]).astype(complex),
    "sdg": np.diag([1, -1j]).astype(complex),
    "t": np.diag([1, np.exp(1j * np.pi / 4)]),
    "tdg": np.diag([1, np.exp(-1j * np.pi / 4)]),
    "x": _X,
    "y": _Y,
    "z": _Z,
    # the HRC V-gates (Harrow, Recht, Chuang 2002): V_P = (I + 2i P) / sqrt(5) and their inverses
    "vx": (_I2 + 2j * _X) * _V5,
    "vxdg": (_I2 - 2j * _X) * _V5,
    "vy": (_I2 + 2j * _Y) * _V5,
    "vydg": (_I2 - 2j * _Y) * _V5,
    "vz": (_I2 + 2j * _Z) * _V5,
    "vzdg": (_I2 - 2j * _Z) * _V5,
}
"""Single-qubit gate matrices by Qiskit / OpenQASM name (the V-gates are qgen names)."""

T_NAMES = frozenset({"t", "tdg"})
"""Gates that count towards the T-count."""


def embed(matrix: np.ndarray, qubit: int, num_qubits: int) -> np.ndarray:
    """A single-qubit matrix acting on ``qubit`` of a ``num_qubits`` register (Qiskit order)."""
    out = np.eye(1, dtype=complex)
    for q in reversed(range(num_qubits)):
        out = np.kron(out, matrix if q == qubit else _I2)
    return out


def cx_matrix(control: int, target: int) -> np.ndarray:
    """CX on a two-qubit register in Qiskit order (``cx_matrix(0, 1)`` is Qiskit's ``cx`` on (0, 1))."""
    out = np.zeros((4, 4), dtype=complex)
    for i in range(4):
        j = i ^ (1 << target) if (i >> control) & 1 else i
        out[j, i] = 1
    return out


def special_unitary(u: np.ndarray) -> np.ndarray:
    """Rescale ``(..., 2, 2)`` unitaries to determinant 1 (one of the two square roots)."""
    det = np.linalg.det(u)
    return u / np.sqrt(det)[..., None, None]


def quaternions(u: np.ndarray) -> np.ndarray:
    """Unit quaternions ``q`` with ``U = e^{i phi} (q0 I - i (q1 X + q2 Y + q3 Z))``; shape ``(..., 4)``.

    Defined up to sign; ``|q . p| = |tr(U^dag V)| / 2`` for two unitaries, so ``d = sqrt(1 - (q . p)^2)``.
    """
    su = special_unitary(np.asarray(u, dtype=complex))
    a, b = su[..., 0, 0], su[..., 1, 0]
    # su = [[q0 - i q3, -q2 - i q1], [q2 - i q1, q0 + i q3]]
    return np.stack([a.real, -b.imag, b.real, -a.imag], -1)


def quaternion_matrix(q: np.ndarray) -> np.ndarray:
    """The SU(2) matrix ``q0 I - i (q1 X + q2 Y + q3 Z)`` of ``(..., 4)`` quaternions."""
    q = np.asarray(q, dtype=float)
    a = q[..., 0] - 1j * q[..., 3]
    b = q[..., 2] - 1j * q[..., 1]
    return np.stack([np.stack([a, -b.conj()], -1), np.stack([b, a.conj()], -1)], -2)


def distance(u: np.ndarray, v: np.ndarray) -> np.ndarray | float:
    """Phase-invariant distance sqrt(1 - |tr(U^dag V) / 2^n|^2); batched over leading axes."""
    u = np.asarray(u, dtype=complex)
    v = np.asarray(v, dtype=complex)
    overlap = np.abs(np.einsum("...ij,...ij->...", u.conj(), v)) / u.shape[-1]
    out = np.sqrt(np.clip(1.0 - overlap**2, 0.0, None))
    return float(out) if np.ndim(out) == 0 else out


def distance_to_identity(u: np.ndarray) -> np.ndarray | float:
    """d(U, I) = sqrt(1 - |tr U / 2^n|^2); batched over leading axes."""
    u = np.asarray(u, dtype=complex)
    overlap = np.abs(np.trace(u, axis1=-2, axis2=-1)) / u.shape[-1]
    out = np.sqrt(np.clip(1.0 - overlap**2, 0.0, None))
    return float(out) if np.ndim(out) == 0 else out


def phase_between(target: np.ndarray, approx: np.ndarray) -> float:
    """The phase phi that best aligns ``exp(i phi) * approx`` with ``target``: arg tr(approx^dag target)."""
    return float(np.angle(np.trace(np.asarray(approx).conj().T @ np.asarray(target, dtype=complex))))


def check_unitary(u: object, num_qubits: int, what: str = "target") -> np.ndarray:
    """Validate a target matrix and return it as complex128.

    Raises:
        SynthesisError: wrong shape, non-finite entries, or not unitary (to 1e-6).
    """
    try:
        arr = np.asarray(u, dtype=complex)
    except (TypeError, ValueError):
        raise SynthesisError(f"{what} is not a numeric matrix") from None
    dim = 2**num_qubits
    if arr.shape != (dim, dim):
        raise SynthesisError(
            f"{what} must be a {dim}x{dim} matrix for {num_qubits} qubit(s), got shape {arr.shape}"
        )
    if not np.all(np.isfinite(arr)):
        raise SynthesisError(f"{what} has non-finite entries")
    err = np.abs(arr.conj().T @ arr - np.eye(dim)).max()
    if err > 1e-6:
        raise SynthesisError(f"{what} is not unitary (max |U^dag U - I| = {err:.2e})")
    return arr


def check_eps(eps: float) -> float:
    """Validate a distance tolerance.

    Raises:
        SynthesisError: eps not in (0, 1).
    """
    if not (isinstance(eps, (int, float, np.floating)) and 0 < float(eps) < 1):
        raise SynthesisError(f"eps must be in (0, 1) (distance sqrt(1 - |tr(U^dag V)/2^n|^2)), got {eps!r}")
    return float(eps)


def rz_matrix(theta: float) -> np.ndarray:
    """Qiskit's Rz(theta) = diag(e^{-i theta/2}, e^{i theta/2})."""
    return np.diag([np.exp(-0.5j * theta), np.exp(0.5j * theta)])


def haar_unitaries(num_qubits: int, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` Haar-random unitaries of ``num_qubits`` qubits, shape ``(count, 2^n, 2^n)``."""
    from scipy.stats import unitary_group

    dim = 2**num_qubits
    return np.asarray(unitary_group.rvs(dim, size=count, random_state=rng)).reshape(count, dim, dim)
