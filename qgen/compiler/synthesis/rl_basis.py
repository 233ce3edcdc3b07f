"""Gate bases for learned synthesis, the phase-invariant real encoding of unitaries, and distances.

A *basis* is the action set of the synthesis environment and of AQ*: a few fixed gates on one or two qubits.
Unitaries are compared up to global phase with d(U, V) = sqrt(1 - |tr(U^dag V) / 2^n|^2); the network sees
the Pauli transfer matrix (PTM) without its trivial identity row and column, a real and phase-invariant
encoding (for one qubit it is the SO(3) rotation matrix of the Bloch sphere, 9 numbers; 225 for two qubits).

Matrices follow Qiskit's bit order: qubit 0 is the least significant bit of a matrix index.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from qgen.compiler.synthesis.rl_errors import SynthesisError
from qgen.registry import Registry

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
    """

    name: str
    num_qubits: int
    gates: tuple[BasisGate, ...]
    clifford_t: bool
    description: str

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

    def word_matrix(self, word: list[int] | tuple[int, ...] | np.ndarray) -> np.ndarray:
        """Matrix of a word given in circuit order (the first gate is applied first)."""
        out = np.eye(self.dim, dtype=complex)
        for a in word:
            out = self.matrices[int(a)] @ out
        return out


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


def _one_qubit(name: str, names: list[str], clifford_t: bool, description: str) -> Basis:
    gates = tuple(BasisGate(g, (0,), GATE_MATRICES[g]) for g in names)
    return Basis(name, 1, gates, clifford_t, description)


@BASES.register("clifford_t")
def clifford_t_basis() -> Basis:
    """{H, S, Sdg, T, Tdg}: inverse-closed Clifford+T."""
    return _one_qubit(
        "clifford_t", ["h", "s", "sdg", "t", "tdg"], True, "{H, S, Sdg, T, Tdg}, inverse-closed"
    )


@BASES.register("ht")
def ht_basis() -> Basis:
    """{H, T}: inverse-free Clifford+T (T-dagger costs seven T)."""
    return _one_qubit("ht", ["h", "t"], True, "{H, T}, inverse-free")


@BASES.register("hrc")
def hrc_basis() -> Basis:
    """The six HRC V-gates (I +- 2iP)/sqrt(5), P in {X, Y, Z}: an inverse-closed free group."""
    names = ["vx", "vxdg", "vy", "vydg", "vz", "vzdg"]
    return _one_qubit("hrc", names, False, "HRC V-gates (I +- 2iP)/sqrt(5)")


@BASES.register("clifford_t_cx")
def clifford_t_cx_basis() -> Basis:
    """Two qubits: {H, S, Sdg, T, Tdg} on each qubit plus CX in both directions."""
    gates = []
    for q in (0, 1):
        for g in ["h", "s", "sdg", "t", "tdg"]:
            gates.append(BasisGate(g, (q,), embed(GATE_MATRICES[g], q, 2)))
    gates.append(BasisGate("cx", (0, 1), cx_matrix(0, 1)))
    gates.append(BasisGate("cx", (1, 0), cx_matrix(1, 0)))
    return Basis("clifford_t_cx", 2, tuple(gates), True, "two qubits: {H, S, Sdg, T, Tdg} x 2 + CX both ways")


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
