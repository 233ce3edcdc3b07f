"""Maximum independent set (qiskit-optimization ``StableSet``; edge constraints as penalties)."""

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
"""Both ends of an edge chosen cost 2 > 1, the gain of keeping one: ground states are independent."""


@register_problem
class IndependentSetProblem(Problem):
    """Choose as many nodes as possible, no two of them adjacent."""

    name = "independent_set"
    title = "maximum independent set"
    sense = "max"
    summary = "x_v = 1 puts node v in the set; penalty 2 per edge with both ends chosen"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Nodes 3..max_qubits, one qubit per node."""
        return {n: n for n in range(3, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A connected G(n, p) graph, p in [0.3, 0.8]."""
        graph = random_connected_graph(size, rng)
        qp = penalised_qp(qiskit_optimization_app("StableSet")(graph.copy()).to_quadratic_program(), PENALTY)
        ham = from_quadratic_program(qp, size)
        text = f"the graph with {size} nodes and edges {edge_list(graph)}"
        return Instance(self.name, size, size, ham, graph, {"penalty": PENALTY}, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Feasible when no edge has both ends chosen; objective = set size."""
        ok = not any(x[u] and x[v] for u, v in instance.graph.edges())
        return bool(ok), float(x.sum())
