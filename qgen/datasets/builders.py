"""The dataset kinds a build can make (a registry): optimisation circuits, the algorithm corpus, pools.

A builder knows its config type, how many shards a config has, how to make the rows of one shard and the
Arrow schema of the rows. :mod:`qgen.datasets.shards` runs any builder with resume, ``--shard i/N``,
workers and progress; adding a kind is one ``BUILDERS.register`` call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from qgen.registry import Registry


@dataclass(frozen=True)
class Builder:
    """One dataset kind."""

    name: str
    description: str
    config_type: type
    schema: pa.Schema
    fields: tuple[tuple[str, pa.DataType, str], ...]
    run_shard: Callable[[Any, int], list[dict]]
    stats_keys: tuple[str, ...]  # columns the card's statistics table groups by


BUILDERS: Registry[Builder] = Registry("dataset kind")


def _register() -> None:
    from qgen.datasets import algorithms, architectures, optimization
    from qgen.datasets.optimization_plan import OptimizationConfig
    from qgen.datasets.schemas import (
        ALGORITHM_FIELDS,
        ALGORITHM_SCHEMA,
        ARCHITECTURE_FIELDS,
        ARCHITECTURE_SCHEMA,
        OPTIMIZATION_FIELDS,
        OPTIMIZATION_SCHEMA,
    )

    BUILDERS.register(
        "optimization",
        Builder(
            "optimization",
            "optimised QAOA / VQE / ADAPT-VQE circuits for combinatorial problems with exact solutions",
            OptimizationConfig,
            OPTIMIZATION_SCHEMA,
            OPTIMIZATION_FIELDS,
            optimization.run_shard,
            ("problem", "ansatz"),
        ),
    )
    BUILDERS.register(
        "algorithms",
        Builder(
            "algorithms",
            "MQT Bench algorithm circuits (QASM 2 and 3, profiles) with random counterparts",
            algorithms.AlgorithmConfig,
            ALGORITHM_SCHEMA,
            ALGORITHM_FIELDS,
            algorithms.run_shard,
            ("family", "level"),
        ),
    )
    BUILDERS.register(
        "architectures",
        Builder(
            "architectures",
            "unique circuits of a quantum architecture search space (the QAS / arch2vec pool), with "
            "symbolic OpenQASM 3",
            architectures.ArchitectureConfig,
            ARCHITECTURE_SCHEMA,
            ARCHITECTURE_FIELDS,
            architectures.run_shard,
            ("num_two_qubit",),
        ),
    )


_register()
