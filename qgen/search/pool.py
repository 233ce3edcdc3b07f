"""Pools of unique circuits of a search space: a vectorised sampler, and save / load as NPZ + JSON.

A pool stores circuits as two small integer arrays (gate index into the space's gate pool, and qubits),
so 100,000 circuits of 10 gates take a few MB and load in milliseconds. ``qgen dataset build architectures``
publishes the same pools as Hugging Face datasets (:mod:`qgen.search.architectures`;
:func:`qgen.search.load_pool` reads either folder).

>>> pool = build_pool(SearchSpace(4, 10, 5), 50, seed=0)
>>> len(pool), pool.gatelist(0).num_qubits
(50, 4)
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from qgen._version import __version__
from qgen.files import atomic_path, atomic_write_text
from qgen.progress import Progress, report
from qgen.search.errors import PoolError
from qgen.search.space import SearchSpace, structure_key
from qgen.sim.gatelist import GateList
from qgen.sim.gates import GATES

POOL_FILE = "pool.npz"
POOL_META = "pool.json"


@dataclass
class Pool:
    """Unique circuits of a :class:`SearchSpace` as arrays.

    Attributes:
        space: the search space the circuits come from.
        gates: ``(N, G)`` index of each gate in ``space.gate_pool``.
        qubits: ``(N, G, 2)`` qubits of each gate (second entry ``-1`` for one-qubit gates); for ``cx`` the
            first is the control.
        seed: the seed the pool was sampled with (``None`` if built from given circuits).
    """

    space: SearchSpace
    gates: np.ndarray
    qubits: np.ndarray
    seed: int | None = None

    def __len__(self) -> int:
        return int(self.gates.shape[0])

    def gatelist(self, index: int) -> GateList:
        """Circuit ``index`` as a GateList; every angle is its own parameter (``p00``, ``p01``, ...)."""
        return arrays_to_gatelist(self.space, self.gates[index], self.qubits[index])

    def gatelists(self, indices: Sequence[int] | np.ndarray | None = None) -> list[GateList]:
        """Several circuits as GateLists (all of them by default)."""
        idx = range(len(self)) if indices is None else indices
        return [self.gatelist(int(i)) for i in idx]

    def keys(self, indices: Sequence[int] | np.ndarray | None = None) -> list[str]:
        """Structure hashes (:func:`qgen.search.space.structure_key`) of circuits."""
        return [structure_key(g) for g in self.gatelists(indices)]

    def row_keys(self) -> list[bytes]:
        """One bytes key per circuit (gate indices + qubits); equal keys, equal structures."""
        rows = np.concatenate(
            [self.gates.astype(np.int8).view(np.uint8), self.qubits.reshape(len(self), -1).view(np.uint8)],
            axis=1,
        )
        return [r.tobytes() for r in rows]

    def subset(self, indices: Sequence[int] | np.ndarray) -> Pool:
        """A new pool holding the given circuits."""
        idx = np.asarray(indices, dtype=np.int64)
        return Pool(self.space, self.gates[idx].copy(), self.qubits[idx].copy(), self.seed)

    def __iter__(self) -> Iterator[GateList]:
        return (self.gatelist(i) for i in range(len(self)))


def arrays_to_gatelist(space: SearchSpace, gates: np.ndarray, qubits: np.ndarray) -> GateList:
    """One circuit from its gate-index row and qubit rows (the pool format)."""
    width = len(str(3 * space.num_gates))
    ops = []
    count = 0
    for g, qs in zip(gates.tolist(), qubits.tolist(), strict=True):
        name = space.gate_pool[g]
        spec = GATES[name]
        k = spec.num_params
        ops.append((name, qs[: spec.num_qubits], [f"p{count + j:0{width}d}" for j in range(k)]))
        count += k
    return GateList(space.num_qubits, ops)


def gatelist_to_arrays(space: SearchSpace, gatelist: GateList) -> tuple[np.ndarray, np.ndarray]:
    """The pool rows of a circuit of the space (gate names must be in its gate pool)."""
    if len(gatelist.ops) != space.num_gates:
        raise PoolError(f"circuit has {len(gatelist.ops)} gates; the space needs {space.num_gates}")
    gates = np.zeros(space.num_gates, dtype=np.int16)
    qubits = np.full((space.num_gates, 2), -1, dtype=np.int8)
    for i, op in enumerate(gatelist.ops):
        if op.name not in space.gate_pool:
            raise PoolError(f"gate {op.name!r} is not in the space's gate pool {list(space.gate_pool)}")
        gates[i] = space.gate_pool.index(op.name)
        qubits[i, : len(op.qubits)] = op.qubits
    return gates, qubits


def _sample_arrays(space: SearchSpace, count: int, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """``count`` candidate circuits (before the depth filter) and their depths, vectorised over circuits."""
    n, g = space.num_qubits, space.num_gates
    pool_arity = np.array([GATES[name].num_qubits for name in space.gate_pool])
    gates = rng.integers(len(space.gate_pool), size=(count, g)).astype(np.int16)
    q0 = rng.integers(n, size=(count, g))
    if space.coupling_map is not None:
        edges = np.asarray(space.coupling_map, dtype=np.int64)
        pick = edges[rng.integers(len(edges), size=(count, g))]
        flip = rng.random((count, g)) < 0.5
        a = np.where(flip, pick[..., 1], pick[..., 0])
        b = np.where(flip, pick[..., 0], pick[..., 1])
    else:
        other = rng.integers(max(n - 1, 1), size=(count, g))
        b_rand = np.where(other < q0, other, other + 1)
        is_cx = np.zeros_like(gates, dtype=bool)
        if "cx" in space.gate_pool:
            is_cx = gates == space.gate_pool.index("cx")
        a = q0
        b = np.where(is_cx, (q0 + 1) % n, b_rand)
    two = pool_arity[gates] == 2
    first = np.where(two, a, q0)
    second = np.where(two, b, -1)
    qubits = np.stack([first, second], axis=-1).astype(np.int8)
    depth = np.zeros((count, n), dtype=np.int64)
    rows = np.arange(count)
    for j in range(g):
        d0 = depth[rows, first[:, j]]
        d1 = np.where(two[:, j], depth[rows, np.maximum(second[:, j], 0)], 0)
        level = np.maximum(d0, d1) + 1
        depth[rows, first[:, j]] = level
        sel = two[:, j]
        depth[rows[sel], second[sel, j]] = level[sel]
    return gates, qubits, depth.max(axis=1)


def build_pool(space: SearchSpace, size: int, seed: int = 0, progress: Progress | None = None) -> Pool:
    """Sample ``size`` unique circuits of ``space`` uniformly (rejecting circuits deeper than its limit).

    Follows the QAS paper's sampler (Sun et al., 2024): gates drawn uniformly from the pool, CNOT target
    ``(control + 1) mod n``, CZ / SWAP second qubit random (or a random coupling-map edge); circuits over the
    depth limit are rejected; repeated structures are dropped (first kept). Same seed, same pool.

    Args:
        space: the search space.
        size: number of unique circuits wanted (paper: 100,000).
        seed: sampler seed.
        progress: advanced by the number of new unique circuits (task ``"sampling circuits"``).

    Returns:
        A :class:`Pool`.

    Raises:
        PoolError: ``size`` is not positive, or the space has fewer distinct circuits than asked.
    """
    if size <= 0:
        raise PoolError(f"pool size must be positive, got {size}")
    rng = np.random.default_rng(seed)
    seen: set[bytes] = set()
    gates_out: list[np.ndarray] = []
    qubits_out: list[np.ndarray] = []
    stale = 0
    bar = report(progress)
    bar.start("sampling circuits", total=size, unit="circuit")
    try:
        while len(seen) < size:
            chunk = max(1024, min(200_000, 2 * (size - len(seen))))
            gates, qubits, depth = _sample_arrays(space, chunk, rng)
            ok = np.ones(chunk, dtype=bool) if space.max_depth is None else depth <= space.max_depth
            before = len(seen)
            rows = np.concatenate([gates.astype(np.int8).view(np.uint8), qubits.reshape(chunk, -1)], axis=1)
            for i in np.flatnonzero(ok):
                key = rows[i].tobytes()
                if key in seen:
                    continue
                seen.add(key)
                gates_out.append(gates[i])
                qubits_out.append(qubits[i])
                if len(seen) == size:
                    break
            bar.advance("sampling circuits", len(seen) - before)
            stale = stale + 1 if len(seen) == before else 0
            if stale >= 20:
                raise PoolError(
                    f"the space yields only {len(seen)} distinct circuits within depth {space.max_depth}; "
                    f"asked for {size}"
                )
    finally:
        bar.finish("sampling circuits")
    return Pool(space, np.stack(gates_out), np.stack(qubits_out), seed)


def pool_from_gatelists(space: SearchSpace, circuits: Sequence[GateList]) -> Pool:
    """A pool of given circuits of ``space`` (e.g. from ``SearchSpace.sample_many``); repeats are kept."""
    if not circuits:
        raise PoolError("a pool needs at least one circuit")
    rows = [gatelist_to_arrays(space, c) for c in circuits]
    return Pool(space, np.stack([r[0] for r in rows]), np.stack([r[1] for r in rows]), None)


def space_to_dict(space: SearchSpace) -> dict:
    """JSON-ready description of a search space."""
    data = asdict(space)
    data["gate_pool"] = list(space.gate_pool)
    data["coupling_map"] = None if space.coupling_map is None else [list(e) for e in space.coupling_map]
    return data


def space_from_dict(data: dict) -> SearchSpace:
    """Inverse of :func:`space_to_dict`."""
    cmap = data.get("coupling_map")
    return SearchSpace(
        num_qubits=int(data["num_qubits"]),
        num_gates=int(data["num_gates"]),
        max_depth=None if data.get("max_depth") is None else int(data["max_depth"]),
        gate_pool=tuple(data["gate_pool"]),
        coupling_map=None if cmap is None else tuple(tuple(int(q) for q in e) for e in cmap),
    )


def save_pool(pool: Pool, out_dir: str | Path) -> Path:
    """Write ``pool.npz`` (arrays) and ``pool.json`` (space, seed, size, qgen version) into ``out_dir``.

    Files are written to temporary names and renamed, so an interrupted save leaves no half-written pool.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    meta = {
        "space": space_to_dict(pool.space),
        "size": len(pool),
        "seed": pool.seed,
        "format": "gates: (N, G) index into gate_pool; qubits: (N, G, 2), -1 unused; cx (control, target)",
        "qgen_version": __version__,
    }
    atomic_savez(out / POOL_FILE, gates=pool.gates, qubits=pool.qubits)
    atomic_write_text(out / POOL_META, json.dumps(meta, indent=2))
    return out


def read_pool_files(folder: str | Path) -> Pool:
    """Read a :func:`save_pool` folder (``pool.npz`` + ``pool.json``); :func:`qgen.search.load_pool` also
    reads architecture dataset folders.

    Raises:
        PoolError: the files are missing or disagree.
    """
    folder = Path(folder)
    npz, meta_path = folder / POOL_FILE, folder / POOL_META
    if not npz.is_file() or not meta_path.is_file():
        raise PoolError(
            f"{folder}: no pool found (expected {POOL_FILE} and {POOL_META} from `qgen search pool`)"
        )
    meta = json.loads(meta_path.read_text())
    space = space_from_dict(meta["space"])
    with np.load(npz) as data:
        gates, qubits = data["gates"], data["qubits"]
    if gates.shape != (meta["size"], space.num_gates) or qubits.shape != (meta["size"], space.num_gates, 2):
        raise PoolError(f"{folder}: arrays of shape {gates.shape} / {qubits.shape} do not match {POOL_META}")
    return Pool(space, gates, qubits, meta.get("seed"))


def atomic_savez(path: Path, **arrays: np.ndarray) -> None:
    """``np.savez`` through :func:`qgen.files.atomic_path` (no half-written file on failure)."""
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez(tmp, **arrays)
