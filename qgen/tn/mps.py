"""Matrix product states as lists of ``(left, physical, right)`` arrays and the operations the encoder needs.

Site ``k`` is Qiskit qubit ``k``: :meth:`MPS.to_statevector` returns amplitudes in Qiskit bit order
(index = sum_k s_k 2**k). Two-site gates are ``4 x 4`` matrices in *site order*: row/column index
``2 * s_k + s_{k+1}`` (the lower site is the more significant bit), which is Qiskit's convention for the
qubit list ``[k + 1, k]``. quimb is used at the boundary (DMRG, ``from_dense``), these arrays inside the
encoder, where every index must be under control.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from qgen.tn.errors import TNError, require_quimb

SVD_CUTOFF = 1e-10
"""Singular values below ``SVD_CUTOFF * largest`` are dropped when gates are applied (a discarded weight
of at most ~1e-20 per bond: numerically exact)."""


@dataclass
class MPS:
    """An open-boundary MPS: ``arrays[k]`` has shape ``(chi_left, 2, chi_right)``, end bonds of size 1.

    ``center`` is the orthogonality centre when the MPS is in mixed canonical form, else ``None``.
    """

    arrays: list[np.ndarray]
    center: int | None = None

    def __post_init__(self) -> None:
        if not self.arrays:
            raise TNError("an MPS needs at least one site")
        for k, a in enumerate(self.arrays):
            if a.ndim != 3 or a.shape[1] != 2:
                raise TNError(f"MPS site {k} has shape {a.shape}; expected (chi_left, 2, chi_right)")
        if self.arrays[0].shape[0] != 1 or self.arrays[-1].shape[2] != 1:
            raise TNError("the end bonds of an open-boundary MPS must have size 1")
        for k in range(len(self.arrays) - 1):
            if self.arrays[k].shape[2] != self.arrays[k + 1].shape[0]:
                raise TNError(
                    f"bond {k}-{k + 1} sizes do not match: {self.arrays[k].shape[2]} vs "
                    f"{self.arrays[k + 1].shape[0]}"
                )

    # ------------------------------------------------------------------ construction
    @property
    def num_sites(self) -> int:
        """Number of sites (qubits)."""
        return len(self.arrays)

    @property
    def bond_dims(self) -> list[int]:
        """Sizes of the ``num_sites - 1`` inner bonds."""
        return [a.shape[2] for a in self.arrays[:-1]]

    @property
    def max_bond(self) -> int:
        """Largest inner bond (1 for a product state)."""
        return max(self.bond_dims, default=1)

    def copy(self) -> MPS:
        """A deep copy."""
        return MPS([a.copy() for a in self.arrays], self.center)

    @classmethod
    def zeros(cls, num_sites: int) -> MPS:
        """The product state ``|0...0>``."""
        site = np.zeros((1, 2, 1), dtype=complex)
        site[0, 0, 0] = 1.0
        return cls([site.copy() for _ in range(num_sites)], center=0)

    @classmethod
    def from_quimb(cls, mps) -> MPS:
        """Convert a ``quimb.tensor.MatrixProductState`` (open boundary, site ``k`` -> qubit ``k``)."""
        n = mps.L
        arrays = []
        for k in range(n):
            inds = ([mps.bond(k - 1, k)] if k > 0 else []) + [mps.site_ind(k)]
            inds += [mps.bond(k, k + 1)] if k < n - 1 else []
            data = np.asarray(mps[k].transpose(*inds).data, dtype=complex)
            left = data.shape[0] if k > 0 else 1
            right = data.shape[-1] if k < n - 1 else 1
            arrays.append(data.reshape(left, 2, right))
        return cls(arrays)

    def to_quimb(self):
        """This state as a ``quimb.tensor.MatrixProductState`` (site ``k`` = qubit ``k``)."""
        qtn = require_quimb()

        n = self.num_sites
        if n == 1:
            raise TNError("quimb MPS need at least 2 sites")
        arrays = [self.arrays[0][0]] + [a for a in self.arrays[1:-1]] + [self.arrays[-1][:, :, 0]]
        return qtn.MatrixProductState(arrays, shape="lpr")

    @classmethod
    def from_statevector(cls, psi: np.ndarray, *, max_bond: int | None = None, cutoff: float = 1e-12) -> MPS:
        """Sequential SVD of a state in Qiskit bit order (quimb ``from_dense``), right-canonical, normalised.

        Args:
            psi: ``2**n`` amplitudes.
            max_bond: keep at most this many singular values per bond (``None``: exact).
            cutoff: relative singular-value cutoff.
        """
        qtn = require_quimb()

        psi = np.asarray(psi, dtype=complex).reshape(-1)
        n = int(round(np.log2(psi.size)))
        if psi.size != 2**n or n < 2:
            raise TNError(f"a statevector of {psi.size} amplitudes is not a state of 2 or more qubits")
        norm = np.linalg.norm(psi)
        if norm == 0:
            raise TNError("the statevector is zero")
        big_endian = (psi / norm).reshape([2] * n).transpose(range(n - 1, -1, -1)).reshape(-1)
        opts = {"cutoff": cutoff} | ({"max_bond": max_bond} if max_bond else {})
        out = cls.from_quimb(qtn.MatrixProductState.from_dense(big_endian, dims=2, **opts))
        return out.normalize()

    def to_statevector(self) -> np.ndarray:
        """Contract to ``2**n`` amplitudes in Qiskit bit order (qubit 0 least significant)."""
        n = self.num_sites
        if n > 26:
            raise TNError(f"{n} sites is too many to contract to a statevector")
        t = self.arrays[0][0]  # (2, chi)
        for a in self.arrays[1:]:
            t = np.tensordot(t, a, axes=([t.ndim - 1], [0]))  # (..., 2, chi)
        t = t.reshape([2] * n)  # axes: site 0, ..., site n-1
        return t.transpose(range(n - 1, -1, -1)).reshape(-1)

    # ------------------------------------------------------------------ scalars
    def overlap(self, other: MPS) -> complex:
        """``<self|other>``."""
        if other.num_sites != self.num_sites:
            raise TNError(f"overlap of MPS with {self.num_sites} and {other.num_sites} sites")
        env = np.ones((1, 1), dtype=complex)
        for a, b in zip(self.arrays, other.arrays, strict=True):
            env = np.einsum("ij,isk,jsl->kl", env, a.conj(), b, optimize=True)
        return complex(env[0, 0])

    def norm(self) -> float:
        """``sqrt(<psi|psi>)``."""
        return float(np.sqrt(abs(self.overlap(self))))

    def zero_amplitude(self) -> complex:
        """``<0...0|psi>``."""
        env = np.ones((1,), dtype=complex)
        for a in self.arrays:
            env = env @ a[:, 0, :]
        return complex(env[0])

    # ------------------------------------------------------------------ gauge
    def normalize(self) -> MPS:
        """Scale to unit norm in place (puts the MPS in canonical form around site 0 first)."""
        if self.center is None:
            self.canonicalize(0)
        c = self.arrays[self.center]
        norm = np.linalg.norm(c)
        if norm == 0:
            raise TNError("the MPS has zero norm")
        self.arrays[self.center] = c / norm
        return self

    def canonicalize(self, center: int) -> MPS:
        """Mixed canonical form with orthogonality centre ``center``, in place (QR sweeps)."""
        n = self.num_sites
        if not 0 <= center < n:
            raise TNError(f"centre {center} is outside 0..{n - 1}")
        start_left, start_right = (0, n - 1) if self.center is None else (self.center, self.center)
        for k in range(start_left, center):
            self._shift_right(k)
        for k in range(start_right, center, -1):
            self._shift_left(k)
        self.center = center
        return self

    def _shift_right(self, k: int) -> None:
        a = self.arrays[k]
        left, _, right = a.shape
        q, r = np.linalg.qr(a.reshape(left * 2, right))
        self.arrays[k] = q.reshape(left, 2, q.shape[1])
        self.arrays[k + 1] = np.tensordot(r, self.arrays[k + 1], axes=([1], [0]))

    def _shift_left(self, k: int) -> None:
        a = self.arrays[k]
        left, _, right = a.shape
        q, r = np.linalg.qr(a.reshape(left, 2 * right).T)
        self.arrays[k] = q.T.reshape(q.shape[1], 2, right)
        self.arrays[k - 1] = np.tensordot(self.arrays[k - 1], r.T, axes=([2], [0]))

    def truncate(self, max_bond: int) -> MPS:
        """A new normalised, left-canonical MPS with bonds <= ``max_bond`` (SVD sweep from the left)."""
        out = self.copy().canonicalize(0)
        n = out.num_sites
        for k in range(n - 1):
            a = out.arrays[k]
            left, _, right = a.shape
            u, s, vh = np.linalg.svd(a.reshape(left * 2, right), full_matrices=False)
            keep = max(1, min(max_bond, int(np.sum(s > SVD_CUTOFF * s[0]))))
            out.arrays[k] = u[:, :keep].reshape(left, 2, keep)
            carry = s[:keep, None] * vh[:keep]
            out.arrays[k + 1] = np.tensordot(carry, out.arrays[k + 1], axes=([1], [0]))
        out.center = n - 1
        return out.normalize()

    # ------------------------------------------------------------------ gates
    def apply_gate(
        self, gate: np.ndarray, k: int, *, absorb: str = "right", max_bond: int | None = None
    ) -> MPS:
        """Apply a site-ordered ``4 x 4`` gate on sites ``(k, k + 1)`` in place; the centre moves to the
        site on the ``absorb`` side (``"left"`` -> ``k``, ``"right"`` -> ``k + 1``)."""
        n = self.num_sites
        if not 0 <= k < n - 1:
            raise TNError(f"a two-site gate at site {k} does not fit {n} sites")
        if self.center is None or self.center not in (k, k + 1):
            self.canonicalize(k)
        theta = np.einsum("lsm,mtr->lstr", self.arrays[k], self.arrays[k + 1], optimize=True)
        theta = np.einsum("abst,lstr->labr", gate.reshape(2, 2, 2, 2), theta, optimize=True)
        left, right = theta.shape[0], theta.shape[3]
        u, s, vh = np.linalg.svd(theta.reshape(left * 2, 2 * right), full_matrices=False)
        keep = max(1, int(np.sum(s > SVD_CUTOFF * s[0])))
        if max_bond is not None:
            keep = min(keep, max_bond)
        u, s, vh = u[:, :keep], s[:keep], vh[:keep]
        if absorb == "left":
            u = u * s[None, :]
            self.center = k
        else:
            vh = s[:, None] * vh
            self.center = k + 1
        self.arrays[k] = u.reshape(left, 2, keep)
        self.arrays[k + 1] = vh.reshape(keep, 2, right)
        return self

    def apply_gates(self, gates: Iterable[tuple[int, np.ndarray]], *, max_bond: int | None = None) -> MPS:
        """Apply ``(site, gate)`` pairs in order, in place, moving the centre toward the next gate."""
        todo = list(gates)
        for i, (k, gate) in enumerate(todo):
            nxt = todo[i + 1][0] if i + 1 < len(todo) else k + 1
            self.apply_gate(gate, k, absorb="left" if nxt < k else "right", max_bond=max_bond)
        return self


def random_mps(num_sites: int, bond_dim: int, *, seed: int = 0, complex_valued: bool = True) -> MPS:
    """A random normalised MPS with bonds <= ``bond_dim`` (Gaussian entries), for tests and examples."""
    rng = np.random.default_rng(seed)
    arrays = []
    for k in range(num_sites):
        left = min(bond_dim, 2**k, 2 ** (num_sites - k))
        right = min(bond_dim, 2 ** (k + 1), 2 ** (num_sites - k - 1))
        a = rng.standard_normal((left, 2, right))
        if complex_valued:
            a = a + 1j * rng.standard_normal((left, 2, right))
        arrays.append(a.astype(complex))
    return MPS(arrays).normalize()


def fidelity(a: MPS | np.ndarray, b: MPS | np.ndarray) -> float:
    """State fidelity ``|<a|b>|^2 / (<a|a><b|b>)`` of two MPS or two statevectors."""
    if isinstance(a, MPS) and isinstance(b, MPS):
        num = abs(a.overlap(b)) ** 2
        return float(num / (abs(a.overlap(a)) * abs(b.overlap(b))))
    va = a.to_statevector() if isinstance(a, MPS) else np.asarray(a).reshape(-1)
    vb = b.to_statevector() if isinstance(b, MPS) else np.asarray(b).reshape(-1)
    return float(abs(np.vdot(va, vb)) ** 2 / (np.vdot(va, va).real * np.vdot(vb, vb).real))
