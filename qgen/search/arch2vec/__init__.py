"""arch2vec for circuits: the autoencoder (:mod:`.model`), its training (:mod:`.train`), evaluation
(:mod:`.evaluate`) and the pool + embeddings a search starts from (:mod:`.prepare`).

After "Quantum Architecture Search with Unsupervised Representation Learning" (Sun et al., 2024,
arXiv:2401.11576) and arch2vec (Yan et al., NeurIPS 2020, arXiv:2006.06936).
"""

from qgen.search.arch2vec.evaluate import embed_pool, prior_validity, reconstruction_accuracy
from qgen.search.arch2vec.model import Arch2Vec, Arch2VecConfig
from qgen.search.arch2vec.prepare import cache_root, prepare_space
from qgen.search.arch2vec.train import (
    Arch2VecResult,
    load_arch2vec,
    load_embeddings,
    train_arch2vec,
)

__all__ = [
    "Arch2Vec",
    "Arch2VecConfig",
    "Arch2VecResult",
    "cache_root",
    "embed_pool",
    "load_arch2vec",
    "load_embeddings",
    "prepare_space",
    "prior_validity",
    "reconstruction_accuracy",
    "train_arch2vec",
]
