"""``qgen repro NAME [--quick]``: rerun a paper's experiment from its recipe; ``qgen repro --list``.

Register in ``qgen/cli/app.py``'s COMMANDS table as ``"repro": ("qgen.cli.repro:repro_cmd", ...)``.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import typer
from rich.table import Table

from qgen.cli._common import console, err_console, fail, handle_errors, print_json


def _fmt(value: object) -> str:
    """A figure as a table cell: 4 significant digits for floats, '-' for none."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        text = f"{value:.4g}"
        if float(text) == round(value) != value:  # 0.99995 is not "1"
            text = f"{value:.6g}"
        return text
    if isinstance(value, list):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value)


def _strict(value: object) -> object:
    """A figure for strict JSON: NaN and infinities (a figure a smoke run cannot measure) become null."""
    return None if isinstance(value, float) and not math.isfinite(value) else value


def _minutes(recipe, key: str) -> str:
    value = (recipe.repro.get("expected_minutes") or {}).get(key)
    return "-" if value is None else f"{value:g}"


def _list() -> None:
    from qgen.repro import checkout_root, experiments

    root = checkout_root()
    table = Table(title="paper reproductions (qgen repro NAME [--quick])")
    table.add_column("experiment", no_wrap=True)
    table.add_column("quick min", justify="right", no_wrap=True)
    table.add_column("full min", justify="right", no_wrap=True)
    table.add_column("what (recipe)", ratio=1, overflow="fold")  # the one column that wraps (80 columns)
    for recipe in experiments():
        table.add_row(
            recipe.name, _minutes(recipe, "quick"), _minutes(recipe, "full"),
            f"{recipe.description} ({recipe.path.relative_to(root)})",
        )  # fmt: skip
    console.print(table)


@handle_errors
def repro_cmd(
    name: str | None = typer.Argument(None, help="Experiment (see --list)."),
    bench_args: list[str] | None = typer.Argument(
        None, help="After '--': extra arguments for the benchmark script (e.g. -- --base DIR)."
    ),
    quick: bool = typer.Option(False, "--quick", help="The smoke run (a minute at most on 2 CPU cores)."),
    list_: bool = typer.Option(False, "--list", help="List the experiments with their expected run time."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Folder for the benchmark's output and repro.json (default: temporary)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not echo the benchmark's output (stderr)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Rerun a paper's experiment from its recipe (--quick: <= 5 min); print qgen / paper / peer."""
    if list_:
        _list()
        return
    if name is None:
        raise fail("name an experiment (qgen repro --list shows them)")
    from qgen.repro import get_experiment, run_experiment

    recipe = get_experiment(name)
    mode = "quick" if quick else "full"
    err_console.print(
        f"running {recipe.name} ({mode}; about {_minutes(recipe, mode)} min): {recipe.repro['bench']}",
        highlight=False,
    )
    echo = None if quiet else (lambda line: err_console.print(f"  | {line}", markup=False, highlight=False))
    if out is None:
        with tempfile.TemporaryDirectory(prefix=f"qgen-repro-{recipe.name}-") as tmp:
            run = run_experiment(recipe, quick, tmp, bench_args, on_line=echo)
    else:
        run = run_experiment(recipe, quick, out, bench_args, on_line=echo)
    rows = [
        {"figure": f.label, "qgen": _strict(f.qgen), "paper": _strict(f.paper), "peer": _strict(f.peer)}
        for f in run.figures
    ]
    record = {"experiment": recipe.name, "quick": quick, "seconds": run.seconds, "figures": rows}
    if out is not None:
        from qgen.files import atomic_write_json

        atomic_write_json(Path(out) / "repro.json", record)
    if as_json:
        print_json(record)
        return
    table = Table(title=f"{recipe.name}: {recipe.description}" if recipe.description else recipe.name)
    table.add_column("figure")
    for col in ("qgen", "paper", "peer"):
        table.add_column(col, justify="right")
    for fig in run.figures:
        table.add_row(fig.label, _fmt(fig.qgen), _fmt(fig.paper), _fmt(fig.peer))
    console.print(table)
    paper = recipe.paper
    arxiv = f"arXiv:{paper['arxiv']}" if paper.get("arxiv") else None
    cite = " ".join(str(x) for x in (paper.get("citation"), arxiv) if x)
    if cite:
        console.print(f"paper: {cite}", highlight=False)
    if paper.get("note"):
        console.print(f"paper note: {paper['note']}", highlight=False)
    if recipe.repro.get("peer"):
        console.print(f"peer: {recipe.repro['peer']}", highlight=False)
    if quick:
        console.print("quick run: a smoke-scale check; paper-scale figures need the full run.")
    where = f"{run.result_path}" if out is not None else "a temporary folder (give --out to keep it)"
    console.print(f"{run.seconds:.0f} s; results in {where}", highlight=False)
