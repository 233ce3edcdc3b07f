"""Settings and the deterministic plan of an optimisation-dataset build (which row is what, which shard).

The plan depends only on the config (never on ``--workers`` or ``--shard``): row ``i`` draws its problem,
size, method, ansatz, layers and split from a generator seeded by ``(seed, i)``. Rows are then ordered by
(method, qubits, ansatz, layers) so that a shard holds similar circuits (they train well in one batch), and
cut into contiguous shards of ``shard_size`` rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace

import numpy as np

from qgen.datasets.ansatze import ANSATZE, VQE_ANSATZE
from qgen.datasets.errors import DatasetError
from qgen.datasets.optimize import TrainSettings
from qgen.datasets.problems import PROBLEMS

METHODS = ("qaoa", "vqe", "adapt")
MAX_QUBITS_LIMIT = 20


@dataclass(frozen=True)
class OptimizationConfig:
    """Everything that decides the rows of an optimisation build (saved as ``build.json``).

    Attributes:
        size: number of rows (circuits).
        max_qubits, min_qubits: qubit range of the instances.
        problems: problem families (empty: all registered).
        methods: ``(method, weight)`` pairs: the share of QAOA, VQE and ADAPT-VQE rows.
        ansatze: VQE ansatze to draw from (empty: all).
        max_layers: QAOA p and VQE layers are drawn from 1..max_layers.
        seed: build seed.
        shard_size: rows per shard (the unit of work, resume and ``--shard``).
        test_fraction: share of rows in the held-out ``test`` split.
        top_k: how many of the most probable bitstrings each row stores.
        train: optimiser settings.
    """

    size: int = 1000
    max_qubits: int = 10
    min_qubits: int = 3
    problems: tuple[str, ...] = ()
    methods: tuple[tuple[str, float], ...] = (("qaoa", 0.4), ("vqe", 0.45), ("adapt", 0.15))
    ansatze: tuple[str, ...] = ()
    max_layers: int = 4
    seed: int = 0
    shard_size: int = 50
    test_fraction: float = 0.1
    top_k: int = 16
    train: TrainSettings = field(default_factory=TrainSettings)

    def resolved(self) -> OptimizationConfig:
        """Validated copy with empty lists filled in.

        Raises:
            DatasetError / UnknownNameError: a setting is out of range or names something unknown.
        """
        if self.size < 1:
            raise DatasetError(f"--size must be at least 1, got {self.size}")
        if not 1 <= self.min_qubits <= self.max_qubits <= MAX_QUBITS_LIMIT:
            raise DatasetError(
                f"need 1 <= min qubits ({self.min_qubits}) <= max qubits ({self.max_qubits}) <= "
                f"{MAX_QUBITS_LIMIT}"
            )
        if self.shard_size < 1:
            raise DatasetError(f"shard size must be at least 1, got {self.shard_size}")
        if not 0.0 <= self.test_fraction < 1.0:
            raise DatasetError(f"test fraction must be in [0, 1), got {self.test_fraction}")
        if self.max_layers < 1:
            raise DatasetError(f"max layers must be at least 1, got {self.max_layers}")
        if self.problems:
            problems = tuple(self.problems)
            for name in problems:
                if not self._sizes(name):
                    raise DatasetError(
                        f"problem {name!r} has no instance with {self.min_qubits}..{self.max_qubits} qubits"
                    )
        else:  # every family that fits the qubit range
            problems = tuple(name for name in PROBLEMS if self._sizes(name))
            if not problems:
                raise DatasetError(f"no problem family fits {self.min_qubits}..{self.max_qubits} qubits")
        for name, weight in self.methods:
            if name not in METHODS:
                raise DatasetError(f"unknown method {name!r}; valid: {', '.join(METHODS)}")
            if weight <= 0:
                raise DatasetError(f"method {name!r} needs a positive weight, got {weight}")
        ansatze = tuple(self.ansatze) or VQE_ANSATZE
        for name in ansatze:
            if ANSATZE[name].method != "vqe":
                raise DatasetError(f"{name!r} is not a VQE ansatz; VQE ansatze: {', '.join(VQE_ANSATZE)}")
        return replace(self, problems=tuple(sorted(problems)), ansatze=tuple(ansatze))

    def _sizes(self, problem: str) -> dict[int, int]:
        return {s: q for s, q in PROBLEMS[problem].sizes(self.max_qubits).items() if q >= self.min_qubits}

    def to_dict(self) -> dict:
        """JSON-ready dict (round-trips through :meth:`from_dict`)."""
        out = asdict(self)
        out["methods"] = [list(m) for m in self.methods]
        return out

    @classmethod
    def from_dict(cls, data: dict) -> OptimizationConfig:
        """Inverse of :meth:`to_dict`."""
        data = dict(data)
        data["train"] = TrainSettings(**data.get("train", {}))
        data["methods"] = tuple((str(m), float(w)) for m, w in data.get("methods", ()))
        for key in ("problems", "ansatze"):
            data[key] = tuple(data.get(key, ()))
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    @property
    def num_shards(self) -> int:
        """Number of shards of the build."""
        return -(-self.size // self.shard_size)

    def shard_length(self, shard: int) -> int:
        """Rows of shard ``shard`` (the unit of the progress bar)."""
        return max(0, min(self.shard_size, self.size - shard * self.shard_size))


@dataclass(frozen=True)
class Task:
    """One planned row."""

    index: int
    problem: str
    size: int
    num_qubits: int
    method: str
    ansatz: str
    layers: int
    split: str

    def instance_seed(self, seed: int) -> np.random.SeedSequence:
        """Seed of the row's problem instance."""
        return np.random.SeedSequence([seed, self.index, 1])


def plan(config: OptimizationConfig) -> list[Task]:
    """All rows of the build, in shard order (see the module docstring)."""
    cfg = config.resolved()
    names = [m for m, _ in cfg.methods]
    weights = np.array([w for _, w in cfg.methods], dtype=float)
    weights /= weights.sum()
    tasks = []
    for i in range(cfg.size):
        rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, i, 0]))
        problem = cfg.problems[int(rng.integers(len(cfg.problems)))]
        sizes = cfg._sizes(problem)
        keys = sorted(sizes)
        size = keys[int(rng.integers(len(keys)))]
        method = names[int(rng.choice(len(names), p=weights))]
        if method == "qaoa":
            ansatz, layers = "qaoa", int(rng.integers(1, cfg.max_layers + 1))
        elif method == "vqe":
            ansatz = cfg.ansatze[int(rng.integers(len(cfg.ansatze)))]
            low = min(ANSATZE[ansatz].min_layers, cfg.max_layers)
            layers = int(rng.integers(low, cfg.max_layers + 1))
        else:
            ansatz, layers = "adapt", 0
        split = "test" if rng.random() < cfg.test_fraction else "train"
        tasks.append(Task(i, problem, size, sizes[size], method, ansatz, layers, split))
    order = {m: k for k, m in enumerate(METHODS)}
    tasks.sort(key=lambda t: (order[t.method], t.num_qubits, t.ansatz, t.layers, t.index))
    return tasks


def shard_tasks(config: OptimizationConfig, shard: int) -> list[Task]:
    """The rows of shard ``shard``."""
    tasks = plan(config)
    return tasks[shard * config.shard_size : (shard + 1) * config.shard_size]
