"""``qgen eval ketgpt``: verify generated circuits (validity, realism, structure, novelty)."""

from __future__ import annotations

from pathlib import Path

import typer

from qgen.cli._common import handle_errors, print_json

app = typer.Typer(help="Evaluate generated circuits and trained models.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Evaluate generated circuits (ketgpt; more evaluations join here)."""


@app.command("ketgpt")
@handle_errors
def ketgpt_cmd(
    generated: str = typer.Option(..., "--generated", help="Folder written by 'qgen generate ketgpt'."),
    corpus: str = typer.Option(..., "--corpus", help="Real/random corpus (qgen dataset build algorithms)."),
    out: Path = typer.Option(..., "--out", help="Folder for eval.json, profiles.png, circuits.parquet."),
    model: Path | None = typer.Option(None, "--model", help="Model folder (training circuits for novelty)."),
    column: str | None = typer.Option(None, "--column", help="QASM column of the generated table."),
    corpus_column: str | None = typer.Option(None, "--corpus-column", help="QASM column of the corpus."),
    classifier: str = typer.Option("logreg", "--classifier", help="Realism classifier: logreg or gbdt."),
    max_sim_qubits: int | None = typer.Option(
        None,
        "--max-sim-qubits",
        help="Widest circuit for qgen.sim (wider: Aer MPS; default 16 on CPU, 20 on CUDA).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed."),
    device: str = typer.Option("cpu", "--device", help="Device of qgen.sim."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Verify generated circuits three ways and measure novelty; write eval.json and plots."""
    from qgen.cli.generate import _print_report
    from qgen.generate.ketgpt.evaluate import evaluate_ketgpt

    ev = evaluate_ketgpt(
        generated,
        corpus,
        model_dir=model,
        out=out,
        column=column,
        corpus_column=corpus_column,
        classifier=classifier,
        max_sim_qubits=max_sim_qubits,
        seed=seed,
        device=device,
    )
    if as_json:
        print_json(ev.report)
        return
    _print_report(ev.report, f"KetGPT verification -> {out}/eval.json")
