"""Data of the classifier tasks: two classes, a held-out split (and a validation split), features as angles.

Both tasks map the features of the training split to ``[0, pi]`` (min-max) after a reduction to one feature
per qubit: ``digits`` by scikit-learn's PCA of the raw pixels (the setting of its published figures), the
``classifier`` task by :class:`qgen.datasets.tabular.Reducer` (standardise, then PCA), the map ``qgen fit``
applies, so a searched circuit meets the same angles when a model is trained from it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from qgen.datasets.tabular import Dataset, Reducer, TabularDataError, load_data
from qgen.optional import require
from qgen.search.errors import TaskError

Fit = Callable[[np.ndarray], Callable[[np.ndarray], np.ndarray]]


def two_class_split(
    x: np.ndarray, y: np.ndarray, fit: Fit, test_fraction: float, seed: int, validation: float = 0.0
) -> dict:
    """Stratified train / test (/ validation) split of ``x`` with 0/1 targets ``y``; features as angles.

    ``fit(x_train)`` returns the reduction (applied to every split); the reduced training features set the
    min-max map to ``[0, pi]`` (other splits are clipped to it). ``validation`` > 0 moves that share of all
    samples from the training split to ``x_val``, ``y_val``.
    """
    selection = require("sklearn.model_selection", extra="search", purpose="the classifier tasks")
    split = selection.train_test_split
    x_tr, x_te, y_tr, y_te = split(x, y, test_size=test_fraction, random_state=seed, stratify=y)
    x_va = y_va = None
    if validation > 0:
        share = validation / (1 - test_fraction)  # of the remaining samples
        x_tr, x_va, y_tr, y_va = split(x_tr, y_tr, test_size=share, random_state=seed, stratify=y_tr)
    reduce = fit(x_tr)
    z_tr = reduce(x_tr)
    lo, hi = z_tr.min(0), z_tr.max(0)
    scale = np.pi / np.where(hi > lo, hi - lo, 1.0)

    def encode(part: np.ndarray) -> np.ndarray:
        return np.clip((reduce(part) - lo) * scale, 0, np.pi)

    out = {"x_train": encode(x_tr), "y_train": y_tr, "x_test": encode(x_te), "y_test": y_te}
    if x_va is not None:
        out.update(x_val=encode(x_va), y_val=y_va)
    return out


def digits_split(
    num_features: int, classes: tuple[int, int], test_fraction: float, seed: int, validation: float = 0.0
) -> dict:
    """Digits of two classes, PCA to ``num_features``, scaled to [0, pi] by the training split's range.

    ``validation`` > 0 moves that share of all samples from the training split to a validation split
    (``x_val``, ``y_val``), stratified, for model selection without the test split.
    """
    purpose = "the digits task"
    load_digits = require("sklearn.datasets", extra="search", purpose=purpose).load_digits
    PCA = require("sklearn.decomposition", extra="search", purpose=purpose).PCA  # noqa: N806

    def fit(x_tr: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        return PCA(n_components=num_features, random_state=seed).fit(x_tr).transform

    data = load_digits()
    keep = np.isin(data.target, classes)
    x, y = data.data[keep], (data.target[keep] == classes[1]).astype(np.float64)
    return two_class_split(x, y, fit, test_fraction, seed, validation)


def load_table(source: str, target_col: str | None) -> Dataset:
    """:func:`qgen.datasets.tabular.load_data` with its errors as :class:`TaskError`."""
    if not source:
        raise TaskError(
            "the classifier task needs data: -O data=NAME (iris, wine, breast_cancer, digits, moons) "
            "or -O data=FILE.csv / FILE.parquet"
        )
    try:
        return load_data(str(source), target_col or None, extra="search")
    except TabularDataError as exc:
        raise TaskError(f"classifier task: {exc}") from None


def pick_classes(ds: Dataset, classes: str | Sequence | None) -> tuple[str, str]:
    """The two class labels to keep (as text): the given ones, or the first two in sorted order."""
    target = ds.target_name or "target"
    if ds.y.dtype.kind == "f":
        raise TaskError(
            f"classifier task: the target {target!r} of {ds.name} has non-integer values; "
            "give a column of class labels with -O target_col=NAME"
        )
    present = [str(c) for c in np.unique(ds.y)]
    if len(present) < 2:
        raise TaskError(
            f"classifier task: the target {target!r} of {ds.name} has one class only ({present[0]!r}); "
            "it needs two"
        )
    if classes is None or (isinstance(classes, str) and not classes.strip()):
        return present[0], present[1]
    if isinstance(classes, str):
        wanted = [c.strip() for c in classes.split(",")]
    else:
        wanted = [str(c) for c in classes]
    if len(wanted) != 2 or wanted[0] == wanted[1]:
        raise TaskError(f"classifier task: classes takes two different labels like '0,1', got {classes!r}")
    missing = [c for c in wanted if c not in present]
    if missing:
        raise TaskError(
            f"classifier task: class(es) {missing} not in the target {target!r} of {ds.name}; "
            f"its classes are {present[:20]}"
        )
    return wanted[0], wanted[1]


def pick_features(ds: Dataset, features: str | None, num_qubits: int) -> tuple[np.ndarray, bool, list[str]]:
    """Feature columns to use and whether to reduce them by PCA (``"pca"``, ``"none"`` or column names)."""
    spec = (features or "pca").strip()
    if spec.lower() in ("pca", "none"):
        cols = list(range(ds.X.shape[1]))
    else:
        names = [c.strip() for c in spec.split(",") if c.strip()]
        unknown = [c for c in names if c not in ds.feature_names]
        if unknown:
            raise TaskError(
                f"classifier task: unknown feature column(s) {unknown} in {ds.name}; "
                f"its features are {ds.feature_names[:20]}"
            )
        cols = [ds.feature_names.index(c) for c in names]
    used = [ds.feature_names[j] if j < len(ds.feature_names) else f"x{j}" for j in cols]
    count = len(cols)
    if count < num_qubits or (spec.lower() == "none" and count != num_qubits):
        raise TaskError(
            f"classifier task: {count} feature(s) for {num_qubits} qubits (one feature per qubit); "
            f"use --qubits {count}" + ("" if spec.lower() == "none" else " or choose more feature columns")
        )
    reduce = spec.lower() == "pca" or count > num_qubits
    return ds.X[:, cols], reduce, used


def tabular_split(
    ds: Dataset,
    classes: tuple[str, str],
    num_qubits: int,
    features: str | None,
    test_fraction: float,
    seed: int,
    validation: float = 0.0,
) -> tuple[dict, bool]:
    """Two classes of a tabular dataset as angles for ``num_qubits`` qubits (class 1 = ``classes[1]``).

    Returns the splits (see :func:`two_class_split`) and whether the features were reduced by PCA.
    """
    labels = np.array([str(v) for v in ds.y])
    keep = np.isin(labels, classes)
    x_all, reduce, _ = pick_features(ds, features, num_qubits)
    x, y = x_all[keep], (labels[keep] == classes[1]).astype(np.float64)
    counts = [int((y == k).sum()) for k in (0, 1)]
    need = 3 if validation > 0 else 2
    if min(counts) < need:
        raise TaskError(
            f"classifier task: classes {list(classes)} have {counts} samples in {ds.name}; a stratified "
            f"held-out split needs at least {need} of each"
        )

    def fit(x_tr: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        if not reduce:
            return lambda part: part
        return Reducer(num_qubits).fit(x_tr).transform

    try:
        return two_class_split(x, y, fit, test_fraction, seed, validation), reduce
    except ValueError as exc:  # a split too small for the classes
        raise TaskError(f"classifier task: cannot split {ds.name} ({exc})") from None
