"""What a problem family is: random instances -> Ising cost Hamiltonians, plus the original objective.

Every family maps binary variables ``x_k`` to qubits ``k`` (Qiskit order: ``x_k`` is bit ``k`` of a basis
index, the ``k``-th character from the right of a bitstring) with ``x = (1 - Z) / 2``. The Hamiltonian carries
its constant as an identity term, so for a feasible assignment the energy equals the objective of a
minimisation problem, or minus the objective of a maximisation problem; constraints become penalties whose
weights are chosen (and tested) so that every ground state is a feasible optimum.
"""

from __future__ import annotations

import itertools
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from qiskit.quantum_info import SparsePauliOp

from qgen.datasets.errors import DatasetError
from qgen.optional import require

if TYPE_CHECKING:
    import networkx as nx


def networkx():
    """The networkx module (extra ``data``)."""
    return require("networkx", extra="data", purpose="graph problems")


def qiskit_optimization_app(name: str):
    """A qiskit-optimization application class, e.g. ``Clique`` (extra ``data``)."""
    apps = require("qiskit_optimization.applications", extra="data", purpose="problem encodings")
    return getattr(apps, name)


@dataclass(frozen=True)
class Instance:
    """One random instance of a problem family, ready for a circuit.

    Attributes:
        problem: registry name of the family.
        size: the family's size parameter (nodes, cities, items, ...).
        num_qubits: number of qubits (binary variables).
        hamiltonian: the Ising cost Hamiltonian (Z terms; the constant as an identity term).
        graph: the graph of graph problems (None for others).
        data: JSON-ready problem attributes (weights, numbers, capacity, clauses, penalty, ...).
        text: a short plain-text statement of the instance for prompts.
    """

    problem: str
    size: int
    num_qubits: int
    hamiltonian: SparsePauliOp
    graph: nx.Graph | None = None
    data: dict = field(default_factory=dict)
    text: str = ""

    def graph_json(self) -> str | None:
        """The graph as node-link JSON (``networkx.node_link_data``), or None."""
        if self.graph is None:
            return None
        return json.dumps(networkx().node_link_data(self.graph, edges="edges"), sort_keys=True)

    def bits(self, bitstring: str) -> np.ndarray:
        """Variable values ``x_k`` of a bitstring (qubit 0 rightmost)."""
        return np.array([int(c) for c in reversed(bitstring)], dtype=np.int64)


