"""``qgen generate ketgpt`` (and ``qgen dataset build synthetic`` via :func:`synthetic_cmd`)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from qgen.cli._common import console, handle_errors, print_json
from qgen.cli.progress import RichProgress
from qgen.generate.ketgpt.defaults import DEFAULT_TOP_K

app = typer.Typer(help="Generate circuits with trained models.", no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Generate circuits with trained models (ketgpt; more generators join here)."""


@app.command("ketgpt")
@handle_errors
def ketgpt_cmd(
    model: Path = typer.Option(..., "--model", help="Model folder written by 'qgen train ketgpt'."),
    n: int = typer.Option(1000, "-n", "--num", help="Circuits to sample."),
    out: Path = typer.Option(..., "--out", help="Dataset folder to write (Parquet + card)."),
    qubits: str | None = typer.Option(
        None,
        "--qubits",
        help="Register sizes to draw from, e.g. '4,6-8' (default: the training distribution).",
    ),
    unconstrained: bool = typer.Option(
        False, "--unconstrained", help="Sample without the grammar constraint (to measure raw validity)."
    ),
    batch_size: int = typer.Option(100, "--batch-size", help="Sequences per generate call."),
    top_k: int = typer.Option(DEFAULT_TOP_K, "--top-k", help="Top-k sampling (0: off; KetGPT used 5)."),
    top_p: float = typer.Option(1.0, "--top-p", help="Nucleus sampling mass (1: off)."),
    min_p: float = typer.Option(0.0, "--min-p", help="Min-p sampling: keep words >= this x the top one's p."),
    temperature: float = typer.Option(1.0, "--temperature", help="Sampling temperature."),
    max_new_tokens: int | None = typer.Option(None, "--max-new-tokens", help="Length limit per circuit."),
    lengths: str = typer.Option(
        "data",
        "--lengths",
        help="data: length budgets of training circuits (KetGPT); model: the model decides.",
    ),
    cancel_free: bool = typer.Option(
        True,
        "--cancel-free/--allow-cancel",
        help="Forbid a statement that undoes the previous one on the same qubits (h q[0]; h q[0];).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    as_json: bool = typer.Option(False, "--json", help="Print the metadata as JSON."),
    executor: str | None = typer.Option(
        None, "--executor", help="Sample parts of --batch-size on: local (one process per core) or ray "
        "(a Ray cluster; the model folder must be readable on its nodes); default: this process.",
    ),
    address: str | None = typer.Option(
        None, "--address", help="Ray cluster: auto (joined with `ray start`) or ray://host:10001."
    ),
) -> None:
    """Sample circuits from a KetGPT model and write them as a Hugging Face dataset."""
    from qgen.generate.ketgpt.synthetic import generate_dataset, parse_qubits

    with RichProgress(enabled=not as_json) as bar:
        result, meta = generate_dataset(
            model,
            out,
            n,
            qubits=parse_qubits(qubits),
            constrained=not unconstrained,
            batch_size=batch_size,
            top_k=top_k,
            top_p=top_p,
            min_p=min_p,
            temperature=temperature,
            max_new_tokens=max_new_tokens,
            lengths=lengths,
            seed=seed,
            device=device,
            progress=bar,
            cancel_free=cancel_free,
            executor=_executor(executor, address),
        )
    if as_json:
        print_json(meta)
        return
    console.print(
        f"{len(result.samples)} circuits ({'unconstrained' if unconstrained else 'constrained'}) -> {out}\n"
        f"valid programs: {100 * result.valid_fraction:.1f}%; {result.seconds_per_circuit:.4f} s per circuit "
        f"on {result.settings['device']}",
        highlight=False,
    )


@handle_errors
def synthetic_cmd(
    model: Path = typer.Option(..., "--model", help="Model folder written by 'qgen train ketgpt'."),
    corpus: str = typer.Option(
        ..., "--corpus", help="Real/random corpus (qgen dataset build algorithms) for the verification."
    ),
    out: Path = typer.Option(..., "--out", help="Dataset folder to write."),
    n: int = typer.Option(1000, "-n", "--num", help="Circuits to sample (verified ones are kept)."),
    qubits: str | None = typer.Option(None, "--qubits", help="Register sizes, e.g. '4,6-8'."),
    only_real: bool = typer.Option(False, "--only-real", help="Keep only circuits judged real."),
    only_novel: bool = typer.Option(False, "--only-novel", help="Keep only circuits that are not copies."),
    batch_size: int = typer.Option(100, "--batch-size", help="Sequences per generate call."),
    top_k: int = typer.Option(DEFAULT_TOP_K, "--top-k", help="Top-k sampling (0: off; KetGPT used 5)."),
    top_p: float = typer.Option(1.0, "--top-p", help="Nucleus sampling mass (1: off)."),
    min_p: float = typer.Option(0.0, "--min-p", help="Min-p sampling: keep words >= this x the top one's p."),
    temperature: float = typer.Option(1.0, "--temperature", help="Sampling temperature."),
    lengths: str = typer.Option("data", "--lengths", help="data (KetGPT) or model: who sets the lengths."),
    classifier: str = typer.Option("logreg", "--classifier", help="Realism classifier: logreg or gbdt."),
    cancel_free: bool = typer.Option(
        True,
        "--cancel-free/--allow-cancel",
        help="Forbid a statement that undoes the previous one on the same qubits (h q[0]; h q[0];).",
    ),
    seed: int = typer.Option(0, "--seed", help="Seed."),
    device: str = typer.Option("auto", "--device", help="auto, cpu or cuda."),
    as_json: bool = typer.Option(False, "--json", help="Print the verification report as JSON."),
    executor: str | None = typer.Option(
        None, "--executor", help="Sample parts of --batch-size on: local (one process per core) or ray "
        "(a Ray cluster; the model folder must be readable on its nodes); default: this process.",
    ),
    address: str | None = typer.Option(
        None, "--address", help="Ray cluster: auto (joined with `ray start`) or ray://host:10001."
    ),
) -> None:
    """Build a dataset of verified KetGPT circuits (card states the verification figures)."""
    from qgen.generate.ketgpt.synthetic import build_synthetic_dataset, parse_qubits

    with RichProgress(enabled=not as_json) as bar:
        ev, path = build_synthetic_dataset(
            model,
            corpus,
            out,
            n,
            qubits=parse_qubits(qubits),
            only_real=only_real,
            only_novel=only_novel,
            batch_size=batch_size,
            top_k=top_k,
            top_p=top_p,
            min_p=min_p,
            temperature=temperature,
            lengths=lengths,
            classifier=classifier,
            seed=seed,
            device=device,
            progress=bar,
            cancel_free=cancel_free,
            executor=_executor(executor, address),
        )
    if as_json:
        print_json(ev.report)
        return
    _print_report(ev.report, f"synthetic dataset -> {path}")


def _executor(name: str | None, address: str | None):
    """The executor of ``--executor`` / ``--address`` (None: sample in this process, as one run)."""
    from qgen.executors import get_executor

    if name is None:
        return get_executor("ray", address=address) if address else None
    return get_executor(name, address=address)


def _print_report(report: dict, title: str) -> None:
    from qgen.generate.ketgpt.evaluate import report_rows

    table = Table(title=title)
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in report_rows(report):
        table.add_row(name, value)
    console.print(table)
