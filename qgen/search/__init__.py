"""qgen.search: quantum architecture search in a learned latent space (arch2vec, REINFORCE, BO).

Pieces: search spaces and pools (:mod:`~qgen.search.space`, :mod:`~qgen.search.pool`), the DAG encoding
(:mod:`~qgen.search.encoding`), the arch2vec autoencoder with its training, evaluation and the prepare step
(:mod:`~qgen.search.arch2vec`), tasks (:mod:`~qgen.search.tasks`), search methods
(:mod:`~qgen.search.methods`), cached rewards (:mod:`~qgen.search.oracle`) and the driver
:func:`~qgen.search.run.search`.
"""

from qgen.search.errors import CheckpointError, PoolError, SearchError, TaskError
from qgen.search.pool import Pool, build_pool, pool_from_gatelists, save_pool
from qgen.search.space import PAPER_POOL, SearchSpace, structure_key, unique

__all__ = [
    "PAPER_POOL",
    "CheckpointError",
    "Pool",
    "PoolError",
    "SearchError",
    "SearchSpace",
    "TaskError",
    "build_pool",
    "load_pool",
    "make_task",
    "pool_from_gatelists",
    "save_pool",
    "search",
    "structure_key",
    "unique",
]


def __getattr__(name: str):
    """Lazy access to the heavier parts (tasks, the search driver, pools of dataset folders)."""
    if name == "make_task":
        from qgen.search.tasks import make_task

        return make_task
    if name == "load_pool":
        from qgen.search.pool_reader import load_pool

        return load_pool
    if name == "search":
        from qgen.search.run import search

        return search
    raise AttributeError(f"module 'qgen.search' has no attribute {name!r}")
