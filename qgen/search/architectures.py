"""The architecture pool: unique circuits of a QAS search space (Sun et al., 2024) as a dataset kind.

This module registers the ``architectures`` kind with :data:`qgen.datasets.BUILDERS` (importing it is
enough; ``qgen dataset`` does); :mod:`qgen.search.pool_reader` reads such a folder back as a pool.

The whole pool is sampled once per process with :func:`qgen.search.pool.build_pool` (same space, size and
seed, same pool; uniqueness by structure holds across all shards) and each shard takes its slice of rows, so
``qgen dataset build architectures`` and ``qgen search pool`` give the same circuits in the same order, and
:func:`qgen.search.pool.load_pool` reads the dataset folder back as that :class:`~qgen.search.pool.Pool`.
Rows carry the structure (gate names and qubits), its hash, simple counts and OpenQASM 3 with symbolic
``input float[64] p00;`` ... parameters, the form ``qgen search`` exports its best circuits in.
"""

from __future__ import annotations

import functools
import os
import time
from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from qgen.datasets.builders import DatasetKind, register_kind
from qgen.datasets.errors import DatasetError
from qgen.errors import QgenError
from qgen.search.pool import Pool, build_pool
from qgen.search.space import SearchSpace

MAX_QUBITS = 64


@dataclass(frozen=True)
class ArchitectureConfig:
    """What an architecture-pool build contains (saved as ``build.json``).

    Attributes:
        qubits: circuit width (paper: 4 or 8).
        size: unique circuits in the pool (paper: 100,000).
        num_gates: gates per circuit (None: the paper's, 10 for 4 qubits and 20 for 8,
            :func:`qgen.search.tasks.base.default_space`).
        depth: depth limit (None: the default space's, 5).
        gate_pool: gate names (empty: the paper's {X, Y, Z, H, RX, RY, RZ, CNOT, CZ, U3, SWAP}).
        seed: sampler seed (and seed of the split).
        shard_size: circuits per shard.
        test_fraction: share of circuits in the ``test`` split (0: all ``train``).
    """

    qubits: int = 4
    size: int = 100_000
    num_gates: int | None = None
    depth: int | None = None
    gate_pool: tuple[str, ...] = ()
    seed: int = 0
    shard_size: int = 10_000
    test_fraction: float = 0.1

    def resolved(self) -> ArchitectureConfig:
        """Validated copy with the gate count, depth limit and gate pool filled in.

        Raises:
            DatasetError: bad width, size, shard size, test fraction, or a space that cannot exist.
        """
        from qgen.search.tasks.base import default_space

        if not 2 <= self.qubits <= MAX_QUBITS:
            raise DatasetError(f"qubits must be in 2..{MAX_QUBITS}, got {self.qubits}")
        if self.size < 1:
            raise DatasetError(f"pool size must be at least 1, got {self.size}")
        if self.shard_size < 1 or not 0 <= self.test_fraction < 1:
            raise DatasetError(
                f"shard size must be >= 1 (got {self.shard_size}) and test fraction in [0, 1) "
                f"(got {self.test_fraction})"
            )
        for name, value in (("num_gates", self.num_gates), ("depth", self.depth)):
            if value is not None and value < 1:
                raise DatasetError(f"{name} must be at least 1, got {value}")
        default = default_space(self.qubits)
        cfg = replace(
            self,
            num_gates=default.num_gates if self.num_gates is None else int(self.num_gates),
            depth=default.max_depth if self.depth is None else int(self.depth),
            gate_pool=tuple(self.gate_pool) or tuple(default.gate_pool),
        )
        cfg.space()  # the space must exist (gates fit in the depth, known gate names)
        return cfg

    def space(self) -> SearchSpace:
        """The search space of a resolved config.

        Raises:
            DatasetError: the space cannot exist (e.g. more gates than fit in the depth limit).
        """
        try:
            return SearchSpace(self.qubits, self.num_gates, self.depth, tuple(self.gate_pool))
        except QgenError as exc:
            raise DatasetError(f"no search space with these settings: {exc}") from None

    @property
    def num_shards(self) -> int:
        """Number of shards of the build."""
        return max(1, -(-self.size // self.shard_size))

    def shard_length(self, shard: int) -> int:
        """Circuits of shard ``shard`` (the unit of the progress bar)."""
        return max(0, min(self.shard_size, self.size - shard * self.shard_size))

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ArchitectureConfig:
        """Inverse of :meth:`to_dict`."""
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        if "gate_pool" in data:
            data["gate_pool"] = tuple(data["gate_pool"])
        return cls(**data)


@functools.lru_cache(maxsize=2)
def _cached_pool(space: SearchSpace, size: int, seed: int) -> tuple[Pool, float]:
    start = time.perf_counter()
    pool = build_pool(space, size, seed=seed)
    return pool, time.perf_counter() - start


def sample_pool(config: ArchitectureConfig) -> Pool:
    """The whole pool of a config (``build_pool(space, size, seed)``), sampled once per process.

    Raises:
        DatasetError: bad settings, or the space has fewer distinct circuits than ``size``.
    """
    cfg = config.resolved()
    try:
        return _cached_pool(cfg.space(), cfg.size, cfg.seed)[0]
    except QgenError as exc:
        raise DatasetError(str(exc)) from None


def splits(config: ArchitectureConfig) -> np.ndarray:
    """``(size,)`` booleans, True for circuits in the ``test`` split (seeded by the build seed)."""
    cfg = config.resolved()
    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, 0x5B117]))
    return rng.random(cfg.size) < cfg.test_fraction


