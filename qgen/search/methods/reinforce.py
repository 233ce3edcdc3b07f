"""REINFORCE in the latent space (arch2vec; the QAS paper): a recurrent policy emits points, the environment
returns the nearest unvisited pool circuit.

Policy (Yan et al., 2020; Sun et al., 2024): an LSTM cell reads the embedding of the current circuit and a
linear head gives the mean of a Gaussian with covariance ``sigma^2 I`` in the (standardised) latent space; the
sampled point's nearest unvisited pool circuit becomes the next state. After each episode of ``batch_size``
steps the episode's circuits are scored in one batch and the policy takes one Adam step on
``-mean(log pi(a) (r - b))`` with the moving-average baseline ``b <- alpha b + (1 - alpha) mean(r)``.
Defaults are the paper code's (Adam 1e-2, alpha 0.7, initial baseline 0.9, adaptive episode length 8..32).
"""

from __future__ import annotations

import time

import numpy as np
import torch
from torch import nn

from qgen.search.methods.base import METHODS, Oracle, SearchMethod, Trace, check_budget, standardise


class _Policy(nn.Module):
    def __init__(self, dim: int, hidden: int) -> None:
        super().__init__()
        self.cell = nn.LSTMCell(dim, hidden)
        self.head = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor, state):
        h, c = self.cell(x, state)
        return self.head(h), (h, c)


class Reinforce(SearchMethod):
    """REINFORCE over the embedded pool.

    Args:
        hidden: LSTM width (paper code: 128).
        lr: Adam step of the policy (paper code: 1e-2).
        alpha: baseline smoothing (paper code: 0.7).
        baseline: initial baseline (paper code: 0.9).
        sigma: standard deviation of the Gaussian policy in standardised latent units (paper: 1).
        batch_size: episode length; ``adaptive`` grows it 8 -> 16 -> 24 -> 32 as the mean reward passes
            0.8, 0.9 and ``threshold`` (the paper code's schedule).
        adaptive: use the adaptive episode length.
        threshold: reward level of the last adaptive step.
    """

    name = "reinforce"

    def __init__(
        self,
        hidden: int = 128,
        lr: float = 1e-2,
        alpha: float = 0.7,
        baseline: float = 0.9,
        sigma: float = 1.0,
        batch_size: int = 16,
        adaptive: bool = True,
        threshold: float = 0.95,
    ) -> None:
        self.hidden, self.lr, self.alpha, self.baseline0 = hidden, lr, alpha, baseline
        self.sigma, self.batch_size, self.adaptive, self.threshold = sigma, batch_size, adaptive, threshold

    def _episode_length(self, avg: float) -> int:
        if not self.adaptive:
            return self.batch_size
        if avg < 0.8:
            return 8
        if avg < 0.9:
            return 16
        return 24 if avg < self.threshold else 32

    def run(self, embeddings: np.ndarray, oracle: Oracle, budget: int, seed: int) -> Trace:
        """Search for ``budget`` evaluations."""
        t0 = time.perf_counter()
        total = check_budget(budget, len(embeddings))
        gen = torch.Generator().manual_seed(int(seed))
        torch.manual_seed(int(seed))
        feats = torch.as_tensor(standardise(embeddings), dtype=torch.float32)
        dim = feats.shape[1]
        policy = _Policy(dim, self.hidden)
        opt = torch.optim.Adam(policy.parameters(), lr=self.lr)
        visited = torch.zeros(len(feats), dtype=torch.bool)
        start = int(np.random.default_rng(seed).integers(len(feats)))
        visited[start] = True
        order, rewards = [start], list(oracle(np.array([start])))
        state = feats[start]
        baseline = self.baseline0
        length = self.batch_size if not self.adaptive else 16
        while len(order) < total:
            steps = min(length, total - len(order))
            log_probs, picked, hc = [], [], None
            for _ in range(steps):
                mean, hc = policy(state[None], hc)
                action = mean.detach() + self.sigma * torch.randn(mean.shape, generator=gen)
                log_probs.append(-0.5 * ((action - mean) ** 2).sum() / self.sigma**2)
                dist = torch.cdist(action, feats)[0]
                dist[visited] = torch.inf
                nxt = int(torch.argmin(dist))
                visited[nxt] = True
                picked.append(nxt)
                state = feats[nxt]
            r = oracle(np.array(picked))
            order += picked
            rewards += list(r)
            avg = float(np.mean(r))
            baseline = self.alpha * baseline + (1 - self.alpha) * avg
            adv = torch.as_tensor(r - baseline, dtype=torch.float32)
            loss = -(torch.stack(log_probs) * adv).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            length = self._episode_length(avg)
        return Trace(np.array(order[:total]), np.array(rewards[:total]), time.perf_counter() - t0)


METHODS.register("reinforce", Reinforce)
