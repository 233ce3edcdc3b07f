"""MaxCut on random connected graphs (the shared :func:`qgen.hamiltonians.maxcut` cost)."""

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
class MaxCutProblem(Problem):
    """Split the nodes into two sets so that as many edges as possible cross the cut."""

    name = "maxcut"
    title = "MaxCut"
    sense = "max"
    summary = "unweighted maximum cut; energy = -(number of cut edges)"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Nodes 3..max_qubits, one qubit per node."""
        return {n: n for n in range(3, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A connected G(n, p) graph with p in [0.3, 0.8]."""
        graph = random_connected_graph(size, rng)
        ham = maxcut(list(graph.edges()), size)
        text = f"the graph with {size} nodes and edges {edge_list(graph)}"
        return Instance(self.name, size, size, ham, graph, {}, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Every assignment is feasible; objective = number of cut edges."""
        return True, float(sum(1 for u, v in instance.graph.edges() if x[u] != x[v]))