def row_id(qubits: int, index: int, size: int) -> str:
    """Row id ``arch{qubits}-{index}`` (index zero-padded to at least 6 digits)."""
    return f"arch{qubits}-{index:0{max(6, len(str(size - 1)))}d}"


def pool_row(pool: Pool, index: int, split: str) -> dict:
    """The dataset row of circuit ``index`` of ``pool`` (QASM 3 with symbolic parameters)."""
    from qgen.circuits import dumps
    from qgen.search.encoding import circuit_depth
    from qgen.search.space import structure_key
    from qgen.sim.gates import GATES

    space = pool.space
    gatelist = pool.gatelist(index)
    names = [op.name for op in gatelist.ops]
    return {
        "id": row_id(space.num_qubits, index, len(pool)),
        "index": index,
        "split": split,
        "num_qubits": space.num_qubits,
        "num_gates": len(names),
        "depth": circuit_depth(space, pool.gates[index], pool.qubits[index]),
        "num_two_qubit": sum(GATES[n].num_qubits == 2 for n in names),
        "num_parameters": gatelist.num_parameters,
        "gates": names,
        "qubits": [list(op.qubits) for op in gatelist.ops],
        "structure_key": structure_key(gatelist),
        "qasm3": dumps(gatelist.to_qiskit(), version=3),
    }


def run_shard(config: ArchitectureConfig, shard: int) -> tuple[list[dict], dict]:
    """Rows of shard ``shard`` (its slice of the whole pool) and notes (seconds spent sampling the pool)."""
    cfg = config.resolved()
    pool = sample_pool(cfg)
    seconds = _cached_pool(cfg.space(), cfg.size, cfg.seed)[1]  # once per process, then cached
    test = splits(cfg)
    lo, hi = shard * cfg.shard_size, min(cfg.size, (shard + 1) * cfg.shard_size)
    rows = [pool_row(pool, i, "test" if test[i] else "train") for i in range(lo, hi)]
    return rows, {"pool_sampling_seconds": round(seconds, 3)}


def build_architectures(out: str | os.PathLike, config: ArchitectureConfig | None = None, **kwargs):
    """Build (or resume) a pool of unique search-space circuits in ``out`` (``kwargs``: ``run_build``).

    >>> # build_architectures("data/pool4-ds", ArchitectureConfig(qubits=4, size=100_000))
    """
    from qgen.datasets.runner import run_build

    return run_build("architectures", out, config or ArchitectureConfig(), **kwargs)


# ----------------------------------------------------------------------------------------- dataset kind
_S, _I = "string", "int64"
ARCHITECTURE_FIELDS: tuple[tuple[str, object, str], ...] = (
    ("id", _S, "unique row id: arch{qubits}-{index:06d}"),
    ("index", _I, "position in the pool (`build_pool(space, size, seed)` order; `load_pool` keeps it)"),
    ("split", _S, "train or test (seeded by the build seed)"),
    ("num_qubits", _I, "circuit width"),
    ("num_gates", _I, "gates (every circuit of a pool has the space's gate count)"),
    ("depth", _I, "circuit depth (at most the space's depth limit)"),
    ("num_two_qubit", _I, "two-qubit gates (cx, cz, swap)"),
    ("num_parameters", _I, "free angles: each rotation angle is its own parameter (p00, p01, ...)"),
    ("gates", ("list", _S), "gate names in circuit order (qgen.sim / Qiskit names)"),
    ("qubits", ("list", ("list", _I)), "qubits of each gate (cx: control, target)"),
    (
        "structure_key",
        _S,
        "SHA-1 hex of the structure (width, gate names and qubits; angles ignored): unique per row",
    ),
    ("qasm3", _S, "OpenQASM 3.0 with symbolic parameters (`input float[64] p00;` ...)"),
)


