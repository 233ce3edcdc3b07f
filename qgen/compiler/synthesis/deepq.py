"""Deep-Q network for gate synthesis, trained by DeepCubeA-style approximate value iteration.

The network maps the phase-invariant encoding of a remaining unitary R (``rl_basis.ptm_features``) to
Q(R, a) for every basis gate a: the estimated cost of appending a and then finishing optimally. The
cost-to-go of R is min_a Q(R, a), so one call on a parent scores all of its children (Q* search, Agostinelli
et al. 2021, as in AQ*).

Training (DeepCubeA, Agostinelli et al., Nature Machine Intelligence 2019; for synthesis Chen et al.,
"Efficient and practical quantum compiler towards multi-qubit systems with deep reinforcement learning"):
states come from reverse random walks from the identity that never undo the previous gate, with a
curriculum on the walk length; the target is the one-step Bellman backup over *all* actions,

    y(R, a) = c(a) + [d(R g_a^dag, I) > eps] * min_a' Q_target(R g_a^dag, a'),

and the target network is refreshed when the loss falls below a threshold (or after ``max_target_age``
checks). Residual MLP as in DeepCubeA, scaled down for CPUs.
"""

from __future__ import annotations

import json
import pickle
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from qgen.compiler.synthesis.rl_basis import (
    Basis,
    check_eps,
    distance_to_identity,
    feature_dim,
    get_basis,
    haar_unitaries,
    ptm_features,
    ptm_matrices,
)
from qgen.compiler.synthesis.rl_errors import CheckpointError, SynthesisError
from qgen.compiler.synthesis.rl_walks import random_walks


@dataclass
class DeepQConfig:
    """Hyperparameters of deep-Q synthesis training (defaults: DeepCubeA scaled to a CPU).

    Attributes:
        basis: registered basis name.
        cost: ``"gate"`` or ``"t"`` (see ``Basis.costs``).
        eps: goal tolerance of the Bellman backup (distance to the identity).
        hidden: width of the residual MLP (DeepCubeA: 1000; 256 trains in minutes on a CPU).
        blocks: residual blocks (DeepCubeA: 4).
        batch_size: states per update (DeepCubeA: 10,000; each state backs up all its actions).
        lr: Adam learning rate (DeepCubeA: 1e-3 with decay 0.9999993 per step).
        lr_decay: multiplicative learning-rate decay per update.
        start_walk: first curriculum walk length (Chen et al.: 2).
        max_walk: last curriculum walk length (Chen et al.: 50).
        walk_step: curriculum increment.
        check_every: updates between target-network checks (DeepCubeA: 5,000 on a GPU).
        loss_threshold: refresh the target network when the loss is below this (DeepCubeA: 0.05).
        max_target_age: refresh anyway after this many checks without one.
        curriculum_success: greedy success rate at the current max walk length needed to lengthen walks.
        haar_fraction: fraction of Haar-random states mixed into each batch (off-lattice states).
        max_cost: targets are clipped to [0, max_cost].
        seed: seeds walks and initial weights.
    """

    basis: str = "clifford_t"
    cost: str = "gate"
    eps: float = 1e-2
    hidden: int = 256
    blocks: int = 2
    batch_size: int = 500
    lr: float = 1e-3
    lr_decay: float = 0.99995
    start_walk: int = 2
    max_walk: int = 50
    walk_step: int = 1
    check_every: int = 50
    loss_threshold: float = 0.05
    max_target_age: int = 3
    curriculum_success: float = 0.8
    haar_fraction: float = 0.0
    max_cost: float = 100.0
    seed: int = 0

    def validate(self) -> DeepQConfig:
        """Check the settings; return self.

        Raises:
            SynthesisError: a setting out of range (the message names it).
            UnknownNameError: unknown basis.
        """
        get_basis(self.basis).costs(self.cost)
        check_eps(self.eps)
        for name in ("hidden", "blocks", "batch_size", "start_walk", "max_walk", "walk_step", "check_every"):
            if int(getattr(self, name)) < 1:
                raise SynthesisError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.start_walk > self.max_walk:
            raise SynthesisError(f"start_walk ({self.start_walk}) must not exceed max_walk ({self.max_walk})")
        if not 0 < self.lr < 1:
            raise SynthesisError(f"lr must be in (0, 1), got {self.lr}")
        if not 0.0 <= self.haar_fraction < 1.0:
            raise SynthesisError(f"haar_fraction must be in [0, 1), got {self.haar_fraction}")
        return self

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DeepQConfig:
        """Build from a dict, naming unknown keys in the error.

        Raises:
            SynthesisError: keys that are not settings.
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SynthesisError(f"unknown deep-Q settings {unknown}; valid: {sorted(known)}")
        return cls(**data)


class ResidualBlock(nn.Module):
    """x -> relu(x + LN(W2 relu(LN(W1 x)))), as DeepCubeA's blocks with LayerNorm for batch-size-1 search."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Linear(width, width),
            nn.LayerNorm(width),
            nn.ReLU(),
            nn.Linear(width, width),
            nn.LayerNorm(width),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, width) -> (B, width)."""
        return torch.relu(x + self.body(x))


class QNetwork(nn.Module):
    """Residual MLP: encoding (B, in_dim) -> Q values (B, num_actions)."""

    def __init__(self, in_dim: int, num_actions: int, hidden: int = 256, blocks: int = 4) -> None:
        super().__init__()
        self.stem = nn.Sequential(nn.Linear(in_dim, hidden), nn.LayerNorm(hidden), nn.ReLU())
        self.blocks = nn.Sequential(*[ResidualBlock(hidden) for _ in range(blocks)])
        self.head = nn.Linear(hidden, num_actions)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, in_dim) -> (B, num_actions)."""
        return self.head(self.blocks(self.stem(x)))