class Problem(ABC):
    """A family of combinatorial optimisation problems (register it in :data:`qgen.datasets.PROBLEMS`)."""

    name: str = ""
    title: str = ""
    sense: str = "min"  # "min" or "max": the objective of the original problem
    summary: str = ""

    @abstractmethod
    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Valid size parameters and their qubit counts, for instances of at most ``max_qubits`` qubits."""

    @abstractmethod
    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """A random instance of the given size (deterministic for a given ``rng`` state)."""

    @abstractmethod
    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """``(feasible, objective)`` of the original problem for variable values ``x`` (for brute force)."""

    def energy_sign(self) -> float:
        """+1 when energy = objective for feasible assignments (minimisation), -1 for maximisation."""
        return 1.0 if self.sense == "min" else -1.0


# ---------------------------------------------------------------------------------------------- encoders
def hubo_to_ising(
    num_vars: int, terms: Mapping[tuple[int, ...], float], constant: float = 0.0
) -> SparsePauliOp:
    """Ising Hamiltonian of a polynomial in binary variables: ``constant + sum c_S prod_{k in S} x_k``.

    Each monomial becomes ``c_S / 2**|S| * sum_{T subset S} (-1)**|T| Z_T`` (``x = (1 - Z) / 2``), so
    higher-order (HUBO) terms turn into multi-qubit Z products.
    """
    acc: dict[tuple[int, ...], float] = {(): float(constant)}
    for support, coeff in terms.items():
        support = tuple(sorted(set(support)))
        if any(k < 0 or k >= num_vars for k in support):
            raise DatasetError(f"monomial {support} uses a variable outside 0..{num_vars - 1}")
        scale = coeff / 2 ** len(support)
        for r in range(len(support) + 1):
            for sub in itertools.combinations(support, r):
                acc[sub] = acc.get(sub, 0.0) + scale * (-1) ** r
    return ising_from_z_terms(num_vars, acc)


def ising_from_z_terms(num_qubits: int, terms: Mapping[tuple[int, ...], float]) -> SparsePauliOp:
    """``SparsePauliOp`` of ``sum c_T Z_T`` (``()``: identity), zero terms dropped, sorted by support."""
    items = [(t, c) for t, c in sorted(terms.items(), key=lambda kv: (len(kv[0]), kv[0])) if abs(c) > 1e-12]
    if not items:
        items = [((), 0.0)]
    sparse = [("Z" * len(t), list(t), float(c)) for t, c in items]
    return SparsePauliOp.from_sparse_list(sparse, num_qubits)


def add_monomial(terms: dict[tuple[int, ...], float], support: Iterable[int], coeff: float) -> None:
    """Accumulate ``coeff * prod x_k`` into a HUBO term dictionary (``x_k**2 = x_k`` is applied)."""
    key = tuple(sorted(set(support)))
    terms[key] = terms.get(key, 0.0) + coeff


def add_squared_linear(
    terms: dict[tuple[int, ...], float], coeffs: Mapping[int, float], offset: float, weight: float
) -> float:
    """Accumulate ``weight * (offset + sum a_k x_k)**2``; returns the constant part to add separately."""
    items = list(coeffs.items())
    for i, (k, a) in enumerate(items):
        add_monomial(terms, (k,), weight * (a * a + 2 * offset * a))
        for m, b in items[i + 1 :]:
            add_monomial(terms, (k, m), weight * 2 * a * b)
    return weight * offset * offset


def from_quadratic_program(qp, num_qubits: int) -> SparsePauliOp:
    """Ising Hamiltonian (offset included as an identity term) of an unconstrained qiskit-optimization QP."""
    op, offset = qp.to_ising()
    ham = op + SparsePauliOp("I" * num_qubits, [offset])
    return ham.simplify(atol=1e-12)


def penalised_qp(qp, penalty: float):
    """Constraints of a qiskit-optimization program folded into the objective with weight ``penalty``."""
    QuadraticProgramToQubo = require(  # noqa: N806
        "qiskit_optimization.converters", extra="data", purpose="problem encodings"
    ).QuadraticProgramToQubo

    return QuadraticProgramToQubo(penalty=penalty).convert(qp)


# ---------------------------------------------------------------------------------------------- graphs
def random_connected_graph(num_nodes: int, rng: np.random.Generator, p_range=(0.3, 0.8)) -> nx.Graph:
    """A connected Erdos-Renyi graph G(n, p), p drawn from ``p_range`` (redrawn until connected)."""
    nx = networkx()
    for _ in range(1000):
        p = float(rng.uniform(*p_range))
        g = nx.gnp_random_graph(num_nodes, p, seed=int(rng.integers(2**31)))
        if num_nodes == 1 or (g.number_of_edges() and nx.is_connected(g)):
            return g
    return nx.path_graph(num_nodes)


def random_graph_with_edges(
    num_edges: int, rng: np.random.Generator, max_degree: int = 3, min_nodes: int = 3
) -> nx.Graph:
    """A graph with exactly ``num_edges`` edges, no isolated node and degrees <= ``max_degree``."""
    nx = networkx()
    for _ in range(1000):
        nodes = int(rng.integers(max(min_nodes, int(np.ceil(2 * num_edges / max_degree))), num_edges + 2))
        g = nx.Graph()
        g.add_nodes_from(range(nodes))
        pairs = [(i, j) for i in range(nodes) for j in range(i + 1, nodes)]
        order = rng.permutation(len(pairs))
        for idx in order:
            i, j = pairs[int(idx)]
            if g.degree(i) < max_degree and g.degree(j) < max_degree:
                g.add_edge(i, j)
                if g.number_of_edges() == num_edges:
                    break
        if g.number_of_edges() == num_edges and all(d > 0 for _, d in g.degree()):
            return g
    raise DatasetError(f"could not draw a graph with {num_edges} edges and max degree {max_degree}")


def edge_list(graph: nx.Graph, weight: str | None = None) -> str:
    """Edges as text, ``(0, 1), (1, 2)`` or with weights ``(0, 1, w=3)``."""
    if weight is None:
        return ", ".join(f"({u}, {v})" for u, v in sorted(graph.edges()))
    return ", ".join(f"({u}, {v}, w={d[weight]:g})" for u, v, d in sorted(graph.edges(data=True)))


def sorted_edges(graph: nx.Graph) -> list[tuple[int, int]]:
    """Edges as sorted pairs in sorted order (the variable order of edge-based problems)."""
    return sorted((min(u, v), max(u, v)) for u, v in graph.edges())


def ints(values: Sequence) -> list[int]:
    """Plain ``int`` list (JSON-ready)."""
    return [int(v) for v in values]
