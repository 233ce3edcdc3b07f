"""qgen.search: architecture search spaces (and, with the search issue, arch2vec, REINFORCE, BO)."""

from qgen.search.space import PAPER_POOL, SearchSpace, structure_key, unique

__all__ = ["PAPER_POOL", "SearchSpace", "structure_key", "unique"]
