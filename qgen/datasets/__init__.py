"""Datasets of circuits as Hugging Face datasets: optimisation problems with exact solutions and an
algorithm corpus from MQT Bench (the architecture-pool kind lives in :mod:`qgen.search.architectures`).

>>> from qgen.datasets import PROBLEMS, ANSATZE
>>> len(PROBLEMS) >= 12 and "qaoa" in ANSATZE
True

Build with :func:`build_optimization` / :func:`build_algorithms` (or ``qgen dataset build``), read with
:func:`load_dataset`. Dataset kinds: :mod:`qgen.datasets.builders` (:func:`register_kind`); columns:
``docs/datasets.md``. Optional dependencies (pyarrow, datasets, networkx, qiskit-optimization, mqt.bench,
pandas, yaml, huggingface_hub: ``pip install 'qgen[data]'``) are imported when used.
"""

from __future__ import annotations

import os

from qgen.datasets import algorithms, optimization  # noqa: E402, F401, I001  (register their kinds)
from qgen.datasets.adapt import adapt_vqe, operator_pool, pool_gradients
from qgen.datasets.algorithms import AlgorithmConfig, random_counterpart
from qgen.datasets.ansatze import ANSATZE, VQE_ANSATZE, AnsatzCircuit, build_ansatz, qaoa
from qgen.datasets.builders import BUILDERS, DatasetKind, register_kind
from qgen.datasets.errors import DatasetError, HubError, ShardError
from qgen.datasets.hub import push_to_hub
from qgen.datasets.io import load_dataset, read_table
from qgen.datasets.merge import MergeReport, merge
from qgen.datasets.optimization_plan import OptimizationConfig, plan
from qgen.datasets.optimize import TrainSettings, optimise_group
from qgen.datasets.problems import PROBLEMS, ExactSolution, Instance, Problem, make_instance, solve_exact
from qgen.datasets.runner import BuildReport, run_build
from qgen.datasets.shards import ShardSpec
from qgen.datasets.summary import info, statistics
from qgen.datasets.verify import VerifyReport, verify_dataset

__all__ = [
    "ANSATZE",
    "BUILDERS",
    "PROBLEMS",
    "VQE_ANSATZE",
    "AlgorithmConfig",
    "AnsatzCircuit",
    "BuildReport",
    "DatasetKind",
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
    "register_kind",
    "run_build",
    "solve_exact",
    "statistics",
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

