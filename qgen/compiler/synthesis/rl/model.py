"""Deep-Q network for gate synthesis (settings, network, trained model); ``trainer.py`` trains it.

The network maps the phase-invariant encoding of a remaining unitary R (``features.ptm_features``) to
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
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from pickle import UnpicklingError
from typing import Any

import numpy as np
import torch
from torch import nn

from qgen.compiler.synthesis.bases import Basis, get_basis
from qgen.compiler.synthesis.errors import CheckpointError, SynthesisError
from qgen.compiler.synthesis.rl.features import feature_dim, ptm_features
from qgen.compiler.synthesis.unitaries import check_eps, distance_to_identity
from qgen.optional import require
from qgen.train.checkpoints import load_tensors, save_tensors

MODEL_FILE = "model.safetensors"
"""The file name of a trained model in a run folder (what ``AQStarSynthesizer(model=DIR)`` loads)."""
MODEL_FORMAT = "qgen-deepq"


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
        """Write weights and settings to one safetensors file (settings as metadata; atomic, no pickle)."""
        meta = {"format": MODEL_FORMAT, "config": json.dumps(asdict(self.config))}
        save_tensors(path, self.network.state_dict(), metadata=meta)

    @classmethod
    def load(cls, path: str | Path, device: torch.device | str = "cpu") -> DeepQModel:
        """Read a model written by ``save`` (``model.safetensors``), a former ``model.pt`` or a checkpoint.

        Args:
            path: the file, or a run folder holding ``model.safetensors`` (or ``model.pt``).
            device: where the network runs.

        Raises:
            CheckpointError: missing or unreadable file.
        """
        path = Path(path)
        if path.is_dir():
            path = path / MODEL_FILE if (path / MODEL_FILE).is_file() else path / "model.pt"
        if not path.is_file():
            raise CheckpointError(f"no deep-Q model at {path} (train one with `qgen train synthesizer`)")
        try:
            if path.suffix == ".safetensors":
                st = require("safetensors", extra="all", purpose="loading deep-Q weights")
                with st.safe_open(str(path), framework="pt") as fh:
                    meta = fh.metadata() or {}
                if meta.get("format") != MODEL_FORMAT:
                    raise ValueError("no qgen deep-Q metadata")
                config = DeepQConfig.from_dict(json.loads(meta["config"]))
                weights = load_tensors(path)
            else:  # a model.pt of earlier versions, or a training checkpoint: tensors and plain data only
                blob = torch.load(path, map_location="cpu", weights_only=True)
                config = DeepQConfig.from_dict(blob["config"])
                weights = blob["state_dict"] if "state_dict" in blob else blob["online"]
            net = build_network(config)
            net.load_state_dict(weights)
        except (KeyError, RuntimeError, EOFError, ValueError, TypeError, OSError, UnpicklingError) as exc:
            raise CheckpointError(f"{path} is not a qgen deep-Q model: {exc}") from None
        return cls(net, config, device)


def build_network(config: DeepQConfig) -> QNetwork:
    """A fresh Q-network sized for the config's basis."""
    basis = get_basis(config.basis)
    return QNetwork(feature_dim(basis.num_qubits), basis.num_actions, config.hidden, config.blocks)
