"""``qgen dataset build|info|merge|verify|problems``: circuit datasets as Hugging Face datasets.

Register in ``qgen/cli/app.py`` with ``app.add_typer(dataset.app, name="dataset")``.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import typer
from rich.table import Table

from qgen.cli._common import console, fail, handle_errors, print_json

app = typer.Typer(
    name="dataset",
    help="Build, inspect, merge and verify circuit datasets (Hugging Face Parquet + dataset card).",
    no_args_is_help=True,
)

KINDS = ("optimization", "algorithms")


def _split_list(value: str | None) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip()) if value else ()


def _methods(value: str | None) -> tuple[tuple[str, float], ...] | None:
    """``qaoa,vqe`` (equal weights) or ``qaoa=0.5,vqe=0.3,adapt=0.2``."""
    if not value:
        return None
    out = []
    for item in _split_list(value):
        name, _, weight = item.partition("=")
        try:
            out.append((name.strip(), float(weight) if weight else 1.0))
        except ValueError:
            raise fail(f"--methods: weight of {name!r} is not a number: {weight!r}") from None
    return tuple(out)


def _command_line(kind: str, out: Path, cfg) -> str:
    """The command as typed (when run from a shell), else an equivalent one built from the settings."""
    argv = sys.argv
    if "dataset" in argv and "build" in argv:
        return "qgen dataset build " + " ".join(shlex.quote(a) for a in argv[argv.index("build") + 1 :])
    parts = ["qgen", "dataset", "build", kind, "--out", str(out), "--max-qubits", str(cfg.max_qubits)]
    parts += [
        "--min-qubits",
        str(cfg.min_qubits),
        "--seed",
        str(cfg.seed),
        "--shard-size",
        str(cfg.shard_size),
    ]
    if kind == "optimization":
        parts += ["--size", str(cfg.size)]
        if cfg.problems:
            parts += ["--problems", ",".join(cfg.problems)]
    elif cfg.size:
        parts += ["--size", str(cfg.size)]
    return " ".join(shlex.quote(p) for p in parts)


@app.command("build")
@handle_errors
def build_cmd(
    kind: str = typer.Argument(..., help="optimization or algorithms.", show_default=False),
    out: Path = typer.Option(..., "--out", "-o", help="Build folder (resumed if it holds this build)."),
    size: int | None = typer.Option(
        None, "--size", "-n", help="Rows (optimization) / tasks cap (algorithms)."
    ),
    max_qubits: int = typer.Option(10, "--max-qubits", help="Largest instance / circuit."),
    min_qubits: int | None = typer.Option(None, "--min-qubits", help="Smallest instance / circuit."),
    problems: str | None = typer.Option(None, "--problems", help="Comma-separated problem families (all)."),
    methods: str | None = typer.Option(
        None, "--methods", help="e.g. qaoa,vqe or qaoa=0.4,vqe=0.45,adapt=0.15."
    ),
    ansatze: str | None = typer.Option(None, "--ansatze", help="VQE ansatze to use (all)."),
    families: str | None = typer.Option(None, "--families", help="MQT Bench families (algorithms; all)."),
    workers: int = typer.Option(0, "--workers", "-w", help="Processes (0: one per CPU core)."),
    seed: int = typer.Option(0, "--seed", help="Build seed: the same seed gives the same rows."),
    shard: str | None = typer.Option(None, "--shard", help="Build only part i of N (i/N), then merge."),
    shard_size: int | None = typer.Option(None, "--shard-size", help="Rows (tasks) per shard."),
    steps: int | None = typer.Option(None, "--steps", help="Optimisation steps per start (optimization)."),
    push_to_hub: str | None = typer.Option(None, "--push-to-hub", help="Upload to this HF dataset repo."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Discard an existing build in --out."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Build (or resume) a dataset: optimised circuits with exact solutions, or the MQT Bench corpus."""
    from dataclasses import replace

    from qgen.datasets import (
        AlgorithmConfig,
        OptimizationConfig,
        TrainSettings,
        run_build,
    )
    from qgen.datasets import (
        push_to_hub as push,
    )
    from qgen.datasets.hub import hub_token

    if kind not in KINDS:
        raise fail(f"unknown dataset kind {kind!r}; use one of: {', '.join(KINDS)}")
    if push_to_hub and not hub_token():
        raise fail(
            "--push-to-hub needs a Hugging Face token: run `huggingface-cli login` or set HF_TOKEN "
            "(or build without --push-to-hub)"
        )
    if kind == "optimization":
        cfg = OptimizationConfig(max_qubits=max_qubits, seed=seed)
        if size is not None:
            cfg = replace(cfg, size=size)
        if min_qubits is not None:
            cfg = replace(cfg, min_qubits=min_qubits)
        cfg = replace(cfg, problems=_split_list(problems), ansatze=_split_list(ansatze))
        if (m := _methods(methods)) is not None:
            cfg = replace(cfg, methods=m)
        if shard_size is not None:
            cfg = replace(cfg, shard_size=shard_size)
        if steps is not None:
            cfg = replace(cfg, train=replace(TrainSettings(), steps=steps))
    else:
        if problems or methods or ansatze or steps is not None:
            raise fail("--problems, --methods, --ansatze and --steps belong to `build optimization`")
        cfg = AlgorithmConfig(max_qubits=max_qubits, seed=seed, families=_split_list(families))
        if size is not None:
            cfg = replace(cfg, size=size)
        if min_qubits is not None:
            cfg = replace(cfg, min_qubits=min_qubits)
        if shard_size is not None:
            cfg = replace(cfg, shard_size=shard_size)
    command = _command_line(kind, out, cfg)
    report = run_build(
        kind,
        out,
        cfg,
        workers=workers,
        shard=shard,
        command=command.strip(),
        overwrite=overwrite,
        progress=not quiet,
    )
    state = "complete" if report.complete else "incomplete (other shards missing: build them or merge parts)"
    console.print(
        f"{report.out}: built {len(report.built)} shard(s), {report.rows} rows in {report.seconds:.1f} s; "
        f"kept {len(report.skipped)} finished shard(s); build {state}",
        markup=False,
        highlight=False,
    )
    if push_to_hub:
        if not report.complete:
            raise fail("the build is incomplete; merge all parts, then push the merged folder")
        url = push(out, push_to_hub)
        console.print(f"pushed to {url}", markup=False, highlight=False)


