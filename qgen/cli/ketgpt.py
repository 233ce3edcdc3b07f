"""``qgen train ketgpt``: train the KetGPT circuit generator (registered in ``qgen/cli/app.py``)."""

from __future__ import annotations

from pathlib import Path

import typer

from qgen.cli._common import console, handle_errors, print_json
from qgen.cli.progress import RichProgress
from qgen.generate.ketgpt.config import CONFIGS


@handle_errors
def train_ketgpt_cmd(
    data: str = typer.Option(..., "--data", help="Corpus: dataset folder, Parquet or JSON-lines file."),
    out: Path = typer.Option(..., "--out", help="Model folder to write (checkpoints in OUT/checkpoints)."),
    config: str = typer.Option("ketgpt", "--config", help=f"Model shape: {', '.join(sorted(CONFIGS))}."),
    n_layer: int | None = typer.Option(None, "--n-layer", help="Override the number of layers."),
    n_head: int | None = typer.Option(None, "--n-head", help="Override the number of heads."),
    n_embd: int | None = typer.Option(None, "--n-embd", help="Override the embedding width."),
    context: int | None = typer.Option(None, "--context", help="Override the context length (tokens)."),
    column: str | None = typer.Option(None, "--column", help="QASM column (default: qasm2, qasm, ...)."),
    max_qubits: int = typer.Option(32, "--max-qubits", help="Tokenizer width; wider circuits are skipped."),
    epochs: float = typer.Option(5, "--epochs", help="Passes over the training circuits."),
    max_steps: int = typer.Option(-1, "--max-steps", help="Stop after this many steps (-1: all epochs)."),
    batch_size: int = typer.Option(4, "--batch-size", help="Circuits per step and device."),
    lr: float = typer.Option(5e-4, "--lr", help="Peak learning rate."),
    save_steps: int | None = typer.Option(None, "--save-steps", help="Also checkpoint every N steps."),
    no_resume: bool = typer.Option(False, "--no-resume", help="Start over even if checkpoints exist."),
    seed: int = typer.Option(0, "--seed", help="Seed."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Train the KetGPT circuit generator (GPT-2 from scratch) on a circuit corpus."""
    from qgen.generate.ketgpt.training import train_ketgpt

    with RichProgress(enabled=not as_json) as bar:
        summary = train_ketgpt(
            data,
            out,
            config=config,
            n_layer=n_layer,
            n_head=n_head,
            n_embd=n_embd,
            context=context,
            column=column,
            max_qubits=max_qubits,
            epochs=epochs,
            max_steps=max_steps,
            batch_size=batch_size,
            learning_rate=lr,
            save_steps=save_steps,
            resume=not no_resume,
            seed=seed,
            device=device,
            progress=bar,
        )
    if as_json:
        print_json({k: v for k, v in summary.items() if k != "history"})
        return
    d = summary["data"]
    console.print(
        f"trained {summary['config']} ({summary['parameters']:,} parameters) on {d['train_circuits']} "
        f"circuits "
        f"({d['train_tokens']:,} tokens) for {summary['steps']} steps in {summary['seconds']:.0f} s; "
        f"train loss {summary['train_loss']:.3f}"
        + (f", held-out loss {summary['heldout_loss']:.3f}" if summary["heldout_loss"] is not None else "")
        + f"\nmodel: {out}",
        highlight=False,
    )
