"""qgen.train: the shared training layer (checkpoints, ...); it imports no model.

Models keep their training beside them (arch2vec: :mod:`qgen.search.arch2vec.train`).
"""

__all__: list[str] = []
