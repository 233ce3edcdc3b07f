"""Hypergraph MaxCut: a hyperedge is cut unless all its nodes are on one side (higher-order Z terms)."""

from __future__ import annotations

import itertools

import numpy as np

from qgen.datasets.problems.base import Instance, Problem, ising_from_z_terms
from qgen.datasets.problems.registry import register_problem


@register_problem
class HypergraphMaxCutProblem(Problem):
    """Maximise the weight of cut hyperedges (sizes 2-4); 4-node hyperedges give 4-body Z terms."""

    name = "hypergraph_maxcut"
    title = "hypergraph MaxCut"
    sense = "max"
    summary = "weighted hyperedges of 2-4 nodes; cut = not all nodes on one side; energy = -(cut weight)"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Nodes 4..max_qubits, one qubit per node."""
        return {n: n for n in range(4, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """``n`` to ``2n`` distinct hyperedges of 2-4 nodes (some of 3+), weights 1..5, all nodes used.

        "All nodes equal" of a k-node hyperedge is ``2**(1-k) * sum_{T subset e, |T| even} Z_T``, so the
        energy ``-sum_e w_e (1 - equal_e)`` has Z products of even order up to 4.
        """
        edges: list[tuple[int, ...]] = []
        count = int(rng.integers(size, 2 * size + 1))
        for _ in range(50 * count):
            k = int(rng.choice([2, 3, 4]) if size >= 4 else rng.choice([2, 3]))
            e = tuple(sorted(int(v) for v in rng.choice(size, size=k, replace=False)))
            if e not in edges:
                edges.append(e)
            covered = {v for e in edges for v in e}
            if len(edges) >= count and len(covered) == size and any(len(e) >= 3 for e in edges):
                break
        weights = [int(rng.integers(1, 6)) for _ in edges]
        terms: dict[tuple[int, ...], float] = {}
        for e, w in zip(edges, weights, strict=True):
            k = len(e)
            terms[()] = terms.get((), 0.0) - w
            for r in range(0, k + 1, 2):
                for sub in itertools.combinations(e, r):
                    terms[sub] = terms.get(sub, 0.0) + w * 2.0 ** (1 - k)
        ham = ising_from_z_terms(size, terms)
        listed = ", ".join(f"{{{', '.join(map(str, e))}}} w={w}" for e, w in zip(edges, weights, strict=True))
        text = f"the hypergraph with {size} nodes and weighted hyperedges {listed}"
        data = {"hyperedges": [list(e) for e in edges], "weights": weights}
        return Instance(self.name, size, size, ham, None, data, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Every assignment is feasible; objective = total weight of cut hyperedges."""
        cut = 0.0
        for e, w in zip(instance.data["hyperedges"], instance.data["weights"], strict=True):
            cut += w * (len({int(x[v]) for v in e}) > 1)
        return True, cut
