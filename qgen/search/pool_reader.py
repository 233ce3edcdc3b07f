"""Read a pool from a ``qgen search pool`` folder or an ``architectures`` dataset folder."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from qgen.datasets.errors import DatasetError
from qgen.optional import require
from qgen.search.architectures import ArchitectureConfig
from qgen.search.errors import PoolError
from qgen.search.pool import POOL_FILE, POOL_META, Pool, read_pool_files


def read_pool(path: str | os.PathLike) -> Pool:
    """The :class:`~qgen.search.pool.Pool` of a complete architecture build folder (same order and arrays).

    Raises:
        DatasetError: no build there, another kind, an incomplete build, or rows that disagree with it.
    """
    pa = require("pyarrow", extra="data", purpose="reading an architecture dataset")
    pc = require("pyarrow.compute", extra="data", purpose="reading an architecture dataset")

    from qgen.datasets.io import read_table
    from qgen.datasets.shards import read_build
    from qgen.sim.gates import GATES

    meta = read_build(path)
    if meta.get("kind") != "architectures":
        raise DatasetError(
            f"{path} holds a dataset of kind {meta.get('kind')!r}, not an architecture pool "
            "(`qgen dataset build architectures`)"
        )
    cfg = ArchitectureConfig.from_dict(meta["config"]).resolved()
    space = cfg.space()
    table = read_table(path, columns=["index", "gates", "qubits"])
    if table.num_rows != cfg.size:
        raise DatasetError(
            f"{path}: the build holds {table.num_rows} of {cfg.size} circuits; finish it first (rerun the "
            "same `qgen dataset build` command, or merge its --shard parts)"
        )
    index = table.column("index").to_numpy()
    order = np.argsort(index, kind="stable")
    if not np.array_equal(index[order], np.arange(cfg.size)):
        raise DatasetError(f"{path}: row indices are not 0..{cfg.size - 1} exactly once")
    n, g = cfg.size, space.num_gates
    gates_col = table.column("gates").combine_chunks()
    qubits_col = table.column("qubits").combine_chunks()
    if not (pc.all(pc.equal(pc.list_value_length(gates_col), g)).as_py() and len(qubits_col) == n):
        raise DatasetError(f"{path}: every circuit must have {g} gates")
    gate_idx = pc.index_in(pc.list_flatten(gates_col), value_set=pa.array(space.gate_pool))
    if gate_idx.null_count:
        raise DatasetError(f"{path}: gates outside the space's gate pool {list(space.gate_pool)}")
    gates = gate_idx.to_numpy().astype(np.int16).reshape(n, g)
    per_gate = pc.list_flatten(qubits_col)
    lengths = pc.list_value_length(per_gate).to_numpy(zero_copy_only=False)
    arity = np.array([GATES[name].num_qubits for name in space.gate_pool])[gates.reshape(-1)]
    if len(lengths) != n * g or not np.array_equal(lengths, arity):
        raise DatasetError(f"{path}: the qubits of some gates do not match their arity")
    values = pc.list_flatten(per_gate).to_numpy(zero_copy_only=False)
    if values.size and not 0 <= values.min() <= values.max() < space.num_qubits:
        raise DatasetError(f"{path}: qubit indices outside 0..{space.num_qubits - 1}")
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    qubits = np.full((n * g, 2), -1, dtype=np.int8)
    qubits[:, 0] = values[starts]
    two = lengths == 2
    qubits[two, 1] = values[starts[two] + 1]
    return Pool(space, gates[order], qubits.reshape(n, g, 2)[order], cfg.seed)


def load_pool(path: str | os.PathLike) -> Pool:
    """Read a pool: a :func:`~qgen.search.pool.save_pool` folder (or its ``pool.npz``) or a dataset folder
    of kind ``architectures``.

    A dataset folder gives the same pool as ``build_pool(space, size, seed)`` of its build settings (same
    order, arrays and dtypes, so arch2vec fingerprints agree with the ``pool.npz`` form).

    Raises:
        PoolError: the folder has neither, its files disagree, or the dataset is incomplete or another kind.
    """
    p = Path(path)
    folder = p.parent if p.suffix == ".npz" else p
    if (folder / POOL_FILE).is_file() and (folder / POOL_META).is_file():
        return read_pool_files(folder)
    if (folder / "build.json").is_file():
        try:
            return read_pool(folder)
        except DatasetError as exc:
            raise PoolError(str(exc)) from None
    raise PoolError(
        f"{folder}: no pool found (expected {POOL_FILE} and {POOL_META} from `qgen search pool`, or a "
        "dataset folder from `qgen dataset build architectures`); build one first"
    )
