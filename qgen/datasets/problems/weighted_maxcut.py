"""Weighted MaxCut: integer edge weights 1..9 on random connected graphs (shared MaxCut cost)."""

from __future__ import annotations

import numpy as np

from qgen.datasets.problems.base import (
    Instance,
    Problem,
    edge_list,
    random_connected_graph,
)
from qgen.datasets.problems.registry import register_problem
from qgen.hamiltonians import maxcut


@register_problem
class WeightedMaxCutProblem(Problem):
    """Split the nodes into two sets maximising the total weight of the cut edges."""

    name = "weighted_maxcut"
    title = "weighted MaxCut"
    sense = "max"
    summary = "maximum cut with integer edge weights 1..9; energy = -(cut weight)"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Nodes 3..max_qubits, one qubit per node."""
        return {n: n for n in range(3, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A connected G(n, p) graph with weights drawn uniformly from 1..9."""
        graph = random_connected_graph(size, rng)
        for u, v in sorted(graph.edges()):
            graph.edges[u, v]["weight"] = int(rng.integers(1, 10))
        ham = maxcut(list(graph.edges()), size, [graph.edges[e]["weight"] for e in graph.edges()])
        text = f"the weighted graph with {size} nodes and edges {edge_list(graph, 'weight')}"
        return Instance(self.name, size, size, ham, graph, {}, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Every assignment is feasible; objective = total weight of cut edges."""
        g = instance.graph
        return True, float(sum(d["weight"] for u, v, d in g.edges(data=True) if x[u] != x[v]))
