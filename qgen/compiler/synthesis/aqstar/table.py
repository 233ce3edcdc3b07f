"""Precomputed word tables for AQ*: every short word, indexed for phase-invariant nearest-neighbour lookup.

For Clifford+T the table holds the Matsumoto-Amano normal forms (T | e)(HT | SHT)* C of T-count <= L
(Matsumoto & Amano, arXiv:0806.3834): every Clifford+T unitary up to phase has exactly one, with minimal
T-count, so the table is *all* single-qubit Clifford+T unitaries of T-count <= L, 24 * (3 * 2^L - 2) of them
(2.36 million for L = 15), built with a few vectorised quaternion products. For other bases (HRC V-gates,
{H, T} by length, two qubits) a breadth-first enumeration of words with duplicates removed up to phase.

Lookup: single-qubit unitaries are unit quaternions up to sign, with |q . p| = |tr(U^dag V)| / 2, so
d(U, V) = sqrt(1 - (q . p)^2) <= eps is a Euclidean ball around +q or -q; a scipy ``cKDTree`` over the
sign-canonical quaternions answers it. Two-qubit tables compare |tr(U^dag V)| by brute force.
"""

from __future__ import annotations

import functools
import time

import numpy as np
from scipy.spatial import cKDTree

from qgen.compiler.synthesis.aqstar.words import cliffords, hamilton
from qgen.compiler.synthesis.bases import Basis, get_basis
from qgen.compiler.synthesis.errors import SynthesisError
from qgen.compiler.synthesis.unitaries import quaternions
from qgen.compiler.synthesis.words import simplify

_HT = hamilton(
    quaternions(np.array([[1, 1], [1, -1]]) / np.sqrt(2)), quaternions(np.diag([1, np.exp(0.25j * np.pi)]))
)
_SHT = hamilton(quaternions(np.diag([1, 1j])), _HT)
_T = quaternions(np.diag([1, np.exp(0.25j * np.pi)]))
SYLLABLES = {"T": (_T, ("t",)), "HT": (_HT, ("t", "h")), "SHT": (_SHT, ("t", "h", "s"))}
"""Normal-form syllables: quaternion of the operator and its gates in circuit order (HT = H . T: T first)."""


def ball_radius(eps: float) -> float:
    """Euclidean radius around a unit quaternion equivalent to d <= eps (for the same sign)."""
    c = np.sqrt(1.0 - eps * eps)
    return float(np.sqrt(2.0 * (1.0 - c))) * (1 + 1e-9) + 1e-12


