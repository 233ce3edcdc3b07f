"""``qgen search``: architecture search from the command line; ``qgen search tasks``; ``qgen search pool``."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from qgen.cli._common import OwnRunGroup, console, err_console, handle_errors, print_json
from qgen.cli.progress import RichProgress
from qgen.search.errors import SearchError

app = typer.Typer(
    help="Quantum architecture search in a learned latent space (arch2vec + REINFORCE / BO / random).",
    cls=OwnRunGroup,
    invoke_without_command=True,
    no_args_is_help=True,
)


@app.callback()
@handle_errors
def search_cmd(
    ctx: typer.Context,
    task: str = typer.Option(
        ..., "--task", "-t", help="Task name (see `qgen search tasks`).", show_default=False
    ),
    qubits: int = typer.Option(4, "--qubits", "-n", help="Circuit width (>= 1)."),
    method: list[str] = typer.Option(
        ["random", "reinforce", "bo"],
        "--method",
        "-m",
        help="Search method(s): random, reinforce, bo, predictor (structure, no latent).",
    ),
    budget: int = typer.Option(1000, "--budget", help="Evaluated circuits per run."),
    seeds: int = typer.Option(20, "--seeds", help="Runs per method (seeds 0..N-1)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder.", show_default=False),
    pool: Path | None = typer.Option(None, "--pool", help="Pool folder (default: built into qgen's cache)."),
    model: Path | None = typer.Option(
        None, "--model", help="arch2vec folder (default: trained on the pool)."
    ),
    pool_size: int | None = typer.Option(
        None, "--pool-size", show_default=False,
        help="Size of the cached pool when --pool is not given (default 4,000; the paper samples 100,000).",
    ),
    epochs: int | None = typer.Option(
        None, "--epochs", show_default=False,
        help="arch2vec epochs when the cached model is trained (default 4; the paper trains 16).",
    ),
    precompute: bool | None = typer.Option(
        None, "--precompute/--no-precompute", show_default=False,
        help="Score the whole pool first (default: when the pool is no larger than budget x runs).",
    ),
    threads: int = typer.Option(
        0, "--threads", help="torch threads (0: the free cores, from the load average)."
    ),
    target_seed: int | None = typer.Option(None, "--target-seed", help="state_prep: seed of the target."),
    hamiltonian: Path | None = typer.Option(None, "--hamiltonian", help="hamiltonian: Pauli-sum file."),
    target: Path | None = typer.Option(None, "--target", help="target_state: bound QASM circuit."),
    classes: str | None = typer.Option(None, "--classes", help="digits: two classes, e.g. '3,5'."),
    validation: float | None = typer.Option(
        None, "--validation", help="digits: select on a validation split of this share (e.g. 0.2)."
    ),
    task_option: list[str] = typer.Option(
        [], "--task-option", "-O", help="NAME=VALUE option of the task (repeatable; `qgen search tasks`)."
    ),
    device: str = typer.Option("cpu", "--device", help="Simulation device: cpu, cuda or auto."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    executor: str | None = typer.Option(
        None, "--executor", help="Run seeds / --precompute batches on: local (one process per core) or ray "
        "(a Ray cluster); default: this process.",
    ),
    address: str | None = typer.Option(
        None, "--address", help="Ray cluster: auto (joined with `ray start`) or ray://host:10001."
    ),
) -> None:
    """Search for circuits: writes best circuits (QASM 3 + values JSON), results.json, plot.png, a table."""
    if ctx.invoked_subcommand is not None:
        return
    if qubits < 1:
        raise SearchError(f"--qubits must be >= 1, got {qubits}")
    if budget < 1 or seeds < 1:
        raise SearchError(f"--budget and --seeds must be >= 1, got {budget} and {seeds}")
    from qgen.search.arch2vec.prepare import FIRST_RUN_EPOCHS, FIRST_RUN_POOL, plan_space, prepare_space
    from qgen.search.run import search
    from qgen.search.tasks import TASKS, make_task
    from qgen.sim.device import configure_threads

    # the named flags are shortcuts of the built-in tasks' options; --task-option reaches any task's
    options = {
        "target_seed": target_seed,
        "hamiltonian": hamiltonian,
        "target": target,
        "classes": classes,
        "validation": validation,
    }
    options.update(TASKS[task].parse_options(task_option))
    the_task = make_task(task, qubits, **options)
    from qgen.search.methods import latent_methods

    runner = _executor(executor, address)
    n_threads = configure_threads(threads)
    space_opts = {
        "pool_dir": pool, "model_dir": model, "pool_size": pool_size or FIRST_RUN_POOL,
        "epochs": epochs or FIRST_RUN_EPOCHS, "embed": bool(latent_methods(method)),
    }  # fmt: skip
    plan = plan_space(qubits, **space_opts)
    if not as_json:
        for line in describe_plan(plan, n_threads, threads):
            err_console.print(line, markup=False)
    with RichProgress(enabled=not as_json) as bars:
        the_pool, emb, info = prepare_space(qubits, progress=bars, **space_opts)
        result = search(
            the_task, the_pool, emb, methods=method, budget=budget, seeds=seeds, out_dir=out,
            precompute=precompute, device=device, progress=bars, extra_config={"inputs": info},
            executor=runner,
        )  # fmt: skip
    if as_json:
        print_json({"summary": result.summary, "best": result.best, "out": str(out)})
        return
    console.print(summary_table(result.summary, the_task))
    for name, best in result.best.items():
        check = "reproduced" if best.get("reproduced") else "NOT reproduced"
        test = f", test accuracy {best['test_accuracy']:.4f}" if "test_accuracy" in best else ""
        console.print(
            f"best {name}: reward {best['reward']:.6f}{test} -> {out / best['qasm']} ({check})", markup=False
        )


def _executor(name: str | None, address: str | None):
    """The executor of ``--executor`` / ``--address`` (None: run in this process)."""
    from qgen.executors import get_executor

    if name is None:
        if address:
            return get_executor("ray", address=address)  # an address names a Ray cluster
        return None
    return get_executor(name, address=address)


def describe_plan(plan: dict, n_threads: int, asked: int) -> list[str]:
    """Lines saying what the search prepares (and caches), and the torch threads it uses."""
    import os

    why = "--threads" if asked > 0 else f"free cores of {os.cpu_count()}, load {os.getloadavg()[0]:.1f}"
    lines = [f"torch threads: {n_threads} ({why}; --threads N to choose)"]
    if plan["build_pool"] or plan["train_arch2vec"]:
        steps = []
        if plan["build_pool"]:
            steps.append(f"sampling a pool of {plan['pool_size']:,} circuits")
        if plan["train_arch2vec"]:
            steps.append(f"training arch2vec for {plan['epochs']} epochs")
        lines.append(f"first run: {' and '.join(steps)} into {plan['pool']}")
        if plan["cached"]:
            lines.append(
                "  a one-time cost: later searches of this width reuse it; --pool-size / --epochs make it "
                "smaller and faster, QGEN_CACHE moves the cache"
            )
    else:
        model = f" and arch2vec {plan['arch2vec']}" if plan["arch2vec"] else ""
        lines.append(f"using the pool {plan['pool']}{model}")
    return lines


def summary_table(summary: dict, task) -> Table:
    """Rich table per method: candidates above threshold, evaluations to both thresholds (median [IQR])."""
    table = Table(title=f"{task.name}, {task.num_qubits} qubits: {task.metric}")
    table.add_column("method")
    table.add_column(f"# >= {task.threshold:g}", justify="right")
    table.add_column(f"evals to {task.threshold:g}", justify="right")
    table.add_column(f"evals to {task.strict_threshold:g}", justify="right")
    table.add_column("best", justify="right")
    for name, s in summary.items():
        table.add_row(
            name,
            _fmt(s["above_threshold"]),
            _fmt(s["evals_to_threshold"], censor=True),
            _fmt(s["evals_to_strict"], censor=True),
            f"{s['best_reward']['max']:.4f}",
        )
    table.caption = "median [IQR] over seeds; '>' = not reached in some seeds (counted as budget + 1)"
    return table


def _fmt(q: dict, censor: bool = False) -> str:
    if q.get("median") is None:
        return "-"
    flag = (
        ">" if censor and q.get("reached", 0) < q.get("seeds", 0) and q["median"] >= q["censored_at"] else ""
    )
    return f"{flag}{q['median']:g} [{q['q25']:g}, {q['q75']:g}]"


@app.command("tasks")
@handle_errors
def tasks_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the search tasks."""
    from qgen.search.tasks import TASKS

    rows = [
        {"name": t.name, "qubits": list(t.qubits) if t.qubits else "any",
         "options": [{"name": o.name, "type": getattr(o.type, "__name__", str(o.type)),
                      "default": o.default if o.default is None else str(o.default), "help": o.help}
                     for o in t.options],
         "summary": t.summary}
        for t in TASKS.values()
    ]  # fmt: skip
    if as_json:
        print_json(rows)
        return
    table = Table(title="qgen search tasks")
    for col in ("name", "qubits", "options", "summary"):
        table.add_column(col)
    for r in rows:
        qs = r["qubits"] if isinstance(r["qubits"], str) else ", ".join(map(str, r["qubits"]))
        opts = "; ".join(
            f"{o['name']}={o['default'] if o['default'] is not None else '...'}" for o in r["options"]
        )
        table.add_row(r["name"], qs, opts, r["summary"])
    console.print(table)


@app.command("pool")
@handle_errors
def pool_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="Output folder (pool.npz + pool.json)."),
    qubits: int = typer.Option(
        4, "--qubits", "-n", help="Circuit width (4: 10 gates, 8: 20 gates, depth <= 5)."
    ),
    size: int = typer.Option(100_000, "--size", help="Unique circuits (paper: 100,000)."),
    seed: int = typer.Option(0, "--seed", help="Sampler seed."),
) -> None:
    """Sample a pool of unique circuits of the paper's search space."""
    if qubits < 1:
        raise SearchError(f"--qubits must be >= 1, got {qubits}")
    if size < 1:
        raise SearchError(f"--size must be >= 1, got {size}")
    from qgen.search.pool import build_pool, save_pool
    from qgen.search.tasks.base import default_space

    with RichProgress() as bars:
        pool = build_pool(default_space(qubits), size, seed=seed, progress=bars)
    save_pool(pool, out)
    console.print(f"{len(pool)} circuits -> {out}", markup=False)
