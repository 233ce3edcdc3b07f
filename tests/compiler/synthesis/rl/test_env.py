"""The gymnasium synthesis environment: SB3's env checker, dynamics, rewards, termination."""

from __future__ import annotations

import numpy as np
import pytest
from stable_baselines3.common.env_checker import check_env

from qgen.compiler.synthesis.bases import get_basis
from qgen.compiler.synthesis.errors import SynthesisError
from qgen.compiler.synthesis.rl.env import SynthesisEnv
from qgen.compiler.synthesis.rl.walks import random_walks
from qgen.compiler.synthesis.unitaries import rz_matrix


@pytest.mark.parametrize("basis", ["clifford_t", "ht", "hrc", "clifford_t_cx"])
def test_stable_baselines3_env_checker_passes(basis: str) -> None:
    env = SynthesisEnv(basis, walk_lengths=(1, 6), max_steps=10)
    check_env(env, warn=True, skip_render_check=True)
    obs, info = env.reset(seed=0)
    assert obs.shape == env.observation_space.shape and obs.dtype == np.float32
    assert 1 <= info["walk_length"] <= 6


def test_known_solution_terminates_with_gate_costs() -> None:
    env = SynthesisEnv("clifford_t_cx", eps=1e-6, cost="t")
    basis = get_basis("clifford_t_cx")
    states, gates = random_walks(basis, np.array([6]), np.random.default_rng(1))
    env.reset(options={"target": states[0]})
    rewards = []
    for a in gates[0][::-1]:
        _, reward, terminated, truncated, info = env.step(int(a))
        rewards.append(reward)
    assert terminated and not truncated and info["distance"] < 1e-6 and info["length"] == 6
    expected = [-(1.0 if basis.gates[a].name in ("t", "tdg") else 0.01) for a in gates[0][::-1]]
    assert rewards == pytest.approx(expected)
    np.testing.assert_allclose(abs(np.trace(env.remainder)) / 4, 1.0, atol=1e-9)


def test_t_gate_solves_rz_pi_over_4_and_truncation() -> None:
    env = SynthesisEnv("clifford_t", eps=1e-3, max_steps=2)
    env.reset(options={"target": rz_matrix(np.pi / 4)})
    _, reward, terminated, _, info = env.step(3)  # t
    assert terminated and reward == -1.0 and info["distance"] < 1e-7
    env.reset(options={"target": rz_matrix(0.1234)})
    _, _, terminated, truncated, _ = env.step(0)
    assert not terminated and not truncated
    _, _, terminated, truncated, _ = env.step(0)
    assert not terminated and truncated


def test_reset_is_seeded_and_haar_targets() -> None:
    a = SynthesisEnv("hrc", walk_lengths=(2, 8))
    b = SynthesisEnv("hrc", walk_lengths=(2, 8))
    np.testing.assert_array_equal(a.reset(seed=5)[0], b.reset(seed=5)[0])
    haar = SynthesisEnv("clifford_t", haar_fraction=1.0)
    _, info = haar.reset(seed=0)
    assert info["walk_length"] == 0 and info["distance"] > 1e-2


def test_bad_settings_raise_clear_errors() -> None:
    with pytest.raises(SynthesisError, match="walk_lengths"):
        SynthesisEnv(walk_lengths=(5, 2))
    with pytest.raises(SynthesisError, match="eps must be"):
        SynthesisEnv(eps=1.5)
    env = SynthesisEnv()
    env.reset(seed=0)
    with pytest.raises(SynthesisError, match="action 9"):
        env.step(9)
    with pytest.raises(SynthesisError, match="4x4 matrix"):
        SynthesisEnv("clifford_t_cx").reset(options={"target": np.eye(2)})
