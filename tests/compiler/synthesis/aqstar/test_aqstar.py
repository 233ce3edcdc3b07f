"""AQ*: word tables, the search, and the registered ``aqstar`` synthesiser."""

from __future__ import annotations

import numpy as np
import pytest

from qgen.compiler.synthesis.aqstar import AQStarSynthesizer
from qgen.compiler.synthesis.aqstar.search import aqstar_search
from qgen.compiler.synthesis.aqstar.table import _keys, bfs_table, normal_form_table
from qgen.compiler.synthesis.base import SYNTHESIZERS, Synthesizer
from qgen.compiler.synthesis.bases import get_basis
from qgen.compiler.synthesis.errors import SynthesisError
from qgen.compiler.synthesis.rl.walks import random_walks
from qgen.compiler.synthesis.unitaries import (
    distance,
    haar_unitaries,
    quaternion_matrix,
    quaternions,
    rz_matrix,
)
from qgen.compiler.synthesis.words import word_matrix

RNG = np.random.default_rng(11)
ALLOWED = {"h", "s", "sdg", "t", "tdg", "x", "z"}


def _tcount(word) -> int:
    return sum(g in ("t", "tdg") for g in word)


@pytest.mark.parametrize("max_t", [0, 3, 6])
def test_normal_form_table_is_every_clifford_t_unitary_once(max_t: int) -> None:
    table = normal_form_table(max_t)
    assert len(table) == 24 * (3 * 2**max_t - 2)  # Matsumoto-Amano count of T-count <= max_t
    assert len(np.unique(_keys(quaternion_matrix(table.points)))) == len(table)  # distinct up to phase
    for i in RNG.integers(0, len(table), 50):
        word = table.word(int(i))
        assert set(word) <= ALLOWED and _tcount(word) == table.costs[i]
        assert abs(abs(quaternions(word_matrix(word)) @ table.points[i]) - 1) < 1e-12


def test_table_query_finds_cheapest_entry_within_eps() -> None:
    table = normal_form_table(6)
    idx = RNG.integers(0, len(table), 200)
    found, dist = table.query(table.points[idx] * np.where(RNG.random((200, 1)) < 0.5, -1, 1), 1e-6)
    assert (found >= 0).all() and dist.max() < 1e-6
    assert (table.costs[found] <= table.costs[idx]).all()
    miss, miss_d = table.query(quaternions(rz_matrix(0.1234))[None], 1e-9)
    assert miss[0] == -1 and np.isinf(miss_d[0])


@pytest.mark.parametrize("t_count", [7, 9, 11])
def test_exact_clifford_t_targets_get_their_minimal_t_count(t_count: int) -> None:
    # a random normal form of T-count t_count is its own minimum; the search must find exactly that
    big = normal_form_table(t_count)
    i = int(RNG.choice(np.flatnonzero(big.costs == t_count)))
    target = word_matrix(big.word(i)) * np.exp(0.3j)
    out = aqstar_search(target, normal_form_table(5), 1e-6)
    assert out.success and out.proven_optimal and out.cost == t_count
    assert distance(word_matrix(out.labels), target) < 1e-6


def test_synthesizer_protocol_and_registry() -> None:
    synth = SYNTHESIZERS["aqstar"](table_t=10)
    assert isinstance(synth, Synthesizer) and synth.name == "aqstar"
    res = synth.synthesize_rz(np.pi / 4, 1e-2)
    assert res.gates == ("t",) and res.distance < 1e-7
    res = synth.synthesize_rz(np.pi / 2, 1e-2)
    assert res.gates == ("s",) and res.t_count == 0


@pytest.mark.parametrize("eps", [1e-1, 1e-2])
def test_haar_targets_reach_eps_with_exact_global_phase(eps: float) -> None:
    synth = AQStarSynthesizer(table_t=10)
    for u in haar_unitaries(1, 6, RNG):
        res = synth.synthesize_unitary(u, eps)
        assert res.info["success"] and res.info["proven_optimal"] and set(res.gates) <= ALLOWED
        w = word_matrix(res.gates)
        assert res.distance == pytest.approx(distance(u, w), abs=1e-12) and res.distance <= eps
        # target ~= e^{i phase} word, up to the approximation error (operator norm <= ~2 d)
        assert np.linalg.norm(u - np.exp(1j * res.global_phase) * w, 2) <= 2.01 * res.distance + 1e-9
        assert res.t_count <= (12 if eps == 1e-1 else 22)


