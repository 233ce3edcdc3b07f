"""``qgen train ...``: training entry points. A Typer sub-app; other models' commands join it through the
table in ``qgen/cli/app.py`` (``"train NAME": ("qgen.cli.NAME:train_cmd", "one-line help")``).
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from qgen.cli._common import console, handle_errors, print_json

app = typer.Typer(help="Train qgen's models (arch2vec; more join this group).", no_args_is_help=True)


@app.callback()
def _train_group() -> None:
    """Train qgen's models: ``qgen train arch2vec`` (more commands join this group)."""


@app.command("arch2vec")
@handle_errors
def arch2vec_cmd(
    pool: Path = typer.Option(
        ..., "--pool", help="Pool folder (`qgen search pool`, or `qgen dataset build architectures`)."
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="Output folder: checkpoint, arch2vec.json, embeddings."
    ),
    epochs: int = typer.Option(16, "--epochs", help="Epochs (paper: 16)."),
    batch_size: int = typer.Option(32, "--batch-size", help="Batch size (paper: 32)."),
    lr: float = typer.Option(1e-3, "--lr", help="Adam learning rate (paper: 1e-3)."),
    latent: int | None = typer.Option(
        None, "--latent", help="Latent size per node (default 16 / 32 for 8 qubits)."
    ),
    hidden: int = typer.Option(128, "--hidden", help="GIN width (paper: 128)."),
    seed: int = typer.Option(0, "--seed", help="Seed of split, weights and batches."),
    device: str = typer.Option("cpu", "--device", help="cpu, cuda or auto."),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="Continue from the checkpoint in --out."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
) -> None:
    """Train the arch2vec circuit autoencoder on a pool (checkpoint per epoch; resumes)."""
    from qgen.cli.progress import RichProgress
    from qgen.search.arch2vec import train_arch2vec
    from qgen.search.pool_reader import load_pool

    with RichProgress(enabled=not as_json) as bars:
        res = train_arch2vec(
            load_pool(pool), out, epochs=epochs, batch_size=batch_size, lr=lr, latent=latent, hidden=hidden,
            seed=seed, device=device, resume=resume, progress=bars,
        )  # fmt: skip
    if as_json:
        print_json(res.metrics)
        return
    held, prior = res.metrics["held_out"], res.metrics["prior"]
    table = Table(title=f"arch2vec on {pool} -> {out}")
    table.add_column("metric")
    table.add_column("value", justify="right")
    rows = [
        ("held-out circuits", held.get("circuits")),
        ("reconstruction accuracy (whole circuit)", f"{held.get('circuit_accuracy', 0):.4f}"),
        ("gate-type accuracy", f"{held.get('gate_type_accuracy', 0):.4f}"),
        ("occupancy accuracy", f"{held.get('occupancy_accuracy', 0):.4f}"),
        ("adjacency accuracy", f"{held.get('adjacency_accuracy', 0):.4f}"),
        ("prior samples", prior.get("samples")),
        ("prior validity", f"{prior.get('validity', 0):.4f}"),
        ("prior uniqueness", f"{prior.get('uniqueness', 0):.4f}"),
        ("epochs trained", res.metrics["epochs_trained"]),
    ]
    for k, v in rows:
        table.add_row(k, str(v))
    console.print(table)
    worst = min(held.get(k, 1.0) for k in ("gate_type_accuracy", "occupancy_accuracy", "adjacency_accuracy"))
    if worst < 0.99:
        console.print(
            f"[yellow]per-element reconstruction {worst:.4f} < 0.99: resume with more epochs (e.g. --epochs "
            f"{4 * epochs}) where decoding matters; the paper's 16 epochs were on 100,000 circuits. "
            "(8 qubits, 10,000 circuits: 64 epochs reach 0.996, but search in that latent was not better; "
            "BENCHMARKS.md)"
            "[/yellow]"
        )
