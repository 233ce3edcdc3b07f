"""Minimum edge cover: choose edges so every node touches one; "node uncovered" is a product (HUBO)."""

from __future__ import annotations

import numpy as np

from qgen.datasets.problems.base import (
    Instance,
    Problem,
    add_monomial,
    edge_list,
    hubo_to_ising,
    random_graph_with_edges,
    sorted_edges,
)
from qgen.datasets.problems.registry import register_problem

PENALTY = 2.0
"""An uncovered node costs 2 > 1, the cost of one more edge that covers it."""


@register_problem
class EdgeCoverProblem(Problem):
    """Choose as few edges as possible so that every node is an end of a chosen edge."""

    name = "edge_cover"
    title = "minimum edge cover"
    sense = "min"
    summary = "x_e per edge (sorted edge order); penalty 2 * prod_{e at v}(1 - x_e) per node (order <= 3)"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Edges 3..max_qubits, one qubit per edge."""
        return {m: m for m in range(3, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A graph with ``size`` edges, max degree 3 and no isolated node (so penalties are cubic at most)."""
        graph = random_graph_with_edges(size, rng, max_degree=3)
        edges = sorted_edges(graph)
        index = {e: i for i, e in enumerate(edges)}
        terms: dict[tuple[int, ...], float] = {}
        for i in range(size):
            add_monomial(terms, (i,), 1.0)
        const = 0.0
        for v in graph.nodes():
            incident = [index[(min(v, u), max(v, u))] for u in graph.neighbors(v)]
            const += _add_product_of_complements(terms, incident, PENALTY)
        ham = hubo_to_ising(size, terms, const)
        text = f"the graph with {graph.number_of_nodes()} nodes and edges {edge_list(graph)}"
        data = {"edges": [list(e) for e in edges], "penalty": PENALTY}
        return Instance(self.name, size, size, ham, graph, data, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Feasible when every node touches a chosen edge; objective = number of chosen edges."""
        covered = {v for e, xe in zip(instance.data["edges"], x, strict=True) if xe for v in e}
        return len(covered) == instance.graph.number_of_nodes(), float(x.sum())


def _add_product_of_complements(terms: dict, variables: list[int], weight: float) -> float:
    """Accumulate ``weight * prod_{k}(1 - x_k)``; returns its constant part."""
    import itertools

    for r in range(1, len(variables) + 1):
        for sub in itertools.combinations(variables, r):
            add_monomial(terms, sub, weight * (-1) ** r)
    return weight
