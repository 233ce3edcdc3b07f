"""Tabular data: scikit-learn's bundled datasets by name, or CSV / Parquet files; PCA to a qubit count.

Shared by :mod:`qgen.models` (``qgen fit`` / ``qgen predict``, through :mod:`qgen.models.data`) and the
``classifier`` search task of :mod:`qgen.search`.

Names: ``iris`` (3 classes), ``wine`` (3), ``breast_cancer`` (2), ``digits`` (10), ``digits01`` and
``digits35`` (the digit pairs 0/1 and 3/5), ``moons`` (200 noisy two-moons points). Files: every column but
the target is a feature and must be numeric; the target is ``target_col`` (default: the last column).

:class:`Reducer` standardises the features and projects them on their first principal components (fitted on
the training split only); its arrays are saved with the model so that ``qgen predict`` applies the same map.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qgen.datasets.errors import DatasetError
from qgen.optional import require


class TabularDataError(DatasetError, ValueError):
    """Tabular data cannot be used (unknown dataset, missing file or column, non-numeric values)."""

BUILTIN = ("iris", "wine", "breast_cancer", "digits", "digits01", "digits35", "moons")


@dataclass
class Dataset:
    """Features ``X`` ``(N, d)``, targets ``y`` (None when the file has no target column), names."""

    X: np.ndarray
    y: np.ndarray | None
    name: str
    feature_names: list[str] = field(default_factory=list)
    target_name: str | None = None

    def summary(self) -> dict:
        """JSON-ready description (for the model card)."""
        out = {"name": self.name, "samples": int(len(self.X)), "features": int(self.X.shape[1])}
        if self.y is not None and self.y.dtype.kind in "iuUSOb":
            out["classes"] = [str(c) for c in np.unique(self.y)]
        return out


def _builtin(name: str, extra: str = "models") -> Dataset:
    ds = require("sklearn.datasets", extra=extra, purpose="the bundled scikit-learn datasets")
    if name == "moons":
        X, y = ds.make_moons(200, noise=0.1, random_state=0)
        return Dataset(X, y, name, ["x0", "x1"], "class")
    loader = {"iris": ds.load_iris, "wine": ds.load_wine, "breast_cancer": ds.load_breast_cancer}.get(name)
    if loader is None:
        bunch = ds.load_digits()
        X, y = bunch.data, bunch.target
        if name != "digits":
            a, b = int(name[-2]), int(name[-1])
            keep = (y == a) | (y == b)
            X, y = X[keep], y[keep]
        return Dataset(X, y, name, [f"pixel{i}" for i in range(X.shape[1])], "digit")
    bunch = loader()
    return Dataset(bunch.data, bunch.target, name, list(bunch.feature_names), "class")


def _columns_to_dataset(cols: dict[str, list], path: Path, target_col: str | None, need_target: bool):
    names = list(cols)
    if not names:
        raise TabularDataError(f"{path} has no columns")
    if target_col is not None and target_col not in cols:
        if need_target:
            raise TabularDataError(
                f"{path} has no target column {target_col!r}; its columns are {names[:12]}"
            )
        target_col = None
    target = target_col if target_col is not None else (names[-1] if need_target else None)
    features = [n for n in names if n != target]
    if not features:
        raise TabularDataError(f"{path} has only the target column {target!r}; it needs feature columns")
    X = np.empty((len(cols[names[0]]), len(features)))
    for j, n in enumerate(features):
        try:
            X[:, j] = np.asarray(cols[n], dtype=np.float64)
        except (TypeError, ValueError):
            bad = next(v for v in cols[n] if not _is_number(v))
            raise TabularDataError(
                f"{path}: column {n!r} is not numeric (e.g. {bad!r}); encode it as numbers or drop it"
            ) from None
    if np.isnan(X).any():
        missing = [features[j] for j in np.where(np.isnan(X).any(0))[0]]
        raise TabularDataError(f"{path} has missing values in column(s) {missing}; fill or drop them")
    y = None
    if target is not None:
        y = np.asarray(cols[target])
        if y.dtype.kind in "OUS" and all(_is_number(v) for v in y):
            y = y.astype(np.float64)
        if y.dtype.kind == "f" and np.all(y == np.round(y)):
            y = y.astype(np.int64)
    return Dataset(X, y, path.name, features, target)


def _is_number(v) -> bool:
    try:
        float(v)
        return True
    except (TypeError, ValueError):
        return False


def _read_csv(path: Path) -> dict[str, list]:
    with path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        raise TabularDataError(f"{path} is empty")
    header, body = rows[0], [r for r in rows[1:] if r]
    if any(len(r) != len(header) for r in body):
        raise TabularDataError(
            f"{path}: rows have different numbers of fields than the header ({len(header)})"
        )
    return {h: [r[j] for r in body] for j, h in enumerate(header)}


def _read_parquet(path: Path) -> dict[str, list]:
    pq = require("pyarrow.parquet", extra="data", purpose="reading Parquet files")
    return pq.read_table(path).to_pydict()


def load_data(
    source: str, target_col: str | None = None, need_target: bool = True, *, extra: str = "models"
) -> Dataset:
    """Load a bundled dataset by name or a CSV / Parquet file.

    Args:
        source: a name in ``BUILTIN`` or a path to a ``.csv`` / ``.parquet`` file.
        target_col: the target column of a file (default: the last column).
        need_target: whether a file must have a target column (False for ``qgen predict``: a missing
            ``target_col`` then means "no targets").
        extra: the ``qgen[EXTRA]`` named when scikit-learn is missing for a bundled dataset.

    Raises:
        TabularDataError: unknown name, missing file or column, non-numeric or missing feature values.
    """
    if source in BUILTIN:
        return _builtin(source, extra)
    path = Path(source)
    if not path.is_file() and (path.suffix or "/" in source):
        raise TabularDataError(
            f"no such file: {source} (give a .csv / .parquet file or a bundled dataset name)"
        )
    if not path.is_file():
        raise TabularDataError(
            f"unknown dataset {source!r}: not a file; bundled datasets are {', '.join(BUILTIN)}"
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        cols = _read_csv(path)
    elif suffix in (".parquet", ".pq"):
        cols = _read_parquet(path)
    else:
        raise TabularDataError(f"{path}: unsupported file type {suffix!r}; use .csv or .parquet")
    if not need_target and target_col is None:
        return _columns_to_dataset(cols, path, None, False)
    return _columns_to_dataset(cols, path, target_col, need_target)


class Reducer:
    """Standardise, then project on the first ``n_components`` principal components (fitted on ``X``)."""

    def __init__(self, n_components: int) -> None:
        self.n_components = int(n_components)
        self.arrays: dict[str, np.ndarray] = {}

    def fit(self, X: np.ndarray) -> Reducer:
        """Fit the standardisation and the PCA."""
        if not 1 <= self.n_components <= X.shape[1]:
            raise TabularDataError(f"cannot reduce {X.shape[1]} features to {self.n_components}")
        mean, scale = X.mean(0), X.std(0)
        scale = np.where(scale > 0, scale, 1.0)
        Z = (X - mean) / scale
        _, _, vt = np.linalg.svd(Z, full_matrices=False)
        self.arrays = {"mean": mean, "scale": scale, "components": vt[: self.n_components]}
        return self

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Apply the fitted map."""
        return apply_preprocess(self.arrays, X)


def apply_preprocess(arrays: dict[str, np.ndarray], X: np.ndarray) -> np.ndarray:
    """Apply saved preprocessing arrays (``mean``, ``scale``, ``components``); empty arrays: identity."""
    if not arrays:
        return X
    mean, scale, comps = arrays["mean"], arrays["scale"], arrays["components"]
    if X.shape[1] != mean.shape[0]:
        raise TabularDataError(
            f"the model was trained on {mean.shape[0]} raw features; the data has {X.shape[1]}"
        )
    return ((X - mean) / scale) @ comps.T
