"""Balanced graph partitioning (qiskit-optimization ``GraphPartition``; balance as a penalty)."""

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


@register_problem
class GraphPartitionProblem(Problem):
    """Split an even number of nodes into two halves of equal size cutting as few edges as possible."""

    name = "graph_partition"
    title = "balanced graph partitioning"
    sense = "min"
    summary = "x_v = side of node v; penalty (max degree + 1) * (sum x - n/2)**2"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Even node counts 4..max_qubits, one qubit per node."""
        return {n: n for n in range(4, max_qubits + 1, 2)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A connected G(n, p) graph; penalty = max degree + 1.

        Moving one node across changes the cut by at most the max degree, while an imbalance ``d`` costs
        ``P d**2 >= P |d|``; with ``P`` > max degree every ground state is balanced.
        """
        graph = random_connected_graph(size, rng)
        penalty = float(max(d for _, d in graph.degree()) + 1)
        app = qiskit_optimization_app("GraphPartition")(graph.copy())
        qp = penalised_qp(app.to_quadratic_program(), penalty)
        ham = from_quadratic_program(qp, size)
        text = f"the graph with {size} nodes and edges {edge_list(graph)}"
        return Instance(self.name, size, size, ham, graph, {"penalty": penalty}, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Feasible when both halves have n/2 nodes; objective = number of cut edges."""
        ok = int(x.sum()) * 2 == len(x)
        return ok, float(sum(1 for u, v in instance.graph.edges() if x[u] != x[v]))
