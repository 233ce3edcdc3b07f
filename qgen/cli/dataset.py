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

KINDS = ("optimization", "algorithms", "architectures")

# options only some kinds take, and those kinds (the others reject them)
_KIND_OPTIONS = {
    "max_qubits": ("optimization", "algorithms"),
    "min_qubits": ("optimization", "algorithms"),
    "problems": ("optimization",),
    "methods": ("optimization",),
    "ansatze": ("optimization",),
    "steps": ("optimization",),
    "families": ("algorithms",),
    "qubits": ("architectures",),
    "gates": ("architectures",),
    "depth": ("architectures",),
}
DEFAULT_MAX_QUBITS = 10


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


def _check_options(kind: str, options: dict[str, object]) -> None:
    """Fail on options of other kinds (``options``: parameter name -> value, None when not given)."""
    wrong = [o for o, kinds in _KIND_OPTIONS.items() if options[o] is not None and kind not in kinds]
    if wrong:
        which = ", ".join(f"--{o.replace('_', '-')} ({' / '.join(_KIND_OPTIONS[o])})" for o in wrong)
        raise fail(f"`build {kind}` does not take {which}; those options belong to the kinds in brackets")


def _max_qubits(o: dict) -> int:
    return DEFAULT_MAX_QUBITS if o["max_qubits"] is None else o["max_qubits"]


def _optimization_config(o: dict):
    """The OptimizationConfig of the command-line options."""
    from dataclasses import replace

    from qgen.datasets import OptimizationConfig, TrainSettings

    cfg = OptimizationConfig(max_qubits=_max_qubits(o), seed=o["seed"])
    if o["size"] is not None:
        cfg = replace(cfg, size=o["size"])
    if o["min_qubits"] is not None:
        cfg = replace(cfg, min_qubits=o["min_qubits"])
    cfg = replace(cfg, problems=_split_list(o["problems"]), ansatze=_split_list(o["ansatze"]))
    if (m := _methods(o["methods"])) is not None:
        cfg = replace(cfg, methods=m)
    if o["shard_size"] is not None:
        cfg = replace(cfg, shard_size=o["shard_size"])
    if o["steps"] is not None:
        cfg = replace(cfg, train=replace(TrainSettings(), steps=o["steps"]))
    return cfg


def _algorithm_config(o: dict):
    """The AlgorithmConfig of the command-line options."""
    from dataclasses import replace

    from qgen.datasets import AlgorithmConfig

    cfg = AlgorithmConfig(max_qubits=_max_qubits(o), seed=o["seed"], families=_split_list(o["families"]))
    for key in ("size", "min_qubits", "shard_size"):
        if o[key] is not None:
            cfg = replace(cfg, **{key: o[key]})
    return cfg


def _architecture_config(o: dict):
    """The ArchitectureConfig of the command-line options."""
    from dataclasses import replace

    from qgen.datasets import ArchitectureConfig

    cfg = ArchitectureConfig(seed=o["seed"], num_gates=o["gates"], depth=o["depth"])
    for key in ("qubits", "size", "shard_size"):
        if o[key] is not None:
            cfg = replace(cfg, **{key: o[key]})
    return cfg


def _range_parts(cfg) -> list[str]:
    return ["--max-qubits", str(cfg.max_qubits), "--min-qubits", str(cfg.min_qubits)]


def _optimization_parts(cfg) -> list[str]:
    parts = [*_range_parts(cfg), "--size", str(cfg.size)]
    return parts + (["--problems", ",".join(cfg.problems)] if cfg.problems else [])


def _algorithm_parts(cfg) -> list[str]:
    return _range_parts(cfg) + (["--size", str(cfg.size)] if cfg.size else [])


def _architecture_parts(cfg) -> list[str]:
    parts = ["--qubits", str(cfg.qubits), "--size", str(cfg.size)]
    parts += ["--gates", str(cfg.num_gates)] if cfg.num_gates is not None else []
    return parts + (["--depth", str(cfg.depth)] if cfg.depth is not None else [])


# per kind: its config from the command-line options, and the options that describe a config
_CONFIGS = {
    "optimization": (_optimization_config, _optimization_parts),
    "algorithms": (_algorithm_config, _algorithm_parts),
    "architectures": (_architecture_config, _architecture_parts),
}


def _command_line(kind: str, out: Path, cfg) -> str:
    """The command as typed (when run from a shell), else an equivalent one built from the settings."""
    argv = sys.argv
    if "dataset" in argv and "build" in argv:
        return "qgen dataset build " + " ".join(shlex.quote(a) for a in argv[argv.index("build") + 1 :])
    parts = ["qgen", "dataset", "build", kind, "--out", str(out), *_CONFIGS[kind][1](cfg)]
    parts += ["--seed", str(cfg.seed), "--shard-size", str(cfg.shard_size)]
    return " ".join(shlex.quote(p) for p in parts)


@app.command("build")
@handle_errors
def build_cmd(
    kind: str = typer.Argument(..., help="optimization, algorithms or architectures.", show_default=False),
    out: Path = typer.Option(..., "--out", "-o", help="Build folder (resumed if it holds this build)."),
    size: int | None = typer.Option(
        None,
        "--size",
        "-n",
        help="Rows (optimization) / tasks cap (algorithms) / circuits in the pool (architectures, 100000).",
    ),
    max_qubits: int | None = typer.Option(
        None, "--max-qubits", help=f"Largest instance / circuit (default {DEFAULT_MAX_QUBITS})."
    ),
    min_qubits: int | None = typer.Option(None, "--min-qubits", help="Smallest instance / circuit."),
    qubits: int | None = typer.Option(
        None, "--qubits", help="Circuit width (architectures; default 4, the paper: 4 or 8)."
    ),
    gates: int | None = typer.Option(
        None, "--gates", help="Gates per circuit (architectures; default: the paper's, 10 / 20)."
    ),
    depth: int | None = typer.Option(
        None, "--depth", help="Depth limit (architectures; default: the paper's, 5)."
    ),
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
    """Build (or resume) a dataset: optimised circuits, the MQT Bench corpus, or an architecture pool."""
    from qgen.datasets import push_to_hub as push
    from qgen.datasets import run_build
    from qgen.datasets.hub import hub_token

    if kind not in KINDS:
        raise fail(f"unknown dataset kind {kind!r}; use one of: {', '.join(KINDS)}")
    options = {
        "size": size,
        "max_qubits": max_qubits,
        "min_qubits": min_qubits,
        "qubits": qubits,
        "gates": gates,
        "depth": depth,
        "problems": problems,
        "methods": methods,
        "ansatze": ansatze,
        "families": families,
        "seed": seed,
        "shard_size": shard_size,
        "steps": steps,
    }
    _check_options(kind, options)
    if push_to_hub and not hub_token():
        raise fail(
            "--push-to-hub needs a Hugging Face token: run `huggingface-cli login` or set HF_TOKEN "
            "(or build without --push-to-hub)"
        )
    cfg = _CONFIGS[kind][0](options)
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
        deviations = (
            f"max energy deviation {report.max_energy_error:.2e}, "
            f"max probability deviation {report.max_probability_error:.2e}, "
            if report.max_energy_error is not None
            else ""
        )
        console.print(
            f"{path} ({report.kind}): {report.checked} rows checked, {deviations}"
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