def _stats(g) -> dict:
    return {
        "rows": len(g),
        "qubits": f"{g.num_qubits.min()}-{g.num_qubits.max()}",
        "mean_gates": round(float(g.num_gates.mean()), 2),
        "mean_depth": round(float(g.depth.mean()), 2),
        "mean_two_qubit": round(float(g.num_two_qubit.mean()), 2),
        "mean_parameters": round(float(g.num_parameters.mean()), 2),
    }


def check_row(row: dict, atol: float = 0.0) -> tuple[list[str], dict[str, float]]:
    """Problems of one row (``qasm3`` must load and match the structure columns); no numeric deviations."""
    from qgen.circuits import load

    try:
        qc = load(row["qasm3"])
    except Exception as exc:  # noqa: BLE001 - report any failure as a row problem
        return [f"{row['id']}: qasm3 does not load: {str(exc).splitlines()[0]}"], {}
    found = {
        "num_qubits": qc.num_qubits,
        "gates": [inst.operation.name for inst in qc.data],
        "qubits": [[qc.find_bit(q).index for q in inst.qubits] for inst in qc.data],
        "num_gates": len(qc.data),
        "depth": qc.depth(),
        "num_parameters": len(qc.parameters),
    }
    problems = [
        f"{row['id']}: qasm3 has {key} {value}, the row says {row[key]}"
        for key, value in found.items()
        if value != row[key]
    ]
    return problems, {}


def config_from_options(o: dict) -> ArchitectureConfig:
    """The config of ``qgen dataset build architectures`` options (None: not given)."""
    cfg = ArchitectureConfig(seed=o.get("seed", 0), num_gates=o.get("gates"), depth=o.get("depth"))
    for key in ("qubits", "size", "shard_size"):
        if o.get(key) is not None:
            cfg = replace(cfg, **{key: o[key]})
    return cfg


def command_parts(cfg: ArchitectureConfig) -> list[str]:
    """The options that describe ``cfg`` on a command line."""
    parts = ["--qubits", str(cfg.qubits), "--size", str(cfg.size)]
    parts += ["--gates", str(cfg.num_gates)] if cfg.num_gates is not None else []
    return parts + (["--depth", str(cfg.depth)] if cfg.depth is not None else [])


KIND = register_kind(
    DatasetKind(
        name="architectures",
        description="unique circuits of a quantum architecture search space (the QAS / arch2vec pool), with "
        "symbolic OpenQASM 3",
        config_type=ArchitectureConfig,
        fields=ARCHITECTURE_FIELDS,
        run_shard=run_shard,
        title="qgen architecture pool (unique circuits of a quantum architecture search space)",
        license="apache-2.0",
        tags=("quantum-architecture-search", "arch2vec"),
        stats_keys=("num_two_qubit",),
        stats_columns=("num_qubits", "num_gates", "depth", "num_two_qubit", "num_parameters"),
        group_stats=_stats,
        check_row=check_row,
        guarantee=(
            "Every row is a distinct structure (`structure_key` is unique): the rows are "
            "`qgen.search.build_pool(space, size, seed)` in its order, and `qgen.search.load_pool(DIR)` "
            "(`--pool DIR` of `qgen search` and `qgen train arch2vec`) reads the folder back as that pool. "
            "`qgen dataset verify DIR` loads each `qasm3` with `qgen.load` (full validation) and checks its "
            "gates, qubits, depth and free parameters against the row."
        ),
        stats_note="Groups are circuits with the same number of two-qubit gates; `all` is the whole "
        "pool.\n\n",
        limitations=(
            "- Circuits are sampled uniformly from the space (the QAS paper's sampler: CNOT target "
            "(control + 1) mod n, depth limit by rejection), not drawn from applications; rotation "
            "angles are "
            "free parameters, not trained values.\n"
            "- Uniqueness is by structure (gate names and qubits in order); circuits that are equal as "
            "unitaries (e.g. commuting gates swapped) count as different."
        ),
        cli_options=("qubits", "gates", "depth"),
        config_from_options=config_from_options,
        command_parts=command_parts,
    )
)
