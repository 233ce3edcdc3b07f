"""Get a pool and its arch2vec embeddings for a search: from given folders, or built once into qgen's cache.

Without folders, the pool (``build_pool`` of the task width's default space) and the arch2vec model trained
on it are kept under ``$QGEN_CACHE/search/`` (default ``~/.cache/qgen/search/``), keyed by their settings,
so later searches reuse them; an interrupted arch2vec training resumes from its checkpoint. The cached
pool defaults to :data:`FIRST_RUN_POOL` circuits and arch2vec to :data:`FIRST_RUN_EPOCHS` epochs, so a first
search finishes in minutes on a laptop; the paper's setting is ``pool_size=100_000, epochs=16``.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from qgen.progress import Progress
from qgen.search.arch2vec.evaluate import embed_pool
from qgen.search.arch2vec.train import EMBEDDINGS, load_arch2vec, load_embeddings, train_arch2vec
from qgen.search.errors import PoolError
from qgen.search.pool import POOL_FILE, Pool, build_pool, save_pool
from qgen.search.pool_reader import load_pool
from qgen.search.tasks.base import default_space

#: size of the pool built into the cache when no pool is given (the paper samples 100,000)
FIRST_RUN_POOL = 4_000
#: arch2vec epochs when the cached model has to be trained (the paper trains 16)
FIRST_RUN_EPOCHS = 4


def cache_root() -> Path:
    """qgen's cache folder: ``$QGEN_CACHE`` or ``~/.cache/qgen``."""
    return Path(os.environ.get("QGEN_CACHE", Path.home() / ".cache" / "qgen"))


def prepare_space(
    num_qubits: int,
    *,
    pool_dir: str | Path | None = None,
    model_dir: str | Path | None = None,
    pool_size: int = FIRST_RUN_POOL,
    seed: int = 0,
    epochs: int = FIRST_RUN_EPOCHS,
    latent: int | None = None,
    progress: Progress | None = None,
    embed: bool = True,
) -> tuple[Pool, np.ndarray | None, dict]:
    """A pool and the arch2vec embedding of every circuit in it.

    Args:
        num_qubits: circuit width (the pool must have it).
        pool_dir: a pool folder (:func:`qgen.search.save_pool`, or a dataset folder of
            ``qgen dataset build architectures``; :func:`qgen.search.load_pool` reads both); default: build
            one into the cache.
        model_dir: an arch2vec folder (``qgen train arch2vec``) trained on that pool; default: train one
            into ``<pool folder>/arch2vec`` (resumable).
        pool_size, seed: the cached pool's size and sampler seed.
        epochs, latent: arch2vec settings when it has to be trained.
        progress: receives the pool build's and arch2vec training's progress.
        embed: ``False`` skips arch2vec (for methods that read the circuits' structure, not a latent).

    Returns:
        ``(pool, embeddings (N, d) or None, info)`` where info names the folders used.

    Raises:
        PoolError: the pool's width is not ``num_qubits``, or the model was trained on another pool.
    """
    plan = plan_space(num_qubits, pool_dir=pool_dir, model_dir=model_dir, pool_size=pool_size, seed=seed,
                      epochs=epochs, embed=embed)  # fmt: skip
    pool_path = Path(plan["pool"])
    if plan["build_pool"]:
        save_pool(build_pool(default_space(num_qubits), pool_size, seed=seed, progress=progress), pool_path)
    pool = load_pool(pool_path)
    if pool.space.num_qubits != num_qubits:
        raise PoolError(
            f"{pool_path}: the pool has {pool.space.num_qubits} qubits; the task needs {num_qubits}"
        )
    if not embed:
        return pool, None, {"pool": str(pool_path), "arch2vec": None}
    model_path = Path(plan["arch2vec"])
    if plan["train_arch2vec"]:
        train_arch2vec(pool, model_path, epochs=epochs, latent=latent, seed=seed, progress=progress)
    emb = load_embeddings(model_path)
    if emb.shape[0] != len(pool):
        model, _ = load_arch2vec(model_path)
        if model.config.num_qubits != num_qubits:
            raise PoolError(f"{model_path}: arch2vec was trained on {model.config.num_qubits}-qubit circuits")
        emb = embed_pool(model, pool)
    return pool, emb, {"pool": str(pool_path), "arch2vec": str(model_path)}


def cached_pool_path(num_qubits: int, pool_size: int = FIRST_RUN_POOL, seed: int = 0) -> Path:
    """The cache folder of the default pool of this width, size and seed."""
    if num_qubits < 1:
        raise PoolError(f"the number of qubits must be >= 1, got {num_qubits}")
    space = default_space(num_qubits)
    name = f"pool-{num_qubits}q-{space.num_gates}g-d{space.max_depth}-{pool_size}-s{seed}"
    return cache_root() / "search" / name


def plan_space(
    num_qubits: int,
    *,
    pool_dir: str | Path | None = None,
    model_dir: str | Path | None = None,
    pool_size: int = FIRST_RUN_POOL,
    seed: int = 0,
    epochs: int = FIRST_RUN_EPOCHS,
    embed: bool = True,
) -> dict:
    """What :func:`prepare_space` will do: its folders, and whether it builds the pool / trains arch2vec.

    >>> plan = plan_space(4, pool_dir="runs/pool", model_dir="runs/arch2vec")
    >>> plan["build_pool"], plan["train_arch2vec"]
    (False, False)
    """
    if pool_size < 1 or epochs < 1:
        raise PoolError(f"the pool size and arch2vec epochs must be >= 1, got {pool_size} and {epochs}")
    pool_path = Path(pool_dir) if pool_dir is not None else cached_pool_path(num_qubits, pool_size, seed)
    build = pool_dir is None and not (pool_path / POOL_FILE).is_file()
    model_path = Path(model_dir) if model_dir is not None else pool_path / "arch2vec"
    train = embed and model_dir is None and not (model_path / EMBEDDINGS).is_file()
    return {
        "pool": str(pool_path),
        "arch2vec": str(model_path) if embed else None,
        "build_pool": build,
        "train_arch2vec": train,
        "pool_size": pool_size,
        "epochs": epochs,
        "cached": pool_dir is None,
    }
