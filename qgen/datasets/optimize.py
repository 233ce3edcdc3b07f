"""Batched parameter optimisation of many circuits on qgen.sim, with the ground-state stop rule.

The stop rule follows the Agent-Q dataset (Jern et al. 2025, arXiv:2504.11109): a circuit is done as soon
as its most probable bitstring is a ground state; qgen also asks that its energy is already below the mean
energy of random parameters (so that a lucky start is not stored as "optimised"). Circuits whose rule has not
fired after one round of ``restarts`` parallel starts get further rounds with fresh starts (1 + 3 restarts in
the paper; here ``rounds * restarts`` starts at most). The best energy over all starts is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch
from qiskit.quantum_info import SparsePauliOp

from qgen.datasets.ansatze import AnsatzCircuit
from qgen.datasets.problems.exact import ExactSolution
from qgen.sim import CompiledBatch, GateList, train
from qgen.sim.losses import energy


@dataclass(frozen=True)
class TrainSettings:
    """How circuits are optimised (defaults tuned for throughput on CPUs; the paper used AdamW lr 0.01).

    Attributes:
        optimizer: a name in ``qgen.sim.OPTIMIZERS``.
        lr: learning rate.
        steps: step budget per start.
        restarts: parallel random starts per round.
        rounds: rounds of starts for circuits whose stop rule has not fired.
        patience: a start also ends when its energy has not improved by ``tol`` for this many steps.
        tol: improvement threshold of ``patience``.
        init_scale: initial parameters uniform in ``[-init_scale*pi, init_scale*pi)``.
        random_samples: random parameter draws for the random-parameter baseline energy.
        precision: ``"complex64"`` or ``"complex128"`` for training (stored values always use complex128).
        adapt_max_ops: ADAPT-VQE stops after this many operators per qubit.
        adapt_grad_tol: ADAPT-VQE stops when the pool gradient norm is below this (Grimsley et al. 2019).
        adapt_steps: optimisation steps after each ADAPT operator is added.
    """

    optimizer: str = "adam"
    lr: float = 0.05
    steps: int = 200
    restarts: int = 2
    rounds: int = 2
    patience: int = 40
    tol: float = 1e-5
    init_scale: float = 1.0
    random_samples: int = 16
    precision: str = "complex64"
    adapt_max_ops: float = 2.0
    adapt_grad_tol: float = 3e-3
    adapt_steps: int = 80

    def dtype(self) -> torch.dtype:
        """Torch dtype of ``precision``."""
        return torch.complex64 if self.precision == "complex64" else torch.complex128

    def to_dict(self) -> dict:
        """JSON-ready settings."""
        return asdict(self)


@dataclass
class GroupResult:
    """Optimised parameters of a group of circuits and how they got there."""

    params: list[np.ndarray]  # parameters of the stored circuits (``AnsatzCircuit.circuit``)
    energy: np.ndarray  # best training energy per circuit (training precision)
    converged: np.ndarray  # stop rule fired
    steps: np.ndarray  # optimisation steps of the best start of each round, summed
    starts: np.ndarray  # random starts used


def diagonals(hamiltonians: Sequence[SparsePauliOp]) -> np.ndarray:
    """Energies of every basis state ``(B, 2**n)`` of diagonal Hamiltonians (same qubit count)."""
    from qgen.datasets.problems.exact import diagonal_energies

    return np.stack([diagonal_energies(h) for h in hamiltonians])


def ground_masks(solutions: Sequence[ExactSolution]) -> torch.Tensor:
    """``(B, 2**n)`` booleans: True at the ground states of each instance."""
    n = solutions[0].num_qubits
    mask = torch.zeros(len(solutions), 2**n, dtype=torch.bool)
    for i, sol in enumerate(solutions):
        mask[i, torch.as_tensor(sol.ground_indices)] = True
    return mask


def random_mean_energies(
    circuits: Sequence[GateList], diag: np.ndarray, samples: int, seed: int, scale: float = 1.0
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of each circuit's energy over ``samples`` uniform random draws."""
    batch = CompiledBatch(list(circuits), torch.complex128, torch.device("cpu"))
    gen = torch.Generator().manual_seed(int(seed))
    energies = torch.as_tensor(diag)
    draws = []
    with torch.no_grad():
        for _ in range(samples):
            params = (
                torch.rand(batch.batch_size, batch.num_parameters, generator=gen, dtype=torch.float64) * 2 - 1
            )
            psi = batch.run(params * np.pi * scale)
            draws.append(((psi.real**2 + psi.imag**2) * energies).sum(-1))
    values = torch.stack(draws).numpy()
    return values.mean(0), values.std(0)


