"""Maximum clique (qiskit-optimization ``Clique``; non-edges as penalties)."""

from __future__ import annotations

import itertools

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
"""Two chosen nodes without an edge cost 2 > 1, the gain of keeping one of them: ground states are cliques."""


@register_problem
class CliqueProblem(Problem):
    """Choose as many nodes as possible, every two of them adjacent."""

    name = "clique"
    title = "maximum clique"
    sense = "max"
    summary = "x_v = 1 puts node v in the clique; penalty 2 per chosen pair that is not an edge"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Nodes 3..max_qubits, one qubit per node."""
        return {n: n for n in range(3, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A connected G(n, p) graph, p in [0.4, 0.9] (denser graphs have larger cliques)."""
        graph = random_connected_graph(size, rng, p_range=(0.4, 0.9))
        qp = penalised_qp(qiskit_optimization_app("Clique")(graph.copy()).to_quadratic_program(), PENALTY)
        ham = from_quadratic_program(qp, size)
        text = f"the graph with {size} nodes and edges {edge_list(graph)}"
        return Instance(self.name, size, size, ham, graph, {"penalty": PENALTY}, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Feasible when all chosen nodes are pairwise adjacent; objective = clique size."""
        chosen = [int(v) for v in np.flatnonzero(x)]
        ok = all(instance.graph.has_edge(u, v) for u, v in itertools.combinations(chosen, 2))
        return bool(ok), float(len(chosen))
