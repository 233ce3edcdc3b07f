"""qgen.search: quantum architecture search in a learned latent space (arch2vec, REINFORCE, BO).

Pieces: search spaces and pools (:mod:`~qgen.search.space`, :mod:`~qgen.search.pool`), the DAG encoding
(:mod:`~qgen.search.encoding`), the arch2vec autoencoder (:mod:`~qgen.search.autoencoder`, trained by
:mod:`qgen.train.arch2vec`), tasks (:mod:`~qgen.search.tasks`), search methods (:mod:`~qgen.search.methods`),
cached rewards (:mod:`~qgen.search.oracle`) and the driver :func:`~qgen.search.run.search`.
"""

from qgen.search.errors import CheckpointError, PoolError, SearchError, TaskError
from qgen.search.pool import Pool, build_pool, load_pool, pool_from_gatelists, save_pool
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
    """Lazy access to the heavier parts (tasks pull scikit-learn, search pulls BoTorch lazily)."""
    if name == "make_task":
        from qgen.search.tasks import make_task

        return make_task
    if name == "search":
        from qgen.search.run import search

        return search
    raise AttributeError(f"module 'qgen.search' has no attribute {name!r}")
