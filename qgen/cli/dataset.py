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
from qgen.cli.progress import RichProgress
from qgen.errors import QgenError

app = typer.Typer(
    name="dataset",
    help="Build, inspect, export, merge and verify circuit datasets (Hugging Face Parquet + dataset card).",
    no_args_is_help=True,
)

# options only some kinds take (a kind lists the ones it takes in ``DatasetKind.cli_options``)
_KIND_OPTIONS = ("max_qubits", "min_qubits", "problems", "methods", "ansatze", "steps", "families", "qubits",
                 "gates", "depth")  # fmt: skip
DEFAULT_MAX_QUBITS = 10


def _kinds():
    """The dataset kind registry, with the kinds of other subsystems registered (architecture pools)."""
    import qgen.search.architectures  # noqa: F401  (registers the "architectures" kind)
    from qgen.datasets import BUILDERS

    return BUILDERS


def _check_options(kind, options: dict[str, object]) -> None:
    """Fail on options the kind does not take (``options``: parameter name -> value, None when not given)."""
    kinds = _kinds()
    wrong = [o for o in _KIND_OPTIONS if options[o] is not None and o not in kind.cli_options]
    if wrong:
        owners = {o: [k for k in kinds if o in kinds[k].cli_options] for o in wrong}
        which = ", ".join(f"--{o.replace('_', '-')} ({' / '.join(owners[o])})" for o in wrong)
        raise fail(
            f"`build {kind.name}` does not take {which}; those options belong to the kinds in brackets"
        )


def _command_line(kind, out: Path, cfg) -> str:
    """The command as typed (when run from a shell), else an equivalent one built from the settings."""
    argv = sys.argv
    if "dataset" in argv and "build" in argv:
        return "qgen dataset build " + " ".join(shlex.quote(a) for a in argv[argv.index("build") + 1 :])
    parts = ["qgen", "dataset", "build", kind.name, "--out", str(out), *kind.command_parts(cfg)]
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
    kind_option: list[str] = typer.Option(
        [], "--kind-option", help="NAME=VALUE setting of the kind's config (repeatable; any kind)."
    ),
    executor: str = typer.Option(
        "local", "--executor", help="Where shards are made: local (processes) or ray (a Ray cluster)."
    ),
    address: str | None = typer.Option(
        None, "--address", help="Ray cluster: auto (joined with `ray start`) or ray://host:10001."
    ),
) -> None:
    """Build (or resume) a dataset: optimised circuits, the MQT Bench corpus, or an architecture pool."""
    from qgen.datasets import push_to_hub as push
    from qgen.datasets import run_build
    from qgen.datasets.hub import hub_token

    the_kind = _kinds()[kind]  # unknown kinds: UnknownNameError lists the registered ones
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
    _check_options(the_kind, options)
    if push_to_hub and not hub_token():
        raise fail(
            "--push-to-hub needs a Hugging Face token: run `huggingface-cli login` or set HF_TOKEN "
            "(or build without --push-to-hub)"
        )
    if the_kind.config_from_options is not None:
        cfg = the_kind.config_from_options(options)
    else:  # a kind without its own options: the common ones where its config has them
        cfg = the_kind.config_type()
        common = {k: options[k] for k in ("size", "seed", "shard_size") if options[k] is not None}
        cfg = the_kind.config_with(cfg, [f"{k}={v}" for k, v in common.items() if hasattr(cfg, k)])
    cfg = the_kind.config_with(cfg, kind_option)
    command = _command_line(the_kind, out, cfg)
    from qgen.executors import get_executor

    runner_ = get_executor(executor, workers=workers, address=address)
    try:
        with RichProgress(enabled=not quiet) as bars:
            report = run_build(
                kind, out, cfg, workers=workers, shard=shard, command=command.strip(), overwrite=overwrite,
                progress=bars, executor=runner_,
            )  # fmt: skip
    except KeyboardInterrupt:
        raise fail(_interrupted(out, command.strip()), 130) from None
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


