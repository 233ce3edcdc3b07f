"""Combinatorial optimisation problems as Ising Hamiltonians: the registry and one module per family.

>>> from qgen.datasets.problems import PROBLEMS, make_instance
>>> inst = make_instance("maxcut", 4, seed=0)
>>> inst.num_qubits, inst.hamiltonian.num_qubits
(4, 4)
"""

from __future__ import annotations

import numpy as np

from qgen.datasets.problems import (  # noqa: F401 - importing registers the families
    clique,
    edge_cover,
    graph_coloring,
    graph_partition,
    hamiltonian_path,
    hypergraph_maxcut,
    independent_set,
    knapsack,
    matching,
    max_3sat,
    maxcut,
    number_partition,
    set_cover,
    tsp,
    vertex_cover,
    weighted_maxcut,
)
from qgen.datasets.problems.base import Instance, Problem, hubo_to_ising, ising_from_z_terms
from qgen.datasets.problems.exact import ExactSolution, diagonal_energies, solve_exact
from qgen.datasets.problems.registry import PROBLEMS, register_problem

__all__ = [
    "PROBLEMS",
    "ExactSolution",
    "Instance",
    "Problem",
    "diagonal_energies",
    "hubo_to_ising",
    "ising_from_z_terms",
    "make_instance",
    "register_problem",
    "solve_exact",
]


def make_instance(problem: str, size: int, seed: int | np.random.SeedSequence = 0) -> Instance:
    """A random instance of ``problem`` with size parameter ``size`` (same seed, same instance).

    Raises:
        UnknownNameError: ``problem`` is not registered (the message lists the valid names).
        DatasetError: ``size`` is not a valid size of that family.
    """
    from qgen.datasets.errors import DatasetError

    fam = PROBLEMS[problem]
    valid = fam.sizes(64)
    if size not in valid:
        raise DatasetError(f"{problem} has no size {size}; valid sizes: {sorted(valid)[:12]}...")
    return fam.generate(size, np.random.default_rng(seed))
