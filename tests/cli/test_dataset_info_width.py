"""`qgen dataset info` statistics stay whole on an 80-column terminal (split into parts, never cut off)."""

from __future__ import annotations

import io

from rich.console import Console

from qgen.cli import dataset as dataset_cli


def test_statistics_fit_80_columns_without_cutting_names(monkeypatch):
    stats = [
        {"problem": "weighted_maxcut", "ansatz": "sim11", "rows": 1, "qubits": "3-3", "success_rate": 1.0,
         "beats_random_rate": 1.0, "mean_approximation_ratio": 0.65, "mean_ground_state_probability": 0.385,
         "converged_rate": 1.0},
    ]  # fmt: skip
    out = io.StringIO()
    monkeypatch.setattr(dataset_cli, "console", Console(file=out, width=80, force_terminal=False))
    dataset_cli._print_statistics(stats)
    text = out.getvalue()
    assert "…" not in text
    assert all(len(line) <= 80 for line in text.splitlines())
    for word in ("weighted_maxcut", "approximation", "probability", "converged", "0.385"):
        assert word in text