class DeepQModel:
    """A trained Q-network with its basis and settings: cost-to-go estimates and a greedy policy.

    Args:
        network: the Q-network.
        config: the settings it was trained with.
        device: where it runs.
    """

    def __init__(self, network: QNetwork, config: DeepQConfig, device: torch.device | str = "cpu") -> None:
        self.network = network.to(device).eval()
        self.config = config
        self.basis: Basis = get_basis(config.basis)
        self.device = torch.device(device)
        self.costs = self.basis.costs(config.cost)

    @torch.no_grad()
    def q_values(self, unitaries: np.ndarray) -> np.ndarray:
        """Q(R, a) for remaining unitaries ``(B, 2^n, 2^n)``; returns ``(B, A)``."""
        feats = torch.as_tensor(ptm_features(unitaries), device=self.device)
        if feats.ndim == 1:
            feats = feats[None]
        return self.network(feats).double().cpu().numpy()

    def cost_to_go(self, unitaries: np.ndarray) -> np.ndarray:
        """Estimated cost to finish from each remaining unitary: 0 within eps, else max(0, min_a Q)."""
        unitaries = np.asarray(unitaries, dtype=complex).reshape(-1, self.basis.dim, self.basis.dim)
        q = self.q_values(unitaries).min(axis=1)
        done = distance_to_identity(unitaries) <= self.config.eps
        return np.where(done, 0.0, np.maximum(q, 0.0))

    def policy(self, observations: np.ndarray) -> np.ndarray:
        """Greedy actions (argmin Q) for a batch of encoded observations ``(B, feature_dim)``."""
        with torch.no_grad():
            q = self.network(torch.as_tensor(np.asarray(observations, dtype=np.float32), device=self.device))
        return q.argmin(dim=1).cpu().numpy()

    def save(self, path: str | Path) -> None:
        """Write weights and settings to one ``.pt`` file (written to a temp file, then renamed)."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        torch.save({"config": asdict(self.config), "state_dict": self.network.state_dict()}, tmp)
        tmp.replace(path)

    @classmethod
    def load(cls, path: str | Path, device: torch.device | str = "cpu") -> DeepQModel:
        """Read a model written by ``save`` or a training checkpoint.

        Raises:
            CheckpointError: missing or unreadable file.
        """
        path = Path(path)
        if path.is_dir():
            path = path / "model.pt"
        if not path.is_file():
            raise CheckpointError(f"no deep-Q model at {path} (train one with `qgen train synthesizer`)")
        try:
            blob = torch.load(path, map_location="cpu", weights_only=False)
            config = DeepQConfig.from_dict(blob["config"])
            net = build_network(config)
            net.load_state_dict(blob["state_dict"] if "state_dict" in blob else blob["online"])
        except (KeyError, RuntimeError, EOFError, ValueError, TypeError, pickle.UnpicklingError) as exc:
            raise CheckpointError(f"{path} is not a qgen deep-Q model: {exc}") from None
        return cls(net, config, device)


def build_network(config: DeepQConfig) -> QNetwork:
    """A fresh Q-network sized for the config's basis."""
    basis = get_basis(config.basis)
    return QNetwork(feature_dim(basis.num_qubits), basis.num_actions, config.hidden, config.blocks)


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
        from qgen.compiler.synthesis.deepq_eval import greedy_rollouts

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


def write_json(path: Path, data: object) -> None:
    """Write JSON atomically (temp file, then rename)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str))
    tmp.replace(path)
