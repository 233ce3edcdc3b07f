"""Weighted set cover: "element uncovered" is a product over the sets holding it (HUBO, order <= 3)."""

from __future__ import annotations

import itertools

import numpy as np

from qgen.datasets.problems.base import Instance, Problem, add_monomial, hubo_to_ising, ints
from qgen.datasets.problems.registry import register_problem


@register_problem
class SetCoverProblem(Problem):
    """Choose subsets of least total weight whose union is the universe."""

    name = "set_cover"
    title = "weighted set cover"
    sense = "min"
    summary = "x_S per subset; penalty (max weight + 1) * prod_{S holding u}(1 - x_S) per element"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Subsets 3..max_qubits, one qubit per subset."""
        return {m: m for m in range(3, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A universe of 3..size+2 elements, each in 1-3 random subsets; subset weights 1..3.

        Covering a missing element costs at most the max weight, less than the penalty, so every ground
        state is a cover.
        """
        universe = int(rng.integers(3, size + 3))
        subsets: list[set[int]] = [set() for _ in range(size)]
        for u in range(universe):
            for s in rng.choice(size, size=int(rng.integers(1, min(3, size) + 1)), replace=False):
                subsets[int(s)].add(u)
        counts = {u: sum(u in s for s in subsets) for u in range(universe)}
        for s in subsets:
            if not s:
                spare = [u for u in range(universe) if counts[u] < 3]
                if spare:
                    u = int(rng.choice(spare))
                    s.add(u)
                    counts[u] += 1
        weights = ints(rng.integers(1, 4, size=size))
        penalty = float(max(weights) + 1)
        terms: dict[tuple[int, ...], float] = {}
        for i, w in enumerate(weights):
            add_monomial(terms, (i,), float(w))
        const = 0.0
        for u in range(universe):
            holders = [i for i, s in enumerate(subsets) if u in s]
            const += penalty
            for r in range(1, len(holders) + 1):
                for sub in itertools.combinations(holders, r):
                    add_monomial(terms, sub, penalty * (-1) ** r)
        ham = hubo_to_ising(size, terms, const)
        listed = [sorted(s) for s in subsets]
        text = f"the universe 0..{universe - 1}, subsets {listed} with weights {weights}"
        data = {"universe": universe, "subsets": listed, "weights": weights, "penalty": penalty}
        return Instance(self.name, size, size, ham, None, data, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Feasible when the chosen subsets cover the universe; objective = their total weight."""
        d = instance.data
        covered = {u for s, xs in zip(d["subsets"], x, strict=True) if xs for u in s}
        return len(covered) == d["universe"], float(np.asarray(d["weights"]) @ x)
