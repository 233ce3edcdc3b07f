"""Structural comparison of generated and real circuits: distribution distances and plots.

Scalar metrics (``qgen.circuits.profile`` of each circuit: qubits, gates, depth, 2-qubit fraction,
interaction-graph density) are compared with the 1-Wasserstein distance ``W1`` (``scipy.stats``; in the
metric's units) and ``W1 / std(real)`` (unit-free); the gate-type distribution (share of each gate over
all gates) with the total variation distance ``TV = 1/2 sum |p - q|`` (0: identical, 1: disjoint).
Each distance is also given for the random counterparts (how far "unrealistic" is) and, when a held-out
real split exists, for held-out real vs training real (the floor that sampling noise alone gives).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy.stats import wasserstein_distance

from qgen.circuits import Profile
from qgen.files import atomic_path
from qgen.generate.ketgpt.features import SCALARS, gate_distribution, scalar_metrics
from qgen.optional import require


def total_variation(p: dict[str, float], q: dict[str, float]) -> float:
    """``1/2 sum_g |p_g - q_g|`` over the union of keys."""
    keys = set(p) | set(q)
    return 0.5 * float(sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in keys))


def distances(reference: Sequence[Profile], other: Sequence[Profile]) -> dict:
    """W1 and W1/std per scalar metric, TV of the gate-type distribution, means of both sides."""
    if not reference or not other:
        return {}
    a, b = scalar_metrics(reference), scalar_metrics(other)
    out: dict = {}
    for name in SCALARS:
        w1 = float(wasserstein_distance(a[name], b[name]))
        std = float(a[name].std()) or 1.0
        out[name] = {
            "w1": w1,
            "w1_over_std": w1 / std,
            "reference_mean": float(a[name].mean()),
            "mean": float(b[name].mean()),
        }
    out["gate_types_tv"] = total_variation(gate_distribution(reference), gate_distribution(other))
    return out


def plot_profiles(
    groups: dict[str, Sequence[Profile]], path: str | os.PathLike, title: str = "structural profiles"
) -> Path:
    """Histograms of the scalar metrics and a gate-type bar chart per group, one PNG (atomic write)."""
    matplotlib = require("matplotlib", extra="generate", purpose="profile plots")

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    groups = {k: v for k, v in groups.items() if v}
    metrics = {k: scalar_metrics(v) for k, v in groups.items()}
    fig, axes = plt.subplots(2, 3, figsize=(15, 8.5))
    colors = dict(zip(groups, ["tab:blue", "tab:orange", "tab:gray", "tab:green"], strict=False))
    for ax, name in zip(axes.flat, SCALARS, strict=False):
        values = np.concatenate([m[name] for m in metrics.values()])
        bins = np.histogram_bin_edges(values, bins=30)
        for label, m in metrics.items():
            ax.hist(m[name], bins=bins, density=True, alpha=0.45, label=label, color=colors[label])
        ax.set_title(name.replace("_", " "))
        ax.set_ylabel("density")
    ax = axes.flat[len(SCALARS)]
    dists = {k: gate_distribution(v) for k, v in groups.items()}
    gates = [g for g in next(iter(dists.values())) if any(d[g] > 0.002 for d in dists.values())]
    x = np.arange(len(gates))
    width = 0.8 / len(dists)
    for j, (label, d) in enumerate(dists.items()):
        ax.bar(x + j * width, [d[g] for g in gates], width, label=label, color=colors[label])
    ax.set_xticks(x + 0.4 - width / 2, gates, rotation=90, fontsize=8)
    ax.set_title("gate types (share of all gates)")
    axes.flat[0].legend()
    fig.suptitle(title)
    fig.tight_layout()
    path = Path(path)
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)
    return path
