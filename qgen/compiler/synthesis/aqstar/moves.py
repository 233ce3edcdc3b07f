"""AQ*'s move sets: normal-form syllables on quaternions (Clifford+T) and basis gates on matrices."""

from __future__ import annotations

import numpy as np

from qgen.compiler.synthesis.aqstar.table import SYLLABLES, _keys
from qgen.compiler.synthesis.aqstar.words import conjugate, hamilton
from qgen.compiler.synthesis.unitaries import quaternion_matrix, quaternions


class SyllableMoves:
    """Normal-form moves on quaternion remainders: T (root only), HT, SHT; one T each."""

    names = ("T", "HT", "SHT")
    min_cost = 1.0

    def __init__(self) -> None:
        self.inv = np.stack([conjugate(SYLLABLES[n][0]) for n in self.names])

    def expand(self, reps: list, nodes: list[int], move: list[int], g_of: list[float]):
        """Children of ``nodes``: (remainders, parents, moves, path costs)."""
        r = np.stack(reps)  # (m, 4)
        at_root = np.array([n == 0 for n in nodes])
        moves = np.where(at_root[:, None], np.array([[0, 1, 2]]), np.array([[-1, 1, 2]]))
        par = np.repeat(np.asarray(nodes), 3)
        mv = moves.reshape(-1)
        ok = mv >= 0
        kids = hamilton(self.inv[np.maximum(mv, 0)], np.repeat(r, 3, axis=0))[ok]
        g = np.repeat(np.asarray([g_of[n] for n in nodes]), 3)[ok] + 1.0
        return kids, par[ok], mv[ok], g

    @staticmethod
    def table_points(reps: np.ndarray) -> np.ndarray:
        """Points the word table is keyed by (quaternions)."""
        return reps

    @staticmethod
    def matrices(reps: np.ndarray) -> np.ndarray:
        """Remainders as matrices."""
        return quaternion_matrix(reps)

    def labels(self, m: int) -> list[str]:
        """Gate labels of move ``m`` in circuit order."""
        return list(SYLLABLES[self.names[m]][1])


class GateMoves:
    """Basis-gate moves on matrix remainders; never the inverse of the previous gate; duplicates skipped."""

    def __init__(self, basis, cost: str) -> None:
        self.basis = basis
        self.costs = basis.costs(cost)
        self.min_cost = float(self.costs.min())
        self.inv = np.conj(np.transpose(basis.matrices, (0, 2, 1)))
        self.seen: set[int] = set()

    def expand(self, reps: list, nodes: list[int], move: list[int], g_of: list[float]):
        """Children of ``nodes`` that are new: (remainders, parents, moves, path costs)."""
        r = np.stack(reps)  # (m, d, d)
        a = self.basis.num_actions
        if not self.seen:
            self.seen.update(_keys(r).tolist())
        prev = np.repeat(np.asarray([move[n] for n in nodes]), a)
        mv = np.tile(np.arange(a), len(nodes))
        undo = (prev >= 0) & (self.basis.inverses[np.maximum(prev, 0)] == mv)
        kids = (self.inv[None] @ r[:, None]).reshape(-1, *r.shape[1:])
        keys = _keys(kids)
        keep = []
        for j in np.flatnonzero(~undo):
            k = int(keys[j])
            if k not in self.seen:
                self.seen.add(k)
                keep.append(j)
        keep = np.asarray(keep, dtype=np.int64)
        par = np.repeat(np.asarray(nodes), a)[keep]
        g = np.repeat(np.asarray([g_of[n] for n in nodes]), a)[keep] + self.costs[mv[keep]]
        return kids[keep], par, mv[keep], g

    def table_points(self, reps: np.ndarray) -> np.ndarray:
        """Points the word table is keyed by (quaternions for one qubit, else matrices)."""
        return quaternions(reps) if self.basis.num_qubits == 1 else reps

    @staticmethod
    def matrices(reps: np.ndarray) -> np.ndarray:
        """Remainders as matrices (they are matrices already)."""
        return reps

    def labels(self, m: int) -> list[str]:
        """Gate label of move ``m``."""
        return self.basis.labels([m])
