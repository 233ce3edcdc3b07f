"""Maximum matching: edges as qubits; two chosen edges sharing a node are penalised."""

from __future__ import annotations

import itertools

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
"""Two chosen edges at one node cost 2 > 1, the gain of keeping one: ground states are matchings."""


@register_problem
class MatchingProblem(Problem):
    """Choose as many edges as possible, no two of them sharing a node."""

    name = "matching"
    title = "maximum matching"
    sense = "max"
    summary = "x_e per edge (sorted edge order); penalty 2 per pair of chosen edges at one node"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Edges 3..max_qubits, one qubit per edge."""
        return {m: m for m in range(3, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A graph with ``size`` edges, max degree 4 and no isolated node."""
        graph = random_graph_with_edges(size, rng, max_degree=4)
        edges = sorted_edges(graph)
        terms: dict[tuple[int, ...], float] = {}
        for i in range(size):
            add_monomial(terms, (i,), -1.0)
        for i, j in itertools.combinations(range(size), 2):
            if set(edges[i]) & set(edges[j]):
                add_monomial(terms, (i, j), PENALTY)
        ham = hubo_to_ising(size, terms)
        text = f"the graph with {graph.number_of_nodes()} nodes and edges {edge_list(graph)}"
        data = {"edges": [list(e) for e in edges], "penalty": PENALTY}
        return Instance(self.name, size, size, ham, graph, data, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Feasible when no node has two chosen edges; objective = number of chosen edges."""
        chosen = [e for e, xe in zip(instance.data["edges"], x, strict=True) if xe]
        nodes = [v for e in chosen for v in e]
        return len(nodes) == len(set(nodes)), float(len(chosen))
