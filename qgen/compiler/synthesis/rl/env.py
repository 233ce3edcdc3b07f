"""A gymnasium environment for gate synthesis: reach a target unitary with a word over a discrete basis.

State: the *remaining* unitary R (what is still to be applied after the gates chosen so far); the
observation is its phase-invariant real encoding (Pauli transfer matrix without the identity row/column,
``features.ptm_features``). Action a appends basis gate g_a to the word: R -> R g_a^dag. Reward: minus the
gate's cost (1 per gate, or 1 per T gate with ``cost="t"``). The episode terminates when
d(R, I) = sqrt(1 - |tr R / 2^n|^2) <= eps, which is the distance between the target and the word, and is
truncated after ``max_steps`` actions. It works with stable-baselines3 unchanged (``check_env`` passes).

>>> env = SynthesisEnv("clifford_t", eps=1e-2, walk_lengths=(3, 3))
>>> obs, info = env.reset(seed=0)
>>> obs.shape, info["walk_length"]
((9,), 3)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from qgen.compiler.synthesis.bases import get_basis
from qgen.compiler.synthesis.errors import SynthesisError
from qgen.compiler.synthesis.rl.features import feature_dim, ptm_features
from qgen.compiler.synthesis.rl.walks import random_walks
from qgen.compiler.synthesis.unitaries import check_eps, check_unitary, distance_to_identity, haar_unitaries
from qgen.optional import require

gym = require("gymnasium", extra="rl", purpose="the synthesis environment")
spaces = require("gymnasium.spaces", extra="rl")


class SynthesisEnv(gym.Env):
    """Synthesis of a unitary over a gate basis as an episodic MDP (see the module docstring).

    Args:
        basis: registered basis name (``clifford_t``, ``ht``, ``hrc``, ``clifford_t_cx``).
        eps: goal tolerance on d = sqrt(1 - |tr(U^dag V)/2^n|^2).
        cost: ``"gate"`` (1 per gate) or ``"t"`` (1 per T gate, tiny tie-break for the others).
        max_steps: truncation length of an episode.
        walk_lengths: ``(min, max)`` length of the reverse random walk that makes a target at reset.
        haar_fraction: fraction of resets whose target is Haar-random instead (usually not reachable
            within ``max_steps`` at small eps; used to show the learner off-lattice states).
    """

    metadata: dict[str, Any] = {"render_modes": []}

    def __init__(
        self,
        basis: str = "clifford_t",
        eps: float = 1e-2,
        cost: str = "gate",
        max_steps: int = 50,
        walk_lengths: tuple[int, int] = (1, 10),
        haar_fraction: float = 0.0,
    ) -> None:
        super().__init__()
        self.basis = get_basis(basis)
        self.eps = check_eps(eps)
        self.costs = self.basis.costs(cost)
        self.cost = cost
        if max_steps < 1:
            raise SynthesisError(f"max_steps must be >= 1, got {max_steps}")
        lo, hi = walk_lengths
        if not 1 <= lo <= hi:
            raise SynthesisError(f"walk_lengths must satisfy 1 <= min <= max, got {walk_lengths}")
        if not 0.0 <= haar_fraction <= 1.0:
            raise SynthesisError(f"haar_fraction must be in [0, 1], got {haar_fraction}")
        self.max_steps = max_steps
        self.walk_lengths = (int(lo), int(hi))
        self.haar_fraction = haar_fraction
        n_obs = feature_dim(self.basis.num_qubits)
        self.observation_space = spaces.Box(-1.0, 1.0, shape=(n_obs,), dtype=np.float32)
        self.action_space = spaces.Discrete(self.basis.num_actions)
        self.target = np.eye(self.basis.dim, dtype=complex)
        self.remainder = self.target
        self.word: list[int] = []
        self._steps = 0

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[np.ndarray, dict[str, Any]]:
        """Start an episode.

        Args:
            seed: seeds the environment's generator (gymnasium convention).
            options: ``{"target": matrix}`` to synthesise a given unitary, or ``{"walk_length": k}``.

        Returns:
            ``(observation, info)`` with ``info["distance"]`` and ``info["walk_length"]`` (0 for given or Haar
            targets).
        """
        super().reset(seed=seed)
        options = options or {}
        walk_length = 0
        if "target" in options:
            target = check_unitary(options["target"], self.basis.num_qubits)
        elif "walk_length" not in options and self.np_random.random() < self.haar_fraction:
            target = haar_unitaries(self.basis.num_qubits, 1, self.np_random)[0]
        else:
            walk_length = int(options.get("walk_length", 0)) or int(
                self.np_random.integers(self.walk_lengths[0], self.walk_lengths[1] + 1)
            )
            for _ in range(16):  # a walk may close a loop (s s s s = I); draw again
                states, _ = random_walks(self.basis, np.array([walk_length]), self.np_random)
                target = states[0]
                if distance_to_identity(target) > self.eps:
                    break
        self.target = target
        self.remainder = target.copy()
        self.word = []
        self._steps = 0
        return self._obs(), {"distance": self.distance, "walk_length": walk_length}

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        """Append gate ``action`` to the word; reward is minus its cost."""
        if not self.action_space.contains(action):
            raise SynthesisError(f"action {action!r} is not in 0..{self.basis.num_actions - 1}")
        a = int(action)
        self.remainder = self.remainder @ self.basis.matrices[a].conj().T
        self.word.append(a)
        self._steps += 1
        dist = self.distance
        terminated = dist <= self.eps
        truncated = (not terminated) and self._steps >= self.max_steps
        info = {"distance": dist, "length": len(self.word)}
        return self._obs(), -float(self.costs[a]), bool(terminated), bool(truncated), info

    @property
    def distance(self) -> float:
        """Distance between the target and the word so far, d(R, I)."""
        return float(distance_to_identity(self.remainder))

    def _obs(self) -> np.ndarray:
        return ptm_features(self.remainder)
