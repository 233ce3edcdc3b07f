"""Datasets of circuits as Hugging Face datasets: optimisation problems with exact solutions, an
algorithm corpus from MQT Bench, and pools of unique circuits of architecture search spaces.

>>> from qgen.datasets import PROBLEMS, ANSATZE
>>> len(PROBLEMS) >= 12 and "qaoa" in ANSATZE
True

Build with :func:`build_optimization` / :func:`build_algorithms` / :func:`build_architectures` (or
``qgen dataset build``), read with :func:`load_dataset`. Schemas: :mod:`qgen.datasets.schemas` and
``docs/datasets.md``.
"""

from __future__ import annotations

import os

from qgen.datasets.adapt import adapt_vqe, operator_pool, pool_gradients
from qgen.datasets.algorithms import AlgorithmConfig, random_counterpart
from qgen.datasets.ansatze import ANSATZE, VQE_ANSATZE, AnsatzCircuit, build_ansatz, qaoa
from qgen.datasets.architectures import ArchitectureConfig
from qgen.datasets.builders import BUILDERS
from qgen.datasets.errors import DatasetError, HubError, ShardError
from qgen.datasets.hub import push_to_hub
from qgen.datasets.io import info, load_dataset, read_table
from qgen.datasets.merge import MergeReport, merge
from qgen.datasets.optimization_plan import OptimizationConfig, plan
from qgen.datasets.optimize import TrainSettings, optimise_group
from qgen.datasets.problems import PROBLEMS, ExactSolution, Instance, Problem, make_instance, solve_exact
from qgen.datasets.runner import BuildReport, run_build
from qgen.datasets.shards import ShardSpec
from qgen.datasets.verify import VerifyReport, verify_dataset

__all__ = [
    "ANSATZE",
    "BUILDERS",
    "PROBLEMS",
    "VQE_ANSATZE",
    "AlgorithmConfig",
    "ArchitectureConfig",
    "AnsatzCircuit",
    "BuildReport",
    "DatasetError",
    "ExactSolution",
    "HubError",
    "Instance",
    "MergeReport",
    "OptimizationConfig",
    "Problem",
    "ShardError",
    "ShardSpec",
    "TrainSettings",
    "VerifyReport",
    "adapt_vqe",
    "build_algorithms",
    "build_architectures",
    "build_ansatz",
    "build_optimization",
    "info",
    "load_dataset",
    "make_instance",
    "merge",
    "operator_pool",
    "optimise_group",
    "plan",
    "pool_gradients",
    "push_to_hub",
    "qaoa",
    "random_counterpart",
    "read_table",
    "run_build",
    "solve_exact",
    "verify_dataset",
]


def build_optimization(
    out: str | os.PathLike, config: OptimizationConfig | None = None, **kwargs
) -> BuildReport:
    """Build (or resume) the optimisation dataset in ``out``; ``kwargs`` go to :func:`run_build`.

    >>> # build_optimization("data/opt", OptimizationConfig(size=100, max_qubits=8, seed=1), workers=2)
    """
    return run_build("optimization", out, config or OptimizationConfig(), **kwargs)


def build_algorithms(out: str | os.PathLike, config: AlgorithmConfig | None = None, **kwargs) -> BuildReport:
    """Build (or resume) the MQT Bench algorithm corpus in ``out``; ``kwargs`` go to :func:`run_build`."""
    return run_build("algorithms", out, config or AlgorithmConfig(), **kwargs)


def build_architectures(
    out: str | os.PathLike, config: ArchitectureConfig | None = None, **kwargs
) -> BuildReport:
    """Build (or resume) a pool of unique search-space circuits in ``out`` (``kwargs``: :func:`run_build`).

    >>> # build_architectures("data/pool4-ds", ArchitectureConfig(qubits=4, size=100_000))
    """
    return run_build("architectures", out, config or ArchitectureConfig(), **kwargs)
