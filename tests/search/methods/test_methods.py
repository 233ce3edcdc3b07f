"""Search methods on a synthetic embedded pool whose reward is smooth in the latent space."""

from __future__ import annotations

import numpy as np
import pytest

from qgen.errors import UnknownNameError
from qgen.search.errors import SearchError
from qgen.search.methods import METHODS, Trace


def _landscape(n: int = 3000, d: int = 4, seed: int = 0):
    rng = np.random.default_rng(seed)
    emb = rng.normal(size=(n, d))
    centre = np.array([1.5, -1.0, 0.5, 0.0])[:d]
    reward = np.exp(-0.5 * np.sum((emb - centre) ** 2, axis=1))  # top 2% are near the centre
    calls = []

    def oracle(idx: np.ndarray) -> np.ndarray:
        calls.append(len(idx))
        return reward[np.asarray(idx)]

    return emb, reward, oracle, calls


@pytest.mark.parametrize(
    "name", ["random", "reinforce", pytest.param("bo", marks=pytest.mark.slow), "predictor"]
)
def test_trace_is_valid_and_deterministic(name: str) -> None:
    emb, reward, oracle, calls = _landscape(300)
    kw = {"bo": {"top_k": 10}, "predictor": {"initial": 10, "top_k": 10}}.get(name, {})
    a = METHODS[name](**kw).run(emb, oracle, 40, seed=3)
    b = METHODS[name](**kw).run(emb, oracle, 40, seed=3)
    assert len(a.indices) == 40 and len(set(a.indices.tolist())) == 40
    assert np.array_equal(a.indices, b.indices)
    assert np.allclose(a.rewards, reward[a.indices])
    assert max(calls) > 1  # candidates are scored in batches


@pytest.mark.slow
def test_latent_methods_beat_random_on_a_smooth_landscape() -> None:
    emb, reward, oracle, _ = _landscape(1500)
    thr = np.quantile(reward, 0.97)
    found = {}
    for name in ("random", "reinforce", "bo"):
        kw = {"top_k": 10} if name == "bo" else {}
        found[name] = np.median(
            [METHODS[name](**kw).run(emb, oracle, 120, seed=s).count_above(thr) for s in range(3)]
        )
    assert found["bo"] >= 3 * max(found["random"], 1)
    assert found["reinforce"] >= 2 * max(found["random"], 1)


def test_trace_metrics_and_errors() -> None:
    t = Trace(np.array([4, 2, 7]), np.array([0.1, 0.96, 0.99]))
    assert t.evals_to_reach(0.95) == 2 and t.evals_to_reach(0.999) is None
    assert t.count_above(0.95) == 2 and t.best_so_far().tolist() == [0.1, 0.96, 0.99]
    emb, _, oracle, _ = _landscape(20)
    assert len(METHODS["random"]().run(emb, oracle, 1000, seed=0).indices) == 20  # capped at the pool
    with pytest.raises(SearchError, match="budget must be >= 1"):
        METHODS["bo"]().run(emb, oracle, 0, seed=0)
    with pytest.raises(UnknownNameError, match="Valid: bo, predictor, random, reinforce"):
        METHODS["evolution"]


def test_predictor_learns_a_structural_reward() -> None:
    # reward = how many of 12 chosen binary features a candidate has: learnable by trees, rare at the top
    rng = np.random.default_rng(1)
    x = (rng.random((2000, 40)) < 0.3).astype(np.float32)
    reward = x[:, :12].sum(1) / 12
    thr = np.sort(reward)[-20]  # the top 1%

    def oracle(idx: np.ndarray) -> np.ndarray:
        return reward[np.asarray(idx)]

    pred = [METHODS["predictor"](initial=40, top_k=20).run(x, oracle, 200, seed=s) for s in range(3)]
    rand = [METHODS["random"]().run(x, oracle, 200, seed=s) for s in range(3)]
    assert np.median([t.count_above(thr) for t in pred]) >= 5 * max(
        np.median([t.count_above(thr) for t in rand]), 1
    )
    assert METHODS["predictor"].inputs == "structure" and METHODS["bo"].inputs == "latent"


def test_search_without_embeddings_runs_structure_methods_only(tmp_path) -> None:
    from qgen.search import SearchSpace, build_pool, make_task
    from qgen.search.run import search

    pool = build_pool(SearchSpace(2, 3, None, gate_pool=("ry", "cx")), 40, seed=0)
    task = make_task("state_prep", 2)
    res = search(task, pool, None, methods=["random", "predictor"], budget=12, seeds=1, out_dir=None)
    assert set(res.summary) == {"random", "predictor"} and res.config["embedding_dim"] is None
    with pytest.raises(SearchError, match="bo search\\(es\\) arch2vec's latent space"):
        search(task, pool, None, methods=["random", "bo"], budget=12, seeds=1)