def test_t_count_is_optimal_against_brute_force_at_coarse_eps() -> None:
    # every Clifford+T unitary of T-count <= 8: the cheapest within eps is the AQ* answer's T-count
    full = normal_form_table(8)
    synth = AQStarSynthesizer(table_t=3)
    for u in haar_unitaries(1, 5, RNG):
        q = quaternions(u)
        dots = np.abs(full.points @ q)
        within = np.sqrt(np.clip(1 - dots**2, 0, None)) <= 0.05
        res = synth.synthesize_unitary(u, 0.05)
        assert res.info["success"] and res.t_count == int(full.costs[within].min())


def test_failure_is_reported_within_the_budget() -> None:
    synth = AQStarSynthesizer(table_t=4, max_nodes=50, fallback=None)
    res = synth.synthesize_rz(0.1234, 1e-4)
    assert not res.info["success"] and res.info["reason"] == "node budget"
    assert "raise max_nodes" in res.info["message"]
    # best effort: the closest word of the table, with its true distance
    true = distance(word_matrix(res.gates), rz_matrix(0.1234))
    assert 1e-4 < res.distance < 0.07 and res.distance == pytest.approx(true, abs=1e-12)


@pytest.mark.slow
def test_fallback_synthesiser_rescues_a_budget_failure() -> None:
    if "gridsynth" not in SYNTHESIZERS:
        pytest.skip("the compile issue's gridsynth synthesiser is not registered")
    res = AQStarSynthesizer(table_t=4, max_nodes=50).synthesize_rz(0.1234, 1e-3)
    assert res.info["success"] and res.info["fallback"] == "gridsynth" and res.distance <= 1e-3
    assert distance(word_matrix(res.gates), rz_matrix(0.1234)) == pytest.approx(res.distance, abs=1e-12)


def test_gate_move_search_for_other_bases() -> None:
    hrc = AQStarSynthesizer(basis="hrc", cost="gate", table_length=5, table_entries=20_000)
    u = haar_unitaries(1, 1, RNG)[0]
    res = hrc.synthesize_unitary(u, 0.1)
    assert res.info["success"] and set(res.gates) <= set(get_basis("hrc").labels(range(6)))
    assert distance(get_basis("hrc").label_matrix(res.gates), u) <= 0.1
    two = AQStarSynthesizer(basis="clifford_t_cx", cost="gate", table_length=3, table_entries=20_000)
    states, gates = random_walks(get_basis("clifford_t_cx"), np.array([6]), np.random.default_rng(2))
    res = two.synthesize_unitary(states[0], 1e-6)
    assert res.info["success"] and res.length <= 6
    assert distance(get_basis("clifford_t_cx").label_matrix(res.gates), states[0]) < 1e-6


def test_bfs_table_is_complete_for_short_words() -> None:
    table = bfs_table("hrc", "gate", 4, 100_000)
    assert len(table) == 1 + 6 + 30 + 150 + 750  # free group: 6 * 5^(k-1) words of length k
    for i in RNG.integers(0, len(table), 30):
        actions = table.actions(int(i))
        assert len(actions) == table.costs[i]
        assert distance(get_basis("hrc").word_matrix(actions), quaternion_matrix(table.points[i])) < 1e-7


def test_bad_requests_raise() -> None:
    synth = AQStarSynthesizer(table_t=3)
    with pytest.raises(SynthesisError, match="2x2 matrix"):
        synth.synthesize_unitary(np.eye(4), 1e-2)
    with pytest.raises(SynthesisError, match="finite"):
        synth.synthesize_rz(float("nan"), 1e-2)
    with pytest.raises(SynthesisError, match="single-qubit basis"):
        AQStarSynthesizer(basis="clifford_t_cx", cost="gate").synthesize_rz(0.1, 1e-2)
    with pytest.raises(SynthesisError, match="no deep-Q model"):
        AQStarSynthesizer(model="/nonexistent/model.pt")
    with pytest.raises(SynthesisError, match="weight"):
        AQStarSynthesizer(weight=-1)
