"""Minimum vertex cover (qiskit-optimization ``VertexCover``; edge constraints as penalties)."""

from __future__ import annotations

import numpy as np

from qgen.datasets.problems.base import (
    Instance,
    Problem,
    edge_list,
    from_quadratic_program,
    penalised_qp,
    qiskit_optimization_app,
    random_connected_graph,
)
from qgen.datasets.problems.registry import register_problem

PENALTY = 2.0
"""An uncovered edge costs 2 > 1, the cost of adding one of its ends, so ground states are covers."""


@register_problem
class VertexCoverProblem(Problem):
    """Choose as few nodes as possible so that every edge has a chosen end."""

    name = "vertex_cover"
    title = "minimum vertex cover"
    sense = "min"
    summary = "x_v = 1 puts node v in the cover; penalty 2 per uncovered edge"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Nodes 3..max_qubits, one qubit per node."""
        return {n: n for n in range(3, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A connected G(n, p) graph, p in [0.3, 0.8]."""
        graph = random_connected_graph(size, rng)
        app = qiskit_optimization_app("VertexCover")(graph.copy())
        qp = penalised_qp(app.to_quadratic_program(), PENALTY)
        ham = from_quadratic_program(qp, size)
        text = f"the graph with {size} nodes and edges {edge_list(graph)}"
        return Instance(self.name, size, size, ham, graph, {"penalty": PENALTY}, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Feasible when every edge is covered; objective = cover size."""
        ok = all(x[u] or x[v] for u, v in instance.graph.edges())
        return bool(ok), float(x.sum())
