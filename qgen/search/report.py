"""Summaries of search runs: per-seed metrics, medians and IQRs, and the best-reward-vs-evaluations plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from qgen.files import atomic_path
from qgen.optional import require
from qgen.search.methods.base import Trace


def quantiles(values: list[float | None], budget: int) -> dict:
    """Median and IQR of per-seed values; ``None`` (never reached) counts as ``budget + 1`` (censored)."""
    arr = np.array([budget + 1 if v is None else v for v in values], dtype=np.float64)
    if len(arr) == 0:
        return {"median": None, "q25": None, "q75": None, "reached": 0, "seeds": 0}
    q25, med, q75 = np.percentile(arr, [25, 50, 75])
    return {
        "median": float(med),
        "q25": float(q25),
        "q75": float(q75),
        "mean": float(arr.mean()),
        "reached": int(sum(v is not None for v in values)),
        "seeds": len(values),
        "censored_at": budget + 1,
    }


def summarise(traces: list[Trace], threshold: float, strict: float, budget: int) -> dict:
    """Metrics of one method over seeds: candidates above threshold, evaluations to the thresholds."""
    above = [t.count_above(threshold) for t in traces]
    reach = [t.evals_to_reach(threshold) for t in traces]
    reach_strict = [t.evals_to_reach(strict) for t in traces]
    best = [float(t.rewards.max()) for t in traces]
    return {
        "above_threshold": {**quantiles(above, budget), "per_seed": above},
        "evals_to_threshold": {**quantiles(reach, budget), "per_seed": reach},
        "evals_to_strict": {**quantiles(reach_strict, budget), "per_seed": reach_strict},
        "best_reward": {"median": float(np.median(best)), "max": float(np.max(best)), "per_seed": best},
        "seconds": float(sum(t.seconds for t in traces)),
    }


def plot_traces(
    traces: dict[str, list[Trace]], path: str | Path, title: str, thresholds: dict[str, float] | None = None
) -> Path:
    """PNG of the best reward so far against evaluations: median over seeds and the IQR band, per method."""
    matplotlib = require("matplotlib", extra="search", purpose="the search plot")
    matplotlib.use("Agg")
    plt = require("matplotlib.pyplot", extra="search", purpose="the search plot")

    fig, ax = plt.subplots(figsize=(6.4, 4.2), dpi=120)
    styles = ["-", "--", "-.", ":"]
    for i, (name, runs) in enumerate(traces.items()):
        length = min(len(t.rewards) for t in runs)
        curves = np.stack([t.best_so_far()[:length] for t in runs])
        x = np.arange(1, length + 1)
        q25, med, q75 = np.percentile(curves, [25, 50, 75], axis=0)
        (line,) = ax.plot(x, med, ls=styles[i % len(styles)], label=f"{name} (median of {len(runs)})")
        ax.fill_between(x, q25, q75, alpha=0.2, color=line.get_color())
    for label, value in (thresholds or {}).items():
        ax.axhline(value, ls="--", lw=0.8, color="gray")
        ax.text(1, value, f" {label} {value:g}", va="bottom", fontsize=7, color="gray")
    ax.set_xscale("log")
    ax.set_xlabel("evaluations")
    ax.set_ylabel("best reward so far")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    out = Path(path)
    try:
        with atomic_path(out, suffix=".png") as tmp:
            fig.savefig(tmp)
    finally:
        plt.close(fig)
    return out
