"""Data for the models: the tabular loader of :mod:`qgen.datasets.tabular`, raising :class:`DataError`.

Names: ``iris`` (3 classes), ``wine`` (3), ``breast_cancer`` (2), ``digits`` (10), ``digits01`` and
``digits35`` (the digit pairs 0/1 and 3/5), ``moons`` (200 noisy two-moons points). Files: every column but
the target is a feature and must be numeric; the target is ``target_col`` (default: the last column).

:class:`Reducer` standardises the features and projects them on their first principal components (fitted on
the training split only); its arrays are saved with the model so that ``qgen predict`` applies the same map.
The functions here are those of :mod:`qgen.datasets.tabular` (shared with the ``classifier`` search task);
their errors surface as :class:`qgen.models.errors.DataError`.
"""

from __future__ import annotations

import numpy as np

from qgen.datasets import tabular
from qgen.datasets.tabular import BUILTIN, Dataset, TabularDataError
from qgen.models.errors import DataError

__all__ = ["BUILTIN", "Dataset", "Reducer", "apply_preprocess", "load_data"]


def load_data(source: str, target_col: str | None = None, need_target: bool = True) -> Dataset:
    """Load a bundled dataset by name or a CSV / Parquet file (see :func:`qgen.datasets.tabular.load_data`).

    Raises:
        DataError: unknown name, missing file or column, non-numeric or missing feature values.
    """
    try:
        return tabular.load_data(source, target_col, need_target)
    except TabularDataError as exc:
        raise DataError(str(exc)) from None


class Reducer(tabular.Reducer):
    """Standardise, then project on the first ``n_components`` principal components (fitted on ``X``)."""

    def fit(self, X: np.ndarray) -> Reducer:
        """Fit the standardisation and the PCA."""
        try:
            super().fit(X)
        except TabularDataError as exc:
            raise DataError(str(exc)) from None
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Apply the fitted map."""
        return apply_preprocess(self.arrays, X)


def apply_preprocess(arrays: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Apply saved preprocessing arrays (``mean``, ``scale``, ``components``); empty arrays: identity."""
    try:
        return tabular.apply_preprocess(arrays, X)
    except TabularDataError as exc:
        raise DataError(str(exc)) from None
