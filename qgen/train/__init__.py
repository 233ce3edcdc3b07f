"""qgen.train: training entry points behind ``qgen train ...`` (arch2vec; other models add modules here).

Submodules are imported on use (``from qgen.train.arch2vec import train_arch2vec``), so one model's
dependencies never load with another's.
"""

__all__ = ["train_arch2vec"]


def __getattr__(name: str):
    """Lazy access to ``train_arch2vec``."""
    if name == "train_arch2vec":
        from qgen.train.arch2vec import train_arch2vec

        return train_arch2vec
    raise AttributeError(f"module 'qgen.train' has no attribute {name!r}")
