"""Deep-Q training (approximate value iteration), checkpoints, resume, the SB3 DQN baseline, AQ* with it."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest
import torch

from qgen.compiler.synthesis.aqstar import AQStarSynthesizer
from qgen.compiler.synthesis.bases import get_basis
from qgen.compiler.synthesis.errors import CheckpointError, SynthesisError
from qgen.compiler.synthesis.rl.compare import train_dqn_for
from qgen.compiler.synthesis.rl.evaluation import greedy_rollouts
from qgen.compiler.synthesis.rl.model import DeepQConfig, DeepQModel
from qgen.compiler.synthesis.rl.trainer import DeepQTrainer
from qgen.compiler.synthesis.rl.training import train_synthesizer
from qgen.compiler.synthesis.rl.walks import random_walks
from qgen.compiler.synthesis.unitaries import distance_to_identity, rz_matrix
from qgen.progress import RecordingProgress

TINY = {"hidden": 32, "blocks": 1, "batch_size": 64, "check_every": 10, "max_walk": 4}


@pytest.fixture(autouse=True)
def _one_thread():
    """Tiny networks: one torch thread avoids OpenMP spin-waits on a shared 2-core machine."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.mark.slow
def test_bellman_targets_are_exact_at_the_goal() -> None:
    # one step from the goal: Q(R, a) = c(a) for the gate that finishes, whatever the network says
    torch.manual_seed(0)
    trainer = DeepQTrainer(DeepQConfig(**{**TINY, "max_walk": 1}, start_walk=1, seed=0))
    basis = get_basis("clifford_t")
    for _ in range(400):
        trainer.step()
    model = trainer.model()
    q = model.q_values(basis.matrices)  # state g_a: gate a finishes it, cost 1; the others cost more
    np.testing.assert_allclose(q[np.arange(5), np.arange(5)], 1.0, atol=0.1)
    assert (q.min(axis=1) > 0.9).all()
    assert model.cost_to_go(np.eye(2)[None])[0] == 0.0  # goal states cost nothing


@pytest.mark.slow
def test_training_learns_short_walks() -> None:
    cfg = DeepQConfig(**{**TINY, "hidden": 64, "batch_size": 128}, lr=3e-3, seed=1)
    trainer = DeepQTrainer(cfg)
    first = np.mean([trainer.step() for _ in range(10)])
    for _ in range(300):
        trainer.step()
    assert np.mean(trainer.losses[-10:]) < first
    states, _ = random_walks(trainer.basis, np.full(100, 2), np.random.default_rng(5))
    out = greedy_rollouts(trainer.model().policy, trainer.basis, states, cfg.eps, max_steps=6)
    assert out["success"].mean() >= 0.8  # a random policy solves ~4% of these


def test_checkpoint_resume_matches_an_uninterrupted_run(tmp_path) -> None:
    cfg = DeepQConfig(**TINY, seed=3)
    straight = train_synthesizer(tmp_path / "a", cfg, iterations=30, eval_per_length=0)
    train_synthesizer(tmp_path / "b", cfg, iterations=15, eval_per_length=0)
    progress = RecordingProgress()
    resumed = train_synthesizer(tmp_path / "b", cfg, iterations=30, eval_per_length=0, progress=progress)
    assert straight["updates"] == resumed["updates"] == 30 and resumed["resumed_from"] == 15
    kinds = [(e[0], e[1]) for e in progress.events]
    assert kinds[0] == ("start", "deep-Q") and kinds[-1] == ("finish", "deep-Q")
    assert progress.events[0][2] == 30
    assert progress.done("deep-Q") == 30 and progress.events[1][2] == (15, {})  # resumed updates count
    assert set(progress.events[2][2][1]) == {"loss", "walk"}
    a = torch.load(tmp_path / "a" / "checkpoint.pt", weights_only=False)["online"]
    b = torch.load(tmp_path / "b" / "checkpoint.pt", weights_only=False)["online"]
    for key in a:
        torch.testing.assert_close(a[key], b[key])
    run = json.loads((tmp_path / "b" / "config.json").read_text())
    assert run["seed"] == 3 and run["config"]["basis"] == "clifford_t" and "torch" in run["versions"]
    assert not list((tmp_path / "b").glob("*.tmp"))
    model = DeepQModel.load(tmp_path / "b")
    assert model.config == cfg and model.q_values(np.eye(2)[None]).shape == (1, 5)
    # model.pt files of earlier versions still load (tensors and plain data only, no pickled objects)
    legacy = tmp_path / "legacy.pt"
    torch.save({"config": dataclasses.asdict(cfg), "state_dict": model.network.state_dict()}, legacy)
    again = DeepQModel.load(legacy)
    probe = np.random.default_rng(0).standard_normal((3, 9)).astype(np.float32)
    np.testing.assert_array_equal(again.policy(probe), model.policy(probe))


def test_resume_refuses_other_settings(tmp_path) -> None:
    train_synthesizer(tmp_path, DeepQConfig(**TINY), iterations=5, eval_per_length=0)
    with pytest.raises(CheckpointError, match="--no-resume"):
        train_synthesizer(tmp_path, DeepQConfig(**{**TINY, "hidden": 16}), iterations=5)
    (tmp_path / "bad.pt").write_bytes(b"nope")
    with pytest.raises(CheckpointError, match="not a qgen deep-Q model"):
        DeepQModel.load(tmp_path / "bad.pt")


def test_config_validation() -> None:
    with pytest.raises(SynthesisError, match="start_walk"):
        DeepQConfig(start_walk=9, max_walk=3).validate()
    with pytest.raises(SynthesisError, match="unknown deep-Q settings"):
        DeepQConfig.from_dict({"hiden": 3})
    with pytest.raises(SynthesisError, match="iterations or time_limit"):
        train_synthesizer("unused", iterations=None, time_limit=None)


@pytest.mark.slow
def test_sb3_dqn_baseline_trains_on_the_same_env() -> None:
    model, report = train_dqn_for(
        "clifford_t",
        2.0,
        walk_lengths=(1, 2),
        max_steps=6,
        dqn_kwargs={"learning_starts": 100},
        warmup_steps=200,
    )
    assert report["env_steps"] >= 100
    basis = get_basis("clifford_t")
    states, _ = random_walks(basis, np.full(20, 1), np.random.default_rng(0))
    out = greedy_rollouts(lambda o: model.predict(o, deterministic=True)[0], basis, states, 1e-2, 4)
    assert out["length"].shape == (20,) and set(np.unique(out["success"])) <= {True, False}


def test_aqstar_uses_the_network_as_heuristic() -> None:
    trainer = DeepQTrainer(DeepQConfig(**TINY, cost="t", seed=4))
    for _ in range(30):
        trainer.step()
    synth = AQStarSynthesizer(model=trainer.model(), weight=1.0, table_t=6, batch_size=8)
    res = synth.synthesize_rz(0.4, 3e-2)
    assert res.info["success"] and res.info["network_calls"] > 0 and res.info["heuristic"] == "deep-q"
    assert distance_to_identity(rz_matrix(0.4).conj().T @ _word(res.gates)) <= 3e-2


def _word(gates):
    from qgen.compiler.synthesis.words import word_matrix

    return word_matrix(gates)