def make_stop(mask: torch.Tensor, threshold: torch.Tensor, margin: float = 1e-5):
    """Stop rule: the most probable bitstring is a ground state (by ``margin``) and the energy is below
    ``threshold``."""

    def stop(psi: torch.Tensor, loss: torch.Tensor, rows: torch.Tensor) -> torch.Tensor:
        probs = (psi.real**2 + psi.imag**2).detach().cpu().double()
        r = rows.cpu()
        m = mask[r]
        best_ground = probs.masked_fill(~m, -1.0).max(-1).values
        best_other = probs.masked_fill(m, -1.0).max(-1).values
        # a margin far above single-precision noise, so the complex128 evaluation agrees on the winner
        return (best_ground > best_other + margin) & (loss.detach().cpu().double() < threshold[r])

    return stop


def optimise_group(
    circuits: Sequence[AnsatzCircuit],
    hamiltonians: Sequence[SparsePauliOp],
    solutions: Sequence[ExactSolution],
    random_mean: np.ndarray,
    settings: TrainSettings,
    seed: int,
    init: Sequence[np.ndarray] | None = None,
    use_stop: bool = True,
    steps: int | None = None,
    rounds: int | None = None,
    restarts: int | None = None,
) -> GroupResult:
    """Optimise circuits of one qubit count at once with :func:`qgen.sim.train` (see module docstring).

    Args:
        circuits: the circuits (their ``trainable`` forms are trained).
        hamiltonians: the cost Hamiltonian of each circuit.
        solutions: exact solutions (ground states for the stop rule).
        random_mean: random-parameter mean energy per circuit (threshold of the stop rule).
        settings: optimiser settings.
        seed: seed of the random starts.
        init: starting trainable parameters per circuit (first start of the first round; ADAPT warm starts).
        use_stop: apply the stop rule (ADAPT's inner optimisations run to patience instead).
        steps, rounds, restarts: override the settings.

    Returns:
        A :class:`GroupResult`.
    """
    num = len(circuits)
    steps = settings.steps if steps is None else steps
    rounds = settings.rounds if rounds is None else rounds
    restarts = settings.restarts if restarts is None else restarts
    best = np.full(num, np.inf)
    params: list[np.ndarray] = [np.zeros(c.num_parameters) for c in circuits]
    converged = np.zeros(num, dtype=bool)
    used_steps = np.zeros(num, dtype=np.int64)
    starts = np.zeros(num, dtype=np.int64)
    mask = ground_masks(solutions)
    threshold = torch.as_tensor(np.asarray(random_mean, dtype=np.float64))
    todo = np.arange(num)
    for rnd in range(rounds):
        if todo.size == 0:
            break
        stop = make_stop(mask[todo], threshold[todo]) if use_stop else None
        given = None
        if init is not None and rnd == 0:
            given = [torch.as_tensor(np.asarray(init[i], dtype=np.float64)) for i in todo]
        res = train(
            [circuits[i].trainable for i in todo],
            energy([hamiltonians[i] for i in todo]),
            init=given if given is not None else "uniform",
            init_scale=settings.init_scale,
            optimizer=settings.optimizer,
            lr=settings.lr,
            steps=steps,
            stop=stop,
            tol=settings.tol,
            patience=settings.patience,
            restarts=restarts,
            seed=seed * 7919 + rnd,
            dtype=settings.dtype(),
        )
        for k, i in enumerate(todo):
            used_steps[i] += int(res.steps[k])
            starts[i] += restarts
            loss = float(res.loss[k])
            # a start that met the stop rule wins over lower energies of earlier rounds that did not
            if bool(res.converged[k]) or loss < best[i]:
                best[i] = loss
                params[i] = circuits[i].stored_parameters(res.params[k].detach().double().numpy())
            converged[i] |= bool(res.converged[k])
        todo = np.array([i for i in todo if not converged[i]], dtype=np.int64)
    return GroupResult(params, best, converged, used_steps, starts)
