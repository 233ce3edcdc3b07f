"""Deep-Q against stable-baselines3's DQN at equal training time (``compare_learners``).

Both learners train on the same environment for the same wall-clock time and are scored by
``evaluation.greedy_rollouts`` on the same scrambles. Needs the ``rl`` extra (gymnasium, stable-baselines3).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import torch

from qgen.compiler.synthesis.bases import get_basis
from qgen.compiler.synthesis.rl.evaluation import eval_targets, greedy_rollouts, summarize
from qgen.compiler.synthesis.rl.model import DeepQConfig, DeepQModel
from qgen.compiler.synthesis.rl.trainer import DeepQTrainer
from qgen.optional import require


def train_deepq_for(
    config: DeepQConfig, seconds: float, device: str | torch.device = "cpu"
) -> tuple[DeepQModel, dict[str, Any]]:
    """Train deep-Q for a wall-clock budget; returns the model and a small training report."""
    trainer = DeepQTrainer(config, device=device)
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        trainer.step()
    report = {
        "seconds": time.perf_counter() - start,
        "updates": trainer.iteration,
        "states_seen": trainer.iteration * config.batch_size,
        "final_walk": trainer.walk,
        "target_refreshes": trainer.updates,
    }
    return trainer.model(), report


def train_dqn_for(
    basis: str,
    seconds: float,
    *,
    eps: float = 1e-2,
    cost: str = "gate",
    walk_lengths: tuple[int, int] = (1, 10),
    max_steps: int = 30,
    seed: int = 0,
    device: str = "cpu",
    dqn_kwargs: dict[str, Any] | None = None,
    warmup_steps: int = 2000,
) -> tuple[Any, dict[str, Any]]:
    """Train stable-baselines3's DQN on ``SynthesisEnv`` for a wall-clock budget.

    The exploration schedule is set for the number of steps that fit in the budget (measured on a
    calibration run of ``warmup_steps`` that is not counted), so the epsilon-greedy decay completes.
    Defaults are SB3's except a [256, 256] MLP, learning starts after 1,000 steps, a target update every
    1,000 steps (SB3's 10,000 suits Atari-length runs) and exploration over the first 30% of the steps.

    Returns:
        ``(model, report)``; ``model.predict(obs, deterministic=True)`` is the greedy policy.
    """
    sb3 = require("stable_baselines3", extra="rl", purpose="the DQN baseline")
    DQN = sb3.DQN  # noqa: N806 - the library's class name
    BaseCallback = require("stable_baselines3.common.callbacks", extra="rl").BaseCallback  # noqa: N806

    from qgen.compiler.synthesis.rl.env import SynthesisEnv

    env = SynthesisEnv(basis, eps=eps, cost=cost, max_steps=max_steps, walk_lengths=walk_lengths)
    env.reset(seed=seed)
    kwargs: dict[str, Any] = {
        "learning_starts": 1000,
        "target_update_interval": 1000,
        "exploration_fraction": 0.3,
        "policy_kwargs": {"net_arch": [256, 256]},
    }
    kwargs.update(dqn_kwargs or {})

    class _Deadline(BaseCallback):
        def __init__(self, stop_at: float) -> None:
            super().__init__()
            self.stop_at = stop_at

        def _on_step(self) -> bool:
            return time.perf_counter() < self.stop_at

    # calibration run (not counted in the budget): how many steps fit, so the exploration decay completes
    warm = DQN("MlpPolicy", env, seed=seed, device=device, verbose=0, **kwargs)
    t0 = time.perf_counter()
    warm.learn(total_timesteps=warmup_steps)
    rate = warmup_steps / max(time.perf_counter() - t0, 1e-6)
    total = max(int(rate * seconds), warmup_steps)
    env.reset(seed=seed)
    start = time.perf_counter()
    model = DQN("MlpPolicy", env, seed=seed, device=device, verbose=0, **kwargs)
    model.learn(total_timesteps=total, callback=_Deadline(start + seconds))
    report = {"seconds": time.perf_counter() - start, "env_steps": int(model.num_timesteps), "planned": total}
    return model, report


def compare_learners(
    basis: str = "clifford_t",
    seconds: float = 60.0,
    *,
    eps: float = 1e-2,
    cost: str = "gate",
    max_walk: int = 10,
    per_length: int = 50,
    seed: int = 0,
    deepq_kwargs: dict[str, Any] | None = None,
    device: str = "cpu",
) -> dict[str, Any]:
    """Deep-Q (approximate value iteration) against SB3's DQN at equal training time.

    Both see targets from reverse random walks of length 1..``max_walk`` in the same environment; both are
    evaluated greedily on the same ``per_length`` scrambles of every length 1..``max_walk`` with
    ``2 * max_walk`` gates allowed.

    Returns:
        ``{"deepq": {...}, "dqn": {...}, "settings": {...}}`` with success rates, mean lengths and training
        reports.
    """
    b = get_basis(basis)
    cfg = DeepQConfig(basis=basis, cost=cost, eps=eps, max_walk=max_walk, seed=seed, **(deepq_kwargs or {}))
    model, deepq_report = train_deepq_for(cfg, seconds, device=device)
    dqn, dqn_report = train_dqn_for(
        basis, seconds, eps=eps, cost=cost, walk_lengths=(1, max_walk), max_steps=2 * max_walk, seed=seed
    )
    targets, lens = eval_targets(b, list(range(1, max_walk + 1)), per_length, seed + 1)
    steps = 2 * max_walk

    def dqn_policy(obs: np.ndarray) -> np.ndarray:
        return dqn.predict(obs, deterministic=True)[0]

    ours = greedy_rollouts(model.policy, b, targets, eps, steps, cost)
    base = greedy_rollouts(dqn_policy, b, targets, eps, steps, cost)
    both = ours["success"] & base["success"]
    result = {
        "settings": {
            "basis": basis,
            "cost": cost,
            "eps": eps,
            "seconds_each": seconds,
            "max_walk": max_walk,
            "targets": len(targets),
            "max_steps": steps,
            "seed": seed,
            "metric": "success: d = sqrt(1 - |tr(U^dag V)/2^n|^2) <= eps within max_steps greedy gates",
        },
        "deepq": {**summarize(ours, lens), "training": deepq_report},
        "dqn": {**summarize(base, lens), "training": dqn_report},
        "both_solved": int(both.sum()),
        "mean_length_both_solved": {
            "deepq": float(ours["length"][both].mean()) if both.any() else float("nan"),
            "dqn": float(base["length"][both].mean()) if both.any() else float("nan"),
        },
        "success_by_length": {
            "deepq": [float(ours["success"][lens == k].mean()) for k in range(1, max_walk + 1)],
            "dqn": [float(base["success"][lens == k].mean()) for k in range(1, max_walk + 1)],
        },
    }
    return result