@app.command("info")
@handle_errors
def info_cmd(
    path: Path = typer.Argument(..., help="Build folder.", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show a build: kind, shards finished / missing, rows per split and the statistics table."""
    from qgen.datasets import info

    data = info(path)
    if as_json:
        print_json(data)
        return
    missing = data["shards_missing"]
    console.print(
        f"{path}: {data['kind']}, {data['rows']} rows ({data['splits']}), shards {data['shards_done']}/"
        f"{data['num_shards']}" + (f", missing {missing[:20]}" if missing else ", complete"),
        markup=False,
        highlight=False,
    )
    stats = data["statistics"]
    if stats:
        table = Table(show_header=True)
        for col in stats[0]:
            table.add_column(col)
        for row in stats:
            table.add_row(*(str(v) for v in row.values()))
        console.print(table)


@app.command("merge")
@handle_errors
def merge_cmd(
    parts: list[Path] = typer.Argument(
        ..., help="Build folders of one build (--shard parts).", show_default=False
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Merged folder (new or empty)."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a non-empty --out."),
) -> None:
    """Join the parts of a sharded build; fails on gaps, duplicate shards or duplicate row ids."""
    from qgen.datasets import merge

    report = merge(parts, out, overwrite=overwrite)
    console.print(
        f"{report.out}: {report.num_shards} shards, {report.rows} rows from {len(report.parts)} part(s)",
        markup=False,
        highlight=False,
    )


@app.command("verify")
@handle_errors
def verify_cmd(
    path: Path = typer.Argument(..., help="Build folder.", show_default=False),
    sample: int | None = typer.Option(None, "--sample", help="Check a random sample of this many rows."),
    seed: int = typer.Option(0, "--seed", help="Seed of the sample."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Re-parse every row's QASM and re-simulate it against the stored values (exit 1 on any mismatch)."""
    from qgen.datasets import verify_dataset

    report = verify_dataset(path, sample=sample, seed=seed)
    if as_json:
        print_json(report.to_dict())
    else:
        console.print(
            f"{path}: {report.checked} rows checked, max energy deviation {report.max_energy_error:.2e}, "
            f"max probability deviation {report.max_probability_error:.2e}, "
            f"{len(report.failures)} problem(s)",
            markup=False,
            highlight=False,
        )
    if not report.ok:
        raise fail("; ".join(report.failures[:5]))


@app.command("problems")
@handle_errors
def problems_cmd(
    max_qubits: int = typer.Option(10, "--max-qubits", help="Show sizes up to this many qubits."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the problem families (registry), their sense, encoding and qubit counts."""
    from qgen.datasets import ANSATZE, PROBLEMS

    rows = [
        {
            "name": name,
            "title": p.title,
            "sense": p.sense,
            "qubits": sorted(set(p.sizes(max_qubits).values())),
            "encoding": p.summary,
        }
        for name, p in PROBLEMS.items()
    ]
    if as_json:
        print_json({"problems": rows, "ansatze": {a: ANSATZE[a].description for a in ANSATZE}})
        return
    table = Table(title=f"{len(rows)} problem families (qubits <= {max_qubits})", show_header=True)
    for col in ("name", "sense", "qubits", "encoding"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["name"], r["sense"], ",".join(map(str, r["qubits"])), r["encoding"])
    console.print(table)
    console.print("ansatze: " + ", ".join(ANSATZE), markup=False, highlight=False)
