"""Novelty of generated circuits against the training circuits.

- exact copies: a generated circuit whose canonical hash (:meth:`CanonicalCircuit.hash`) equals a training
  circuit's is a copy; novelty is the share that are not;
- nearest-neighbour distance: cosine distance ``1 - cos`` between word 1-3-gram count vectors (hashed to
  2^18 columns) of a circuit and its nearest training circuit (0: same n-grams in the same proportions,
  1: no n-gram in common). The same distance for held-out real circuits is the reference: generated
  circuits as far from the training set as unseen real circuits are not memorised ones.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qgen.generate.ketgpt.canonical import CanonicalCircuit
from qgen.generate.ketgpt.features import word_ngrams
from qgen.optional import require


def _vectors(circuits: Sequence[CanonicalCircuit]):
    require("sklearn", extra="generate", purpose="novelty")
    from sklearn.feature_extraction.text import HashingVectorizer

    vec = HashingVectorizer(analyzer=word_ngrams, n_features=2**18, alternate_sign=False, norm="l2")
    return vec.transform(circuits)


def nearest_distances(
    queries: Sequence[CanonicalCircuit], reference: Sequence[CanonicalCircuit], block: int = 512
) -> np.ndarray:
    """Cosine distance of each query to its nearest reference circuit (word 1-3-grams)."""
    if not queries or not reference:
        return np.zeros(0)
    ref = _vectors(reference).T.tocsr()
    out = []
    for start in range(0, len(queries), block):
        sims = (_vectors(queries[start : start + block]) @ ref).toarray()
        out.append(1.0 - sims.max(axis=1))
    return np.clip(np.concatenate(out), 0.0, 1.0)


def novelty(
    generated: Sequence[CanonicalCircuit],
    train: Sequence[CanonicalCircuit],
    heldout: Sequence[CanonicalCircuit] = (),
    all_real: Sequence[CanonicalCircuit] = (),
) -> dict:
    """Share of generated circuits that are not copies, and nearest-neighbour distances (see module)."""
    train_hashes = {c.hash() for c in train}
    real_hashes = train_hashes | {c.hash() for c in all_real}
    hashes = [c.hash() for c in generated]
    nn = nearest_distances(generated, train)
    ref = nearest_distances(heldout, train) if heldout else np.zeros(0)
    return {
        "metric": "novel = canonical hash not among the training circuits; nn = cosine distance of word "
        "1-3-gram counts to the nearest training circuit",
        "evaluated": len(generated),
        "novel": float(np.mean([h not in train_hashes for h in hashes])) if hashes else 0.0,
        "novel_vs_all_real": float(np.mean([h not in real_hashes for h in hashes])) if hashes else 0.0,
        "unique": len(set(hashes)) / len(hashes) if hashes else 0.0,
        "nn_distance_mean": float(nn.mean()) if nn.size else None,
        "nn_distance_median": float(np.median(nn)) if nn.size else None,
        "heldout_real_nn_distance_mean": float(ref.mean()) if ref.size else None,
        "heldout_real_nn_distance_median": float(np.median(ref)) if ref.size else None,
    }
