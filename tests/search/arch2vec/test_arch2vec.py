"""arch2vec: model shapes, learning on a small pool, checkpoint / resume, prior validity report."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from qgen.progress import RecordingProgress
from qgen.search import CheckpointError, SearchSpace, build_pool
from qgen.search.arch2vec import Arch2Vec, Arch2VecConfig, load_arch2vec, load_embeddings, train_arch2vec

SPACE = SearchSpace(3, 4, None, gate_pool=("h", "ry", "cx", "cz"))


def test_model_shapes() -> None:
    model = Arch2Vec(Arch2VecConfig(num_types=6, num_qubits=3, hidden=16, latent=4))
    feats, adj = torch.randn(5, 6, 9), (torch.rand(5, 6, 6) < 0.3).float()
    (t, o, a), mu, logvar = model(feats, adj)
    assert t.shape == (5, 6, 6) and o.shape == (5, 6, 3, 3) and a.shape == (5, 6, 6)
    assert mu.shape == logvar.shape == (5, 6, 4) and model.embed(feats, adj).shape == (5, 4)


@pytest.mark.slow
def test_training_learns_and_resumes(tmp_path) -> None:
    pool = build_pool(SPACE, 400, seed=0)
    kw = dict(hidden=32, latent=8, batch_size=8, lr=5e-3, prior_samples=50, seed=1)
    straight = train_arch2vec(pool, tmp_path / "a", epochs=6, **kw)
    assert straight.history[-1]["loss_total"] < 0.7 * straight.history[0]["loss_total"]
    held = straight.metrics["held_out"]
    assert held["circuits"] == 40 and held["gate_type_accuracy"] > 0.6 and held["occupancy_accuracy"] > 0.6
    assert set(straight.metrics["prior"]) >= {"validity", "uniqueness", "novelty"}
    bars = RecordingProgress()
    first = train_arch2vec(pool, tmp_path / "b", epochs=3, progress=bars, **kw)
    assert first.metrics["epochs_trained"] == 3
    assert bars.done("arch2vec") == 3 * 45  # 360 training circuits, batches of 8
    assert all("loss" in e[2][1] for e in bars.events if e[0] == "advance")
    kept = sorted(p.name for p in (tmp_path / "b" / "checkpoints").iterdir())
    assert kept == ["checkpoint-2", "checkpoint-3"]
    resumed = train_arch2vec(pool, tmp_path / "b", epochs=6, **kw)
    assert resumed.metrics["epochs_trained"] == 6
    assert np.allclose(resumed.embeddings, straight.embeddings, atol=1e-5)  # resume == uninterrupted run
    model, meta = load_arch2vec(tmp_path / "b")
    assert model.config.latent == 8 and meta["settings"]["epochs"] == 6
    assert load_embeddings(tmp_path / "b").shape == (400, 8)
    assert json.loads((tmp_path / "b" / "arch2vec.json").read_text())["metrics"]["epochs_trained"] == 6
    with pytest.raises(CheckpointError, match="other settings"):
        train_arch2vec(pool, tmp_path / "b", epochs=6, **{**kw, "latent": 4})
    with pytest.raises(CheckpointError, match="no arch2vec checkpoint"):
        load_arch2vec(tmp_path / "none")
