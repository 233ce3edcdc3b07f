"""Travelling salesperson with the start city fixed: (c-1)**2 qubits x_{v,t} = city v at step t."""

from __future__ import annotations

import itertools

import numpy as np

from qgen.datasets.problems.base import (
    Instance,
    Problem,
    add_monomial,
    edge_list,
    hubo_to_ising,
    networkx,
)
from qgen.datasets.problems.permutation import add_permutation_penalty, decode_order, order_var
from qgen.datasets.problems.registry import register_problem


@register_problem
class TspProblem(Problem):
    """Shortest closed tour through all cities, starting and ending at city 0."""

    name = "tsp"
    title = "travelling salesperson"
    sense = "min"
    summary = "city 0 fixed first; x_{v,t} at qubit (v-1)(c-1)+(t-1); one-hot penalties c * max distance + 1"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Cities c >= 3 with (c-1)**2 <= max_qubits."""
        return {c: (c - 1) ** 2 for c in range(3, 8) if (c - 1) ** 2 <= max_qubits}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """Symmetric integer distances 1..9 between all cities.

        Distances are positive, so a state that breaks a one-hot row or column pays the penalty
        ``P = c * max distance + 1`` on top of a non-negative tour length, more than any valid tour costs.
        """
        nx = networkx()
        c = size
        graph = nx.complete_graph(c)
        for u, v in sorted(graph.edges()):
            graph.edges[u, v]["weight"] = int(rng.integers(1, 10))
        dist = nx.to_numpy_array(graph, weight="weight", nodelist=range(c))
        penalty = float(c * dist.max() + 1)
        terms: dict[tuple[int, ...], float] = {}
        const = 0.0
        for v in range(1, c):
            add_monomial(terms, (order_var(v, 1, c),), dist[0, v])
            add_monomial(terms, (order_var(v, c - 1, c),), dist[v, 0])
        for t in range(1, c - 1):
            for u, v in itertools.permutations(range(1, c), 2):
                add_monomial(terms, (order_var(u, t, c), order_var(v, t + 1, c)), dist[u, v])
        const += add_permutation_penalty(terms, c, penalty)
        n = (c - 1) ** 2
        ham = hubo_to_ising(n, terms, const)
        text = f"{c} cities with distances {edge_list(graph, 'weight')}, starting at city 0"
        return Instance(self.name, c, n, ham, graph, {"cities": c, "penalty": penalty}, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Feasible when x is a permutation matrix; objective = tour length."""
        c = instance.data["cities"]
        order = decode_order(x, c)
        if order is None:
            return False, float("nan")
        order = [*order, 0]
        g = instance.graph
        return True, float(sum(g.edges[a, b]["weight"] for a, b in itertools.pairwise(order)))
