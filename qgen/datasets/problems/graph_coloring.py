"""Graph colouring with k colours (one-hot x_{v,c}); minimise monochromatic edges."""

from __future__ import annotations

import numpy as np

from qgen.datasets.errors import DatasetError
from qgen.datasets.problems.base import (
    Instance,
    Problem,
    add_monomial,
    add_squared_linear,
    edge_list,
    hubo_to_ising,
    random_connected_graph,
)
from qgen.datasets.problems.registry import register_problem


def layout(qubits: int) -> tuple[int, int]:
    """``(nodes, colours)`` of a qubit count: 3 colours when it divides by 3 (>= 3 nodes), else 2."""
    if qubits % 3 == 0 and qubits // 3 >= 3:
        return qubits // 3, 3
    if qubits % 2 == 0 and qubits // 2 >= 3:
        return qubits // 2, 2
    raise DatasetError(f"graph_coloring has no layout for {qubits} qubits")


@register_problem
class GraphColoringProblem(Problem):
    """Colour the nodes with k colours so that as few edges as possible join equal colours."""

    name = "graph_coloring"
    title = "graph colouring"
    sense = "min"
    summary = "x_{v,c} at qubit v*k + c; one-hot penalty (max degree + 1); objective = monochromatic edges"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """The size is the qubit count n*k (k = 3 when it divides, else 2), 6..max_qubits."""
        out = {}
        for q in range(6, max_qubits + 1):
            try:
                layout(q)
            except DatasetError:
                continue
            out[q] = q
        return out

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A connected G(n, p) graph; penalty = max degree + 1.

        Giving an uncoloured node a colour adds at most (max degree) conflicts and dropping an extra colour
        never adds one, so with ``P`` > max degree every ground state colours each node exactly once.
        """
        nodes, k = layout(size)
        graph = random_connected_graph(nodes, rng, p_range=(0.3, 0.7))
        penalty = float(max(d for _, d in graph.degree()) + 1)
        terms: dict[tuple[int, ...], float] = {}
        const = 0.0
        for u, v in graph.edges():
            for c in range(k):
                add_monomial(terms, (u * k + c, v * k + c), 1.0)
        for v in range(nodes):
            const += add_squared_linear(terms, {v * k + c: 1.0 for c in range(k)}, -1.0, penalty)
        ham = hubo_to_ising(size, terms, const)
        text = f"the graph with {nodes} nodes and edges {edge_list(graph)}, using {k} colours"
        data = {"nodes": nodes, "colors": k, "penalty": penalty}
        return Instance(self.name, size, size, ham, graph, data, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Feasible when each node has exactly one colour; objective = monochromatic edges."""
        k = instance.data["colors"]
        m = x.reshape(instance.data["nodes"], k)
        if not np.all(m.sum(1) == 1):
            return False, float("nan")
        colour = m.argmax(1)
        return True, float(sum(colour[u] == colour[v] for u, v in instance.graph.edges()))