def _interrupted(out: Path, command: str) -> str:
    """The one line printed when a build is interrupted: what was kept and the command that resumes."""
    from qgen.datasets.shards import shard_record

    records = [r for r in (shard_record(out, s) for s in range(_num_shards(out))) if r is not None]
    rows = sum(r["rows"] for r in records)
    return (
        f"interrupted; kept {len(records)} finished shard(s) ({rows} rows) in {out}; "
        f"resume with: {command}"
    )


def _num_shards(out: Path) -> int:
    from qgen.datasets.shards import read_build

    return int(read_build(out)["num_shards"]) if (out / "build.json").is_file() else 0


@app.command("info")
@handle_errors
def info_cmd(
    path: Path = typer.Argument(..., help="Build folder.", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show a build: kind, shards finished / missing, rows per split and the statistics table."""
    from qgen.datasets import info

    _kinds()
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
        _print_statistics(stats)


def _print_statistics(stats: list[dict]) -> None:
    """The statistics table; on a narrow terminal, in parts that each fit (the two key columns repeated)."""
    from rich import box

    cols = list(stats[0])

    def width(col: str) -> int:
        words = max(len(w) for w in col.split("_"))
        return min(max(words, max(len(str(r[col])) for r in stats)), 16)

    keys, rest = cols[:2], cols[2:]
    budget = max(40, console.width - 2) - sum(width(c) + 3 for c in keys)
    parts, part, used = [], [], 0
    for col in rest:
        if part and used + width(col) + 3 > budget:
            parts.append(part)
            part, used = [], 0
        part.append(col)
        used += width(col) + 3
    parts.append(part)
    for chunk in parts:
        # headers break at "_": no name is cut off on an 80-column terminal
        table = Table(show_header=True, box=box.SIMPLE_HEAD, pad_edge=False)
        for col in keys + chunk:
            table.add_column(col.replace("_", "\n"), overflow="fold", min_width=width(col))
        for row in stats:
            table.add_row(*(str(row[c]) for c in keys + chunk))
        console.print(table)


@app.command("export")
@handle_errors
def export_cmd(
    path: Path = typer.Argument(..., help="Build folder.", show_default=False),
    row: str = typer.Option(
        ..., "--row", help="Row id, or 0-based index over every split.", show_default=False
    ),
    out: Path = typer.Option(
        ..., "--out", "-o", help="The .qasm file; its values go to OUT.values.json.", show_default=False
    ),
) -> None:
    """Write one row as OpenQASM 3 with named parameters and its values file (for simulate/compile/run)."""
    from qgen.datasets.rows import export_row

    _kinds()
    qasm_path, values_path = export_row(path, row, out)
    console.print(
        f"{qasm_path} + {values_path} (qgen simulate {qasm_path} --values {values_path})",
        markup=False,
        highlight=False,
    )


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

    _kinds()
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
    workers: int = typer.Option(1, "--workers", "-w", help="Processes (0: one per CPU core)."),
    executor: str = typer.Option(
        "local", "--executor", help="Where rows are checked: local (processes) or ray (a Ray cluster)."
    ),
    address: str | None = typer.Option(
        None, "--address", help="Ray cluster: auto (joined with `ray start`) or ray://host:10001."
    ),
) -> None:
    """Re-parse every row's QASM and re-simulate it against the stored values (exit 1 on any mismatch)."""
    from qgen.datasets import verify_dataset
    from qgen.executors import get_executor

    _kinds()
    runner_ = get_executor(executor, workers=workers, address=address)
    with RichProgress(enabled=not as_json) as bars:
        report = verify_dataset(path, sample=sample, seed=seed, executor=runner_, progress=bars)
    if as_json:
        print_json(report.to_dict())
    else:
        deviations = "".join(f"max {k} deviation {v:.2e}, " for k, v in report.max_errors.items())
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

    if max_qubits < 1:
        raise QgenError(f"--max-qubits must be >= 1, got {max_qubits}")

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
