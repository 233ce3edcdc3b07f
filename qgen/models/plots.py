"""Learning-curve and confusion-matrix figures (matplotlib, written as PNG)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qgen.files import atomic_path
from qgen.optional import require


def _pyplot():
    mpl = require("matplotlib", extra="models", purpose="plots")
    mpl.use("Agg")
    return require("matplotlib.pyplot", extra="models")


def learning_curve(history: dict, path: str | Path, title: str = "") -> Path:
    """Training (and validation) loss per epoch, validation score on a second axis."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    epochs = np.arange(1, len(history.get("loss", [])) + 1)
    ax.plot(epochs, history.get("loss", []), label="training loss")
    if history.get("val_loss"):
        ax.plot(epochs, history["val_loss"], label="validation loss")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    if history.get("val_score"):
        ax2 = ax.twinx()
        ax2.plot(epochs, history["val_score"], color="tab:green", linestyle="--", label="validation score")
        ax2.set_ylabel("validation score")
        ax2.legend(loc="center right")
    ax.legend(loc="upper right")
    ax.set_title(title)
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=120)
    plt.close(fig)
    return Path(path)


def confusion_matrix(y_true, y_pred, labels, path: str | Path, title: str = "") -> Path:
    """Counts of (true, predicted) label pairs as an annotated heat map."""
    plt = _pyplot()
    labels = list(labels)
    index = {lab: i for i, lab in enumerate(labels)}
    mat = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(y_true, y_pred, strict=True):
        mat[index[t], index[p]] += 1
    fig, ax = plt.subplots(figsize=(1.2 + 0.6 * len(labels), 1 + 0.6 * len(labels)))
    ax.imshow(mat, cmap="Blues")
    ticks = range(len(labels))
    ax.set_xticks(ticks, [str(v) for v in labels])
    ax.set_yticks(ticks, [str(v) for v in labels])
    for i in ticks:
        for j in ticks:
            ax.text(j, i, str(mat[i, j]), ha="center", va="center",
                    color="white" if mat[i, j] > mat.max() / 2 else "black")  # fmt: skip
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title)
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=120)
    plt.close(fig)
    return Path(path)
