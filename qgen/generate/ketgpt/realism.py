"""The realism classifier: tells MQT Bench circuits from random circuits of the same width and length.

KetGPT's verification used DistilBERT (98.2% test accuracy). qgen fits a small classifier on two feature
groups, which trains in seconds on a CPU and says what its judgment rests on:

- structural ratios from ``qgen.circuits.profile`` (depth per gate, 2-qubit fraction and depth share,
  interaction-graph density and degree, gate-type shares);
- order-aware terms of :func:`qgen.generate.ketgpt.features.sequence_terms` (gate 1-3-grams, gates with their
  first-qubit step, 2-qubit spans, exact vs gridded angles), hashed to 2^10 columns as term frequencies.

Models (registry :data:`MODELS`): ``logreg`` (default; standardised logistic regression) and ``gbdt``
(``HistGradientBoostingClassifier``). A random counterpart has the real circuit's width and gate count, so
neither alone separates them: the classifier must look at structure and order. A circuit is judged real
when ``P(real) >= 0.5``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from qgen.files import atomic_path
from qgen.generate.errors import GenerateError
from qgen.generate.ketgpt.canonical import CanonicalCircuit
from qgen.generate.ketgpt.features import profile_rows, sequence_terms, structural_vector
from qgen.optional import require
from qgen.registry import Registry

HASH_FEATURES = 2**10

MODELS: Registry[Callable[[int], object]] = Registry("realism classifier")


@MODELS.register("gbdt")
def _gbdt(seed: int):
    require("sklearn", extra="generate", purpose="the realism classifier")
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, random_state=seed)


@MODELS.register("logreg")
def _logreg(seed: int):
    require("sklearn", extra="generate", purpose="the realism classifier")
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, max_iter=2000, random_state=seed))


def featurize(circuits: Sequence[CanonicalCircuit]) -> np.ndarray:
    """``(N, F)`` feature matrix: structural ratios, then hashed term frequencies."""
    require("sklearn", extra="generate", purpose="the realism classifier")
    from sklearn.feature_extraction.text import HashingVectorizer

    if not circuits:
        return np.zeros((0, 0))
    structural = np.stack([structural_vector(p) for p in profile_rows(circuits)])
    vec = HashingVectorizer(
        analyzer=sequence_terms, n_features=HASH_FEATURES, alternate_sign=False, norm="l1"
    )
    terms = vec.transform(circuits).toarray()
    return np.hstack([structural, terms])


@dataclass
class RealismClassifier:
    """A fitted classifier, its kind and its held-out accuracy."""

    model: object
    kind: str
    heldout_accuracy: float | None = None
    heldout_size: int = 0

    def probability_real(self, circuits: Sequence[CanonicalCircuit]) -> np.ndarray:
        """``P(real)`` of each circuit."""
        if not circuits:
            return np.zeros(0)
        return self.model.predict_proba(featurize(circuits))[:, 1]

    def judged_real(self, circuits: Sequence[CanonicalCircuit]) -> np.ndarray:
        """Boolean: judged real (``P(real) >= 0.5``)."""
        return self.probability_real(circuits) >= 0.5

    def save(self, path: str | os.PathLike) -> None:
        """Write the fitted classifier in skops' format (no pickle; atomically)."""
        sio = require("skops.io", extra="generate", purpose="saving the realism classifier")

        record = {
            "model": self.model,
            "kind": self.kind,
            "heldout_accuracy": self.heldout_accuracy,
            "heldout_size": self.heldout_size,
        }
        with atomic_path(path) as tmp:
            sio.dump(record, tmp)

    @staticmethod
    def load(path: str | os.PathLike) -> RealismClassifier:
        """Read a classifier written by :meth:`save`; types outside scikit-learn and numpy are refused.

        Raises:
            GenerateError: not a skops file of a realism classifier, or it holds other types.
        """
        sio = require("skops.io", extra="generate", purpose="loading the realism classifier")

        try:
            untrusted = sio.get_untrusted_types(file=path)
        except Exception as exc:  # skops raises zipfile / JSON errors for other files
            raise GenerateError(f"{path}: not a realism classifier written by qgen ({exc})") from None
        foreign = [t for t in untrusted if not t.startswith(("sklearn.", "numpy."))]
        if foreign:
            raise GenerateError(f"{path}: holds types qgen does not load: {', '.join(foreign)}")
        record = sio.load(path, trusted=untrusted)
        if not isinstance(record, dict) or "model" not in record:
            raise GenerateError(f"{path}: not a realism classifier written by qgen")
        return RealismClassifier(
            record["model"], record["kind"], record["heldout_accuracy"], int(record["heldout_size"])
        )


def train_realism(
    real_train: Sequence[CanonicalCircuit],
    random_train: Sequence[CanonicalCircuit],
    real_test: Sequence[CanonicalCircuit] = (),
    random_test: Sequence[CanonicalCircuit] = (),
    kind: str = "logreg",
    seed: int = 0,
) -> RealismClassifier:
    """Fit the realism classifier on real (label 1) vs random (label 0) circuits; score the test sets.

    Args:
        real_train, random_train: training circuits of each class.
        real_test, random_test: held-out circuits (accuracy is reported on them when given).
        kind: classifier from :data:`MODELS` (``gbdt`` or ``logreg``).
        seed: seed of the classifier.

    Raises:
        GenerateError: a class has no training circuit.
    """
    if not real_train or not random_train:
        raise GenerateError(
            f"the realism classifier needs real and random circuits; got {len(real_train)} real and "
            f"{len(random_train)} random (does the corpus have random counterparts?)"
        )
    model = MODELS[kind](seed)
    x = featurize([*real_train, *random_train])
    y = np.r_[np.ones(len(real_train)), np.zeros(len(random_train))]
    model.fit(x, y)
    clf = RealismClassifier(model, kind)
    test = [*real_test, *random_test]
    if test:
        truth = np.r_[np.ones(len(real_test)), np.zeros(len(random_test))]
        pred = clf.judged_real(test)
        clf.heldout_accuracy = float((pred == truth.astype(bool)).mean())
        clf.heldout_size = len(test)
    return clf