class WordTable:
    """A set of words with a phase-invariant nearest-neighbour index.

    Attributes:
        basis: the basis the words are over.
        costs: cost of each entry (T-count for normal forms, summed action cost for BFS tables).
        complete_cost: every unitary reachable with cost <= this is in the table (up to phase); the search
            uses it as a lower bound for what lies beyond a node whose remainder misses the table.
        build_seconds: construction time.
    """

    def __init__(self, basis: Basis, costs: np.ndarray, complete_cost: float, points: np.ndarray) -> None:
        self.basis = basis
        self.costs = np.asarray(costs, dtype=float)
        self.complete_cost = float(complete_cost)
        self.build_seconds = 0.0
        if basis.num_qubits == 1:
            pts = np.where(points[:, :1] < 0, -points, points)
            self.points = np.ascontiguousarray(pts)
            self._tree = cKDTree(self.points, balanced_tree=False, compact_nodes=False)
        else:
            self.points = np.ascontiguousarray(points)  # (N, d*d) row-major flattened unitaries
            self._tree = None

    def __len__(self) -> int:
        return len(self.costs)

    def query(self, targets: np.ndarray, eps: float, k: int = 8) -> tuple[np.ndarray, np.ndarray]:
        """For each target the cheapest entry within eps (ties: the closest).

        Args:
            targets: quaternions ``(M, 4)`` for one qubit, or unitaries ``(M, d, d)``.
            eps: tolerance on d = sqrt(1 - |tr(U^dag V)/d|^2).
            k: neighbours examined per sign (1 qubit); more finds cheaper entries in dense regions.

        Returns:
            ``(index, distance)``: index -1 where nothing is within eps.
        """
        if self._tree is not None:
            return self._query_quaternions(np.asarray(targets, dtype=float).reshape(-1, 4), eps, k)
        return self._query_brute(np.asarray(targets, dtype=complex), eps)

    def _query_quaternions(self, q: np.ndarray, eps: float, k: int) -> tuple[np.ndarray, np.ndarray]:
        m = len(q)
        if m == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0)
        k = min(k, len(self))
        radius = ball_radius(eps)
        # the table lies in the half-space q0 >= 0: query the target's sign there, and the other sign only
        # where the ball crosses q0 = 0
        q_canon = np.where(q[:, :1] < 0, -q, q)
        _, idx = self._tree.query(q_canon, k=k, distance_upper_bound=radius)
        idx = np.asarray(idx).reshape(m, k)
        border = np.flatnonzero(np.abs(q[:, 0]) <= radius)
        other = np.full((m, k), len(self), dtype=idx.dtype)
        if len(border):
            _, idx_b = self._tree.query(-q_canon[border], k=k, distance_upper_bound=radius)
            other[border] = np.asarray(idx_b).reshape(len(border), k)
        idx = np.concatenate([idx, other], axis=1)  # (M, 2k)
        valid = idx < len(self)
        safe = np.where(valid, idx, 0)
        dots = np.abs(np.einsum("mkj,mj->mk", self.points[safe], q))
        dist = np.sqrt(np.clip(1.0 - dots**2, 0.0, None))
        valid &= dist <= eps
        score = np.where(valid, self.costs[safe] + 1e-3 * dist, np.inf)
        best = np.argmin(score, axis=1)
        rows = np.arange(m)
        found = np.isfinite(score[rows, best])
        return np.where(found, safe[rows, best], -1), np.where(found, dist[rows, best], np.inf)

    def _query_brute(self, targets: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
        dim = self.basis.dim
        flat = targets.reshape(-1, dim * dim)
        out_idx = np.full(len(flat), -1, dtype=np.int64)
        out_dist = np.full(len(flat), np.inf)
        threshold = np.sqrt(1.0 - eps * eps)
        chunk = max(1, 4_000_000 // max(len(self), 1))
        for start in range(0, len(flat), chunk):
            block = flat[start : start + chunk]
            overlap = np.abs(block @ self.points.conj().T) / dim  # (m, N) = |tr(V^dag U)| / d
            ok = overlap >= threshold
            score = np.where(ok, self.costs[None] - 1e-3 * overlap, np.inf)
            best = np.argmin(score, axis=1)
            rows = np.arange(len(block))
            found = np.isfinite(score[rows, best])
            dist = np.sqrt(np.clip(1.0 - overlap[rows, best] ** 2, 0.0, None))
            out_idx[start : start + chunk] = np.where(found, best, -1)
            out_dist[start : start + chunk] = np.where(found, dist, np.inf)
        return out_idx, out_dist

    def nearest(self, target: np.ndarray) -> int | None:
        """Index of the entry closest to a unitary (any distance), or None for an empty table."""
        if not len(self):
            return None
        if self._tree is not None:
            q = quaternions(np.asarray(target, dtype=complex))
            return int(np.argmax(np.abs(self.points @ q)))
        flat = np.asarray(target, dtype=complex).reshape(-1)
        return int(np.argmax(np.abs(self.points.conj() @ flat)))

    def word(self, index: int) -> list[str]:
        """Gate labels of entry ``index`` in circuit order."""
        raise NotImplementedError


class NormalFormTable(WordTable):
    """All single-qubit Clifford+T unitaries with T-count <= ``max_t`` as Matsumoto-Amano normal forms.

    Entry = [T] s_1 ... s_k C (operator order), s_i in {HT, SHT}; stored as codes (leading T, k, syllable
    bits, Clifford index); ``costs`` are T-counts.
    """

    def __init__(self, max_t: int) -> None:
        if not 0 <= max_t <= 20:
            raise SynthesisError(f"normal-form table T-count must be in 0..20 (memory), got {max_t}")
        start = time.perf_counter()
        cq, _ = cliffords()
        layers_q = [np.array([[1.0, 0.0, 0.0, 0.0]])]
        layers_bits = [np.zeros(1, dtype=np.int64)]
        for k in range(1, max_t + 1):
            x, bits = layers_q[-1], layers_bits[-1]
            layers_q.append(np.concatenate([hamilton(_HT, x), hamilton(_SHT, x)]))
            layers_bits.append(np.concatenate([bits, bits | (1 << (k - 1))]))
        quats, has_t, ks, bits_all = [], [], [], []
        for k in range(max_t + 1):
            for lead in (False, True):
                if lead and k + 1 > max_t:
                    continue
                x = hamilton(_T, layers_q[k]) if lead else layers_q[k]
                quats.append(x)
                has_t.append(np.full(len(x), lead))
                ks.append(np.full(len(x), k))
                bits_all.append(layers_bits[k])
        prefix_q = np.concatenate(quats)
        self.has_t = np.repeat(np.concatenate(has_t), 24)
        self.k = np.repeat(np.concatenate(ks), 24).astype(np.int8)
        self.bits = np.repeat(np.concatenate(bits_all), 24).astype(np.int32)
        self.clifford = np.tile(np.arange(24, dtype=np.int8), len(prefix_q))
        points = hamilton(prefix_q[:, None, :], cq[None, :, :]).reshape(-1, 4)
        t_count = self.has_t.astype(np.int64) + self.k
        self.max_t = max_t
        super().__init__(get_basis("clifford_t"), t_count, max_t, points)
        self.build_seconds = time.perf_counter() - start

    def word(self, index: int) -> list[str]:
        """Gates of entry ``index`` in circuit order: C, s_k, ..., s_1, then T if present."""
        _, cwords = cliffords()
        gates = list(cwords[int(self.clifford[index])])
        k, bits = int(self.k[index]), int(self.bits[index])
        for j in range(k):  # bit j is the choice of s_{k-j}; s_k is applied first
            gates.extend(SYLLABLES["SHT" if (bits >> j) & 1 else "HT"][1])
        if self.has_t[index]:
            gates.append("t")
        return simplify(gates)


class BFSTable(WordTable):
    """Breadth-first enumeration of words over a basis, duplicates (up to phase) removed.

    Args:
        basis: registered basis name.
        cost: ``"gate"`` or ``"t"``; entries keep the cost of their first (shortest) word.
        max_length: deepest level.
        max_entries: stop before a level that would exceed this many entries.
    """

    def __init__(
        self, basis: str, cost: str = "gate", max_length: int = 8, max_entries: int = 500_000
    ) -> None:
        start = time.perf_counter()
        b = get_basis(basis)
        costs_a = b.costs(cost)
        mats = [np.eye(b.dim, dtype=complex)[None]]
        parents = [np.array([-1])]
        gates = [np.array([-1])]
        costs = [np.zeros(1)]
        seen = _keys(mats[0])
        offset, complete = 0, 0
        for length in range(1, max_length + 1):
            prev_mats, prev_gates = mats[-1], gates[-1]
            n = len(prev_mats)
            rep = np.repeat(np.arange(n), b.num_actions)
            gat = np.tile(np.arange(b.num_actions), n)
            par = rep + offset
            prev = prev_gates[rep]
            undo = (prev >= 0) & (b.inverses[np.maximum(prev, 0)] == gat)
            # circuit order: the parent's word first, then gate a, so the operator is G_a @ W
            child = b.matrices[None] @ prev_mats[:, None]
            child = child.reshape(-1, b.dim, b.dim)[~undo]
            par, gat = par[~undo], gat[~undo]
            keys = _keys(child)
            _, first = np.unique(keys, return_index=True)
            first = np.sort(first)
            first = first[~np.isin(keys[first], seen)]
            if sum(len(m) for m in mats) + len(first) > max_entries:
                break
            offset += len(prev_mats)
            mats.append(child[first])
            parents.append(par[first])
            gates.append(gat[first])
            costs.append(np.concatenate(costs)[par[first]] + costs_a[gat[first]])
            seen = np.concatenate([seen, keys[first]])
            complete = length if cost == "gate" else 0
            if not len(first):
                break
        self.parent = np.concatenate(parents)
        self.gate = np.concatenate(gates)
        all_mats = np.concatenate(mats)
        points = quaternions(all_mats) if b.num_qubits == 1 else all_mats.reshape(len(all_mats), -1)
        self.max_length = len(mats) - 1
        super().__init__(b, np.concatenate(costs), complete, points)
        self.build_seconds = time.perf_counter() - start

    def actions(self, index: int) -> list[int]:
        """Action indices of entry ``index`` in circuit order."""
        out = []
        i = int(index)
        while i > 0:
            out.append(int(self.gate[i]))
            i = int(self.parent[i])
        return out[::-1]

    def word(self, index: int) -> list[str]:
        """Gate labels of entry ``index`` in circuit order."""
        return self.basis.labels(self.actions(index))


def _keys(mats: np.ndarray) -> np.ndarray:
    """int64 hashes of unitaries up to global phase (for duplicate removal)."""
    mats = np.asarray(mats, dtype=complex)
    flat = mats.reshape(len(mats), -1)
    if mats.shape[-1] == 2:
        q = quaternions(mats)
        first = np.argmax(np.abs(q) > 1e-9, axis=1)
        sign = np.sign(q[np.arange(len(q)), first])
        vals = q * sign[:, None]
    else:
        row0 = np.abs(flat[:, : mats.shape[-1]])
        first = np.argmax(row0 > 0.3, axis=1)
        ph = flat[np.arange(len(flat)), first]
        canon = flat * (np.conj(ph) / np.abs(ph))[:, None]
        vals = np.concatenate([canon.real, canon.imag], axis=1)
    ints = np.round(vals * 1e7).astype(np.int64)
    mult = np.random.default_rng(12345).integers(1, 2**62, size=ints.shape[1], dtype=np.int64) | 1
    return (ints * mult).sum(axis=1)


@functools.lru_cache(maxsize=4)
def normal_form_table(max_t: int) -> NormalFormTable:
    """The Clifford+T normal-form table of T-count <= ``max_t``, built once per process."""
    return NormalFormTable(max_t)


@functools.lru_cache(maxsize=8)
def bfs_table(basis: str, cost: str = "gate", max_length: int = 8, max_entries: int = 500_000) -> BFSTable:
    """A breadth-first word table, built once per process (see ``BFSTable``)."""
    return BFSTable(basis, cost, max_length, max_entries)
