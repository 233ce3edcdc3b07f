"""AQ*: batched weighted A* over word prefixes, the Q-network as heuristic, a word table as the goal test.

A node is a prefix word P (applied *last* in the circuit); its remainder is R = P^dag U, what the rest of
the word must approximate. A node is a goal when the table holds a word B with d(R, B) <= eps: then the word
"B, then P" approximates U to the same distance (d is unitarily invariant). The table holds every word of
cost <= ``complete_cost``, so a node that misses it needs at least ``complete_cost + c_min`` more: this gives
the lower bound that proves a solution optimal (meet-in-the-middle: prefixes from the search, suffixes
from the table).

Each iteration pops the ``batch_size`` best nodes by f = g + weight * h, expands them all, runs one batched
table query over all children and one network call over all children (DeepCubeA's batched weighted A*;
Chen et al. call it AQ*). ``weight = 0`` is uniform-cost search: exhaustive by cost, optimal at the first
level with a hit.

Moves: for Clifford+T (``normal_form=True``) the syllables of the Matsumoto-Amano normal form (T at the
root only, then HT / SHT), which enumerate every Clifford+T unitary exactly once by T-count; otherwise the
basis gates (never the inverse of the previous gate), with duplicate remainders skipped.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from qgen.compiler.synthesis.aqstar.moves import GateMoves, SyllableMoves
from qgen.compiler.synthesis.aqstar.table import SYLLABLES, WordTable
from qgen.compiler.synthesis.aqstar.words import conjugate, hamilton
from qgen.compiler.synthesis.unitaries import quaternions

Heuristic = Callable[[np.ndarray], np.ndarray]
"""Maps remainders ``(B, d, d)`` to estimated costs to finish ``(B,)`` (e.g. ``DeepQModel.cost_to_go``)."""


@dataclass
class SearchOutcome:
    """What AQ* found.

    Attributes:
        success: a word within eps was found.
        labels: gate labels in circuit order (best found; empty on failure).
        cost: its cost (T-count for normal-form search).
        distance: d(target, word) reported by the table (recomputed exactly by callers).
        proven_optimal: no cheaper word exists in the search space (lower bound met).
        reason: ``"optimal"``, ``"first solution"``, ``"node budget"``, ``"time budget"``, ``"exhausted"``.
        nodes_expanded / nodes_generated / iterations / network_calls: search effort.
        seconds: wall time.
    """

    success: bool
    labels: list[str]
    cost: float
    distance: float
    proven_optimal: bool
    reason: str
    nodes_expanded: int = 0
    nodes_generated: int = 0
    iterations: int = 0
    network_calls: int = 0
    seconds: float = 0.0
    info: dict = field(default_factory=dict)


def aqstar_search(
    target: np.ndarray,
    table: WordTable,
    eps: float,
    *,
    heuristic: Heuristic | None = None,
    weight: float = 0.0,
    batch_size: int = 64,
    max_nodes: int = 200_000,
    time_limit: float | None = None,
    first_solution: bool = False,
    normal_form: bool = True,
    cost: str = "t",
) -> SearchOutcome:
    """Find a cheap word within ``eps`` of ``target`` (see the module docstring).

    Args:
        target: the unitary to approximate (``2^n x 2^n``; checked by the caller).
        table: the suffix table (``NormalFormTable`` for ``normal_form=True``).
        eps: tolerance on d = sqrt(1 - |tr(U^dag V)/2^n|^2).
        heuristic: cost-to-go estimator of remainders; ``None`` means h = 0.
        weight: f = g + weight * max(0, h - table.complete_cost).
        batch_size: nodes expanded per iteration (one table query and one network call each).
        max_nodes: budget on generated nodes.
        time_limit: budget in seconds (``None``: none).
        first_solution: stop at the first word found instead of proving optimality.
        normal_form: Clifford+T syllable moves (single qubit) instead of basis-gate moves.
        cost: ``"gate"`` or ``"t"`` (gate moves only; normal-form moves cost one T each).

    Returns:
        A ``SearchOutcome``; ``success=False`` with ``reason`` naming the exhausted budget when no word was
        found.
    """
    start = time.perf_counter()
    basis = table.basis
    if normal_form and (heuristic is None or weight == 0):
        return _levels(target, table, eps, max_nodes, time_limit, start)
    if normal_form:
        expander = SyllableMoves()
        root = quaternions(np.asarray(target, dtype=complex))
    else:
        expander = GateMoves(basis, cost)
        root = np.asarray(target, dtype=complex)
    c_min = expander.min_cost
    beyond = table.complete_cost + c_min  # lower bound on what a node that misses the table still needs

    reps = [root]
    g_of = [0.0]
    parent = [-1]
    move = [-1]
    best_cost, best_node, best_entry, best_dist = np.inf, -1, -1, np.inf

    idx, dist = table.query(expander.table_points(root[None]), eps, k=64)
    if idx[0] >= 0:
        best_cost, best_node, best_entry, best_dist = table.costs[idx[0]], 0, int(idx[0]), float(dist[0])
    counter = itertools.count()
    open_heap: list[tuple[float, int, int]] = [(0.0, next(counter), 0)]
    g_heap: list[tuple[float, int]] = [(0.0, 0)]
    closed: set[int] = set()
    expanded = generated = iterations = calls = 0
    reason = "exhausted"
    while open_heap:
        while g_heap and g_heap[0][1] in closed:
            heapq.heappop(g_heap)
        lower = (g_heap[0][0] + beyond) if g_heap else np.inf
        if best_node >= 0 and best_cost <= lower + 1e-9:
            reason = "optimal"
            break
        if best_node >= 0 and first_solution:
            reason = "first solution"
            break
        if generated >= max_nodes:
            reason = "node budget"
            break
        if time_limit is not None and time.perf_counter() - start > time_limit:
            reason = "time budget"
            break
        batch = []
        while open_heap and len(batch) < batch_size:
            _, _, node = heapq.heappop(open_heap)
            closed.add(node)
            batch.append(node)
        iterations += 1
        expanded += len(batch)
        kids, kid_parent, kid_move, kid_g = expander.expand([reps[n] for n in batch], batch, move, g_of)
        if not len(kid_parent):
            continue
        generated += len(kid_parent)
        idx, dist = table.query(expander.table_points(kids), eps)
        hit = np.flatnonzero(idx >= 0)
        base = len(reps)
        for j in range(len(kid_parent)):
            reps.append(kids[j])
            g_of.append(float(kid_g[j]))
            parent.append(int(kid_parent[j]))
            move.append(int(kid_move[j]))
        if len(hit):
            totals = kid_g[hit] + table.costs[idx[hit]]
            j = int(np.argmin(totals + 1e-3 * dist[hit]))
            if totals[j] < best_cost - 1e-9 or (
                abs(totals[j] - best_cost) <= 1e-9 and dist[hit[j]] < best_dist
            ):
                best_cost, best_node = float(totals[j]), base + int(hit[j])
                best_entry, best_dist = int(idx[hit[j]]), float(dist[hit[j]])
        keep = np.flatnonzero(kid_g + beyond < best_cost - 1e-9)
        if not len(keep):
            continue
        f = kid_g[keep].astype(float)
        if heuristic is not None and weight > 0:
            h = np.asarray(heuristic(expander.matrices(kids[keep])), dtype=float)
            calls += 1
            f = f + weight * np.maximum(h - table.complete_cost, 0.0)
        for j, fj in zip(keep, f, strict=True):
            node = base + int(j)
            heapq.heappush(open_heap, (float(fj), next(counter), node))
            heapq.heappush(g_heap, (g_of[node], node))
    if reason == "exhausted" and best_node >= 0:
        reason = "optimal"  # every other branch was cut by the lower bound
    seconds = time.perf_counter() - start
    if best_node < 0:
        return SearchOutcome(
            False, [], np.inf, np.inf, False, reason, expanded, generated, iterations, calls, seconds
        )
    labels = table.word(best_entry)
    n = best_node
    while n > 0:
        labels.extend(expander.labels(move[n]))
        n = parent[n]
    return SearchOutcome(
        True,
        labels,
        best_cost,
        best_dist,
        reason == "optimal",
        reason,
        expanded,
        generated,
        iterations,
        calls,
        seconds,
    )


def _levels(
    target: np.ndarray, table: WordTable, eps: float, max_nodes: int, time_limit: float | None, start: float
) -> SearchOutcome:
    """Uniform-cost normal-form search, one whole T-count level per step (vectorised, no heap).

    Level m holds every prefix of T-count m (3 * 2^(m-1) of them); the first level with a table hit is
    optimal: a node without a hit needs more than ``table.complete_cost`` further T gates.
    """
    names = SyllableMoves.names
    inv = np.stack([conjugate(SYLLABLES[n][0]) for n in names])
    root = quaternions(np.asarray(target, dtype=complex))
    idx, dist = table.query(root[None], eps, k=64)
    if idx[0] >= 0:
        labels = table.word(int(idx[0]))
        return SearchOutcome(
            True,
            labels,
            float(table.costs[idx[0]]),
            float(dist[0]),
            True,
            "optimal",
            0,
            1,
            0,
            0,
            time.perf_counter() - start,
        )
    frontier = root[None]
    parents: list[np.ndarray] = []
    moves: list[np.ndarray] = []
    generated = expanded = 0
    reason = "exhausted"
    level = 0
    while True:
        level += 1
        size = len(frontier) * (3 if level == 1 else 2)
        if generated + size > max_nodes:
            reason = "node budget"
            break
        if time_limit is not None and time.perf_counter() - start > time_limit:
            reason = "time budget"
            break
        mv = np.array([0, 1, 2]) if level == 1 else np.array([1, 2])
        kids = hamilton(inv[mv][None, :, :], frontier[:, None, :]).reshape(-1, 4)
        par = np.repeat(np.arange(len(frontier), dtype=np.int64), len(mv))
        mvs = np.tile(mv, len(frontier))
        expanded += len(frontier)
        generated += len(kids)
        best_j, best_cost, best_entry, best_dist = -1, np.inf, -1, np.inf
        chunk = 1 << 16
        for lo in range(0, len(kids), chunk):
            idx, dist = table.query(kids[lo : lo + chunk], eps, k=2)
            hit = np.flatnonzero(idx >= 0)
            if len(hit):
                score = table.costs[idx[hit]] + 1e-3 * dist[hit]
                j = int(np.argmin(score))
                if score[j] < best_cost:
                    best_j, best_cost = lo + int(hit[j]), float(score[j])
                    best_entry, best_dist = int(idx[hit[j]]), float(dist[hit[j]])
        parents.append(par)
        moves.append(mvs)
        if best_j >= 0:
            labels = table.word(best_entry)
            j = best_j
            for lv in range(level - 1, -1, -1):
                labels.extend(SYLLABLES[names[int(moves[lv][j])]][1])
                j = int(parents[lv][j])
            return SearchOutcome(
                True,
                labels,
                float(level + table.costs[best_entry]),
                best_dist,
                True,
                "optimal",
                expanded,
                generated,
                level,
                0,
                time.perf_counter() - start,
            )
        frontier = kids
    return SearchOutcome(
        False, [], np.inf, np.inf, False, reason, expanded, generated, level, 0, time.perf_counter() - start
    )
