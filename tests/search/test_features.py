"""Grid features of pool circuits: which gate sits where in the ASAP layering."""

from __future__ import annotations

import numpy as np
import pytest

from qgen.search.errors import SearchError
from qgen.search.features import grid_channels, grid_features
from qgen.search.pool import build_pool, pool_from_gatelists
from qgen.search.space import SearchSpace
from qgen.sim.gatelist import GateList


def test_grid_of_a_hand_made_circuit() -> None:
    space = SearchSpace(3, 4, 3, gate_pool=("h", "rx", "cx", "cz"))
    circuit = GateList(3, [("h", (0,)), ("cx", (0, 1)), ("rx", (2,), ("t0",)), ("cz", (2, 1))])
    grid = grid_features(pool_from_gatelists(space, [circuit])).reshape(3, 3, 6)  # layer, qubit, channel
    ch = {name: i for i, name in enumerate(grid_channels(space))}
    assert list(ch) == ["h", "rx", "cx", "cz", "cx.target", "cz.target"]
    expected = np.zeros((3, 3, 6), dtype=np.float32)
    expected[0, 0, ch["h"]] = expected[0, 2, ch["rx"]] = 1  # layer 0: h q0, rx q2
    expected[1, 0, ch["cx"]] = expected[1, 1, ch["cx.target"]] = 1  # layer 1: cx q0 -> q1
    expected[2, 2, ch["cz"]] = expected[2, 1, ch["cz.target"]] = 1  # layer 2: cz q2, q1 (after the cx on q1)
    assert np.array_equal(grid, expected)


def test_grid_of_a_pool_counts_every_qubit_a_gate_touches() -> None:
    pool = build_pool(SearchSpace(4, 10, 5), 300, seed=2)
    feats = grid_features(pool)
    assert feats.shape == (300, 5 * 4 * (11 + 3))
    two = np.isin(pool.gates, [7, 8, 10]).sum(1)  # cx, cz, swap in the paper's pool
    assert np.array_equal(feats.sum(1), 10 + two)
    # distinct circuits have distinct grids unless they only differ in the order of commuting layers' gates
    assert len({row.tobytes() for row in feats}) > 290


def test_too_deep_for_the_space_is_refused() -> None:
    space = SearchSpace(1, 3, None, gate_pool=("h",))
    pool = pool_from_gatelists(space, [GateList(1, [("h", (0,))] * 3)])
    assert grid_features(pool).shape == (1, 3)
    object.__setattr__(space, "max_depth", 2)
    with pytest.raises(SearchError, match="deeper than the space's 2 layers"):
        grid_features(pool)
