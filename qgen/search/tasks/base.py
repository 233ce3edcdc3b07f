"""The search-task interface: score many candidate circuits at once by training their parameters.

A task turns a batch of candidate circuits into rewards in [0, 1] (higher is better): it trains every
candidate's parameters with :func:`qgen.sim.train` (the QAS paper: Adagrad, step 0.5, at most 50 steps), all
candidates in one batch, and maps each best loss to a reward. Initial parameters are drawn per circuit from a
seed made of the task's ``init_seed`` and the circuit's structure hash, so a circuit's reward does not depend
on the batch it was scored in: a reward can be cached per structure, and scoring a pool once per task gives a
tabular benchmark (the NAS-Bench-101 protocol).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit

from qgen.registry import Registry
from qgen.search.errors import TaskError
from qgen.search.space import SearchSpace, structure_key
from qgen.sim.gatelist import GateList
from qgen.sim.training import LossFn, train


@dataclass
class Scores:
    """Rewards of a batch of candidates.

    Attributes:
        reward: ``(B,)`` task reward in [0, 1] (see the task's ``metric``).
        loss: ``(B,)`` best training loss (energy, infidelity, cross-entropy, ...).
        params: trained parameters of each candidate (the ones that gave ``loss``).
    """

    reward: np.ndarray
    loss: np.ndarray
    params: list[np.ndarray]


def structure_seed(circuit: GateList, init_seed: int) -> np.random.Generator:
    """The generator of a circuit's initial parameters: seeded by ``init_seed`` and its structure hash."""
    return np.random.default_rng([int(init_seed), int(structure_key(circuit)[:15], 16)])


def initial_params(circuits: Sequence[GateList], init_seed: int) -> list[np.ndarray]:
    """Initial angles of each circuit, uniform in [-pi, pi), independent of the batch they are in."""
    return [structure_seed(c, init_seed).uniform(-np.pi, np.pi, c.num_parameters) for c in circuits]


@dataclass
class Task(ABC):
    """A search task: a loss to train candidates on and a reward to rank them.

    Attributes:
        name: registry name.
        num_qubits: circuit width.
        threshold: the paper's reward threshold (a candidate above it is a "good" circuit).
        strict_threshold: a stricter reward level (random search needs >= 200 evaluations on average).
        metric: what the reward is, in words.
        steps, lr, optimizer: parameter training per candidate (paper: 50 Adagrad steps of 0.5).
        init_seed: seed of the per-structure initial parameters.
    """

    name: str
    num_qubits: int
    threshold: float
    strict_threshold: float
    metric: str
    steps: int = 50
    lr: float = 0.5
    optimizer: str = "adagrad"
    init_seed: int = 0
    info: dict = field(default_factory=dict)

    @abstractmethod
    def loss(self) -> LossFn:
        """The per-circuit loss of :func:`qgen.sim.train` (lower is better)."""

    @abstractmethod
    def reward_from_loss(self, loss: np.ndarray) -> np.ndarray:
        """Map best losses to rewards (clipped to >= 0)."""

    def prepare(self, circuits: Sequence[GateList]) -> list[GateList]:
        """The circuits :func:`qgen.sim.train` runs (the candidates themselves by default)."""
        return list(circuits)

    def check_qubits(self, circuits: Sequence[GateList]) -> None:
        """Raise :class:`TaskError` for a circuit whose width is not the task's."""
        for c in circuits:
            if c.num_qubits != self.num_qubits:
                raise TaskError(
                    f"task {self.name!r} is for {self.num_qubits} qubits; got a {c.num_qubits}-qubit circuit"
                )

    def score(
        self,
        circuits: Sequence[GateList],
        *,
        dtype: torch.dtype = torch.complex128,
        device: str = "cpu",
        progress: bool = False,
    ) -> Scores:
        """Train every candidate (one batch) and return rewards, best losses and trained parameters."""
        if not circuits:
            return Scores(np.zeros(0), np.zeros(0), [])
        self.check_qubits(circuits)
        init = initial_params(circuits, self.init_seed)
        if all(len(p) == 0 for p in init):  # nothing to train: evaluate the loss once
            from qgen.sim.api import statevector

            prepared = self.prepare(circuits)
            psi = statevector(prepared, torch.zeros(len(prepared), 0), dtype=dtype, device=device)
            loss = self.loss()(psi, torch.arange(len(prepared))).detach().cpu().numpy().astype(np.float64)
            params = [np.zeros(0) for _ in circuits]
            return Scores(self.rewards(circuits, loss, params), loss, params)
        res = train(
            self.prepare(circuits),
            self.loss(),
            init=[torch.as_tensor(p) for p in init],
            optimizer=self.optimizer,
            lr=self.lr,
            steps=self.steps,
            seed=self.init_seed,
            dtype=dtype,
            device=device,
            progress=progress,
        )
        loss = res.loss.numpy().astype(np.float64)
        params = [p.numpy().astype(np.float64) for p in res.params]
        return Scores(self.rewards(circuits, loss, params), loss, params)

    def rewards(self, circuits: Sequence[GateList], loss: np.ndarray, params: list[np.ndarray]) -> np.ndarray:
        """Rewards of trained candidates (from their best losses by default)."""
        return self.reward_from_loss(loss)

    def params_width(self, space: SearchSpace) -> int:
        """Room for one circuit's trained values in a reward table (3 angles per gate of ``space``)."""
        return 3 * space.num_gates

    def named_values(self, circuit: GateList, params: np.ndarray) -> dict[str, float]:
        """Trained values of a candidate by the exported circuit's parameter names (for :meth:`evaluate`)."""
        names = [p.name for p in circuit.to_qiskit().parameters]
        return dict(zip(names, np.asarray(params).tolist(), strict=True))

    @abstractmethod
    def evaluate(self, circuit: QuantumCircuit, values: dict[str, float]) -> float:
        """Reward of an exported circuit with bound values, recomputed without :func:`train`."""

    def export(self, circuit: GateList) -> QuantumCircuit:
        """The Qiskit circuit a found candidate leaves as (symbolic parameters)."""
        return circuit.to_qiskit()

    def report(self, circuit: QuantumCircuit, values: dict[str, float]) -> dict:
        """Extra figures of an exported circuit for the results (none by default; e.g. a test accuracy)."""
        return {}

    def describe(self) -> dict:
        """JSON-ready description (name, qubits, thresholds, metric, training settings, extra info)."""
        return {
            "name": self.name,
            "num_qubits": self.num_qubits,
            "threshold": self.threshold,
            "strict_threshold": self.strict_threshold,
            "metric": self.metric,
            "training": {
                "optimizer": self.optimizer,
                "lr": self.lr,
                "steps": self.steps,
                "init_seed": self.init_seed,
            },
            **self.info,
        }


@dataclass(frozen=True)
class TaskOption:
    """An option a task takes (``qgen search --task-option NAME=VALUE``).

    Attributes:
        name: keyword of the task builder.
        type: converts the command-line text (``int``, ``float``, ``str``, ``Path``, ...).
        default: the builder's default (shown in ``qgen search tasks``).
        help: one line.
    """

    name: str
    type: Callable[[str], Any] = str
    default: Any = None
    help: str = ""

    def parse(self, text: str) -> Any:
        """The value of ``text``.

        Raises:
            TaskError: ``text`` is not a value of :attr:`type`.
        """
        try:
            return self.type(text)
        except (TypeError, ValueError):
            kind = getattr(self.type, "__name__", str(self.type))
            raise TaskError(
                f"task option {self.name!r} expects a value of type {kind}, got {text!r}"
            ) from None


@dataclass(frozen=True)
class TaskInfo:
    """A registered task: a builder ``build(num_qubits, **options) -> Task``, what it is, its options."""

    name: str
    summary: str
    qubits: tuple[int, ...] | None
    build: Callable[..., Task]
    options: tuple[TaskOption, ...] = ()

    @property
    def option_names(self) -> tuple[str, ...]:
        """Names of the options."""
        return tuple(o.name for o in self.options)

    def parse_options(self, items: Sequence[str]) -> dict[str, Any]:
        """``["NAME=VALUE", ...]`` -> typed options (each checked against the declared ones).

        Raises:
            TaskError: an item without ``=``, an unknown name (the message lists the valid ones), or a value
                of the wrong type.
        """
        declared = {o.name: o for o in self.options}
        out: dict[str, Any] = {}
        for item in items:
            name, sep, text = item.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or not name:
                raise TaskError(f"--task-option expects NAME=VALUE, got {item!r}")
            if name not in declared:
                valid = ", ".join(declared) or "none"
                raise TaskError(f"task {self.name!r} has no option {name!r}; valid options: {valid}")
            out[name] = declared[name].parse(text.strip())
        return out


TASKS: Registry[TaskInfo] = Registry("search task")

PAPER_SPACES = {4: SearchSpace(4, 10, 5), 8: SearchSpace(8, 20, 5)}


def default_space(num_qubits: int) -> SearchSpace:
    """The paper's search space for 4 or 8 qubits; other widths: 2.5 gates per qubit, depth <= 5."""
    if num_qubits in PAPER_SPACES:
        return PAPER_SPACES[num_qubits]
    gates = max(2, int(round(2.5 * num_qubits)))
    return SearchSpace(num_qubits, gates, max(5, -(-gates // num_qubits)))


def register_task(
    name: str,
    summary: str,
    qubits: tuple[int, ...] | None = None,
    options: Sequence[TaskOption | str] = (),
) -> Callable[[Callable[..., Task]], Callable[..., Task]]:
    """Decorator: register a task builder in :data:`TASKS` with the options it declares.

    A plain string option is a :class:`TaskOption` of type ``str`` without help.
    """
    declared = tuple(o if isinstance(o, TaskOption) else TaskOption(o) for o in options)

    def add(build: Callable[..., Task]) -> Callable[..., Task]:
        TASKS.register(name, TaskInfo(name, summary, qubits, build, declared))
        return build

    return add


def make_task(name: str, num_qubits: int, **options) -> Task:
    """Build a registered task for ``num_qubits`` qubits.

    Raises:
        UnknownNameError: no such task (the message lists them).
        TaskError: the task does not exist at this width, or an option is wrong.
    """
    info = TASKS[name]
    if info.qubits is not None and num_qubits not in info.qubits:
        raise TaskError(
            f"task {name!r} is defined for {', '.join(map(str, info.qubits))} qubits, not {num_qubits}"
        )
    unknown = [k for k, v in options.items() if v is not None and k not in info.option_names]
    if unknown:
        raise TaskError(
            f"task {name!r} takes no option(s) {unknown}; it takes {list(info.option_names) or 'none'}"
        )
    return info.build(num_qubits, **{k: v for k, v in options.items() if v is not None})
