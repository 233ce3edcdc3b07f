"""Hamiltonian path from node 0: (n-1)**2 qubits x_{v,t} = node v at step t; energy 0 iff a path exists."""

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
class HamiltonianPathProblem(Problem):
    """Visit every node once along edges, starting at node 0 (minimise the steps that are not edges)."""

    name = "hamiltonian_path"
    title = "Hamiltonian path"
    sense = "min"
    summary = "node 0 first; x_{v,t} at qubit (v-1)(n-1)+(t-1); objective = steps along non-edges"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Nodes n >= 3 with (n-1)**2 <= max_qubits."""
        return {n: (n - 1) ** 2 for n in range(3, 8) if (n - 1) ** 2 <= max_qubits}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A G(n, p) graph, p in [0.3, 0.9] (not always connected: some instances have no path).

        The objective counts steps along non-edges (at most n - 1), so one-hot penalties of weight ``n``
        make every ground state a valid visiting order.
        """
        nx = networkx()
        n = size
        graph = nx.gnp_random_graph(n, float(rng.uniform(0.3, 0.9)), seed=int(rng.integers(2**31)))
        penalty = float(n)
        terms: dict[tuple[int, ...], float] = {}
        const = 0.0
        for v in range(1, n):
            if not graph.has_edge(0, v):
                add_monomial(terms, (order_var(v, 1, n),), 1.0)
        for t in range(1, n - 1):
            for u, v in itertools.permutations(range(1, n), 2):
                if not graph.has_edge(u, v):
                    add_monomial(terms, (order_var(u, t, n), order_var(v, t + 1, n)), 1.0)
        const += add_permutation_penalty(terms, n, penalty)
        q = (n - 1) ** 2
        ham = hubo_to_ising(q, terms, const)
        text = f"the graph with {n} nodes and edges {edge_list(graph)}, starting at node 0"
        return Instance(self.name, n, q, ham, graph, {"nodes": n, "penalty": penalty}, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Feasible when x is a permutation matrix; objective = steps between non-adjacent nodes."""
        n = instance.data["nodes"]
        order = decode_order(x, n)
        if order is None:
            return False, float("nan")
        return True, float(sum(not instance.graph.has_edge(a, b) for a, b in itertools.pairwise(order)))
