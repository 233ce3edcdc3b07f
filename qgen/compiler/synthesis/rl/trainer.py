"""DeepCubeA-style approximate value iteration that trains the deep-Q synthesis network (``model.py``).

States come from reverse random walks from the identity that never undo the previous gate, with a
curriculum on the walk length; the target is the one-step Bellman backup over *all* actions,

    y(R, a) = c(a) + [d(R g_a^dag, I) > eps] * min_a' Q_target(R g_a^dag, a'),

and the target network is refreshed when the loss falls below a threshold (or after ``max_target_age``
checks). DeepCubeA: Agostinelli et al., Nature Machine Intelligence 2019.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
import torch

from qgen.compiler.synthesis.bases import get_basis
from qgen.compiler.synthesis.errors import CheckpointError
from qgen.compiler.synthesis.rl.evaluation import greedy_rollouts
from qgen.compiler.synthesis.rl.features import ptm_matrices
from qgen.compiler.synthesis.rl.model import DeepQConfig, DeepQModel, build_network
from qgen.compiler.synthesis.rl.walks import random_walks
from qgen.compiler.synthesis.unitaries import haar_unitaries


class DeepQTrainer:
    """Approximate value iteration on reverse random walks (see the module docstring).

    Args:
        config: settings (validated here).
        device: torch device for the networks.
    """

    def __init__(self, config: DeepQConfig, device: torch.device | str = "cpu") -> None:
        self.config = config.validate()
        self.device = torch.device(device)
        self.basis = get_basis(config.basis)
        torch.manual_seed(config.seed)
        self.rng = np.random.default_rng(config.seed)
        self.online = build_network(config).to(self.device)
        self.target = build_network(config).to(self.device)
        self.target.load_state_dict(self.online.state_dict())
        self.target.eval()
        self.optimizer = torch.optim.Adam(self.online.parameters(), lr=config.lr)
        self.scheduler = torch.optim.lr_scheduler.ExponentialLR(self.optimizer, gamma=config.lr_decay)
        self.costs = self.basis.costs(config.cost)
        self.costs_t = torch.as_tensor(self.costs, dtype=torch.float32, device=self.device)
        self.gate_ptm = ptm_matrices(np.conj(np.transpose(self.basis.matrices, (0, 2, 1))))  # PTM(g_a^dag)
        self.iteration = 0
        self.walk = config.start_walk
        self.target_age = 0
        self.updates = 0
        self.losses: list[float] = []
        self.history: list[dict[str, float]] = []

    def sample_states(self, count: int) -> np.ndarray:
        """Training states: walks of length 0..current max, plus the Haar fraction."""
        n_haar = int(round(count * self.config.haar_fraction))
        lengths = self.rng.integers(0, self.walk + 1, size=count - n_haar)
        states, _ = random_walks(self.basis, lengths, self.rng)
        if n_haar:
            states = np.concatenate([states, haar_unitaries(self.basis.num_qubits, n_haar, self.rng)])
        return states

    def step(self) -> float:
        """One update on a fresh batch; returns the loss. Checks the target network every ``check_every``."""
        cfg = self.config
        states = self.sample_states(cfg.batch_size)
        b, a, dim = len(states), self.basis.num_actions, self.basis.dim
        # children R g_a^dag: |tr| gives the goal test; PTM(R g^dag) = PTM(R) PTM(g^dag) gives the encodings
        overlap = np.abs(np.einsum("bij,aij->ba", states, self.basis.matrices.conj())) / dim
        goal_np = np.sqrt(np.clip(1.0 - overlap**2, 0.0, None)) <= cfg.eps
        goal = torch.as_tensor(goal_np, device=self.device)
        parent = ptm_matrices(states)
        x = torch.as_tensor(np.clip(parent.reshape(b, -1), -1, 1), dtype=torch.float32, device=self.device)
        kids = np.clip((parent[:, None] @ self.gate_ptm[None]).reshape(b * a, -1), -1, 1)
        xc = torch.as_tensor(kids, dtype=torch.float32, device=self.device)
        with torch.no_grad():
            nxt = self.target(xc).min(dim=1).values.view(b, a).clamp(0.0, cfg.max_cost)
            y = (self.costs_t[None] + torch.where(goal, torch.zeros_like(nxt), nxt)).clamp(0.0, cfg.max_cost)
        self.online.train()
        loss = torch.mean((self.online(x) - y) ** 2)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        self.optimizer.step()
        self.scheduler.step()
        self.iteration += 1
        value = float(loss.detach())
        self.losses.append(value)
        if self.iteration % cfg.check_every == 0:
            self._check()
        return value

    def _check(self) -> None:
        """DeepCubeA's target refresh, then the curriculum on walk length."""
        cfg = self.config
        loss = float(np.mean(self.losses[-cfg.check_every :]))
        self.target_age += 1
        refreshed = loss < cfg.loss_threshold or self.target_age >= cfg.max_target_age
        success = float("nan")
        if refreshed:
            self.target.load_state_dict(self.online.state_dict())
            self.target_age = 0
            self.updates += 1
            success = self.greedy_success(self.walk, count=200)
            if loss < cfg.loss_threshold and success >= cfg.curriculum_success and self.walk < cfg.max_walk:
                self.walk = min(cfg.max_walk, self.walk + cfg.walk_step)
        self.history.append(
            {"iteration": self.iteration, "loss": loss, "walk": self.walk, "greedy_success": success}
        )

    def greedy_success(self, length: int, count: int = 200) -> float:
        """Fraction of walks of exactly ``length`` the greedy policy solves within 2 * length + 4 steps."""
        rng = np.random.default_rng(self.config.seed + 7919 * self.iteration)
        states, _ = random_walks(self.basis, np.full(count, length), rng)
        model = self.model()
        out = greedy_rollouts(model.policy, self.basis, states, self.config.eps, max_steps=2 * length + 4)
        self.online.train()
        return float(out["success"].mean())

    def model(self) -> DeepQModel:
        """The online network as a ``DeepQModel`` (shares weights; do not train while searching)."""
        self.online.eval()
        return DeepQModel(self.online, self.config, self.device)

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to resume bit-for-bit: networks, optimiser, curriculum, generator state."""
        return {
            "config": asdict(self.config),
            "online": self.online.state_dict(),
            "target": self.target.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "scheduler": self.scheduler.state_dict(),
            "iteration": self.iteration,
            "walk": self.walk,
            "target_age": self.target_age,
            "updates": self.updates,
            "losses": self.losses[-1000:],
            "history": self.history,
            "rng": self.rng.bit_generator.state,
            "torch_rng": torch.get_rng_state(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a ``state_dict``.

        Raises:
            CheckpointError: the checkpoint was trained with different settings.
        """
        saved = DeepQConfig.from_dict(state["config"])
        if asdict(saved) != asdict(self.config):
            diff = {
                k: (v, getattr(self.config, k))
                for k, v in asdict(saved).items()
                if getattr(self.config, k) != v
            }
            raise CheckpointError(
                f"checkpoint settings differ from the requested ones (saved, requested): {diff}"
            )
        self.online.load_state_dict(state["online"])
        self.target.load_state_dict(state["target"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.scheduler.load_state_dict(state["scheduler"])
        self.iteration = int(state["iteration"])
        self.walk = int(state["walk"])
        self.target_age = int(state["target_age"])
        self.updates = int(state["updates"])
        self.losses = list(state["losses"])
        self.history = list(state["history"])
        self.rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
