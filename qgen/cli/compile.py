"""``qgen compile``, ``qgen targets``, ``qgen run``: compile OpenQASM for a device, run it on an emulator."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from rich.table import Table

from qgen.cli._common import console, fail, gather_values, handle_errors, print_json
from qgen.errors import QgenError


def _target_options(text: str | None) -> dict | None:
    if not text:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise QgenError(f"--target-options must be a JSON object: {exc.msg} at column {exc.colno}") from None
    if not isinstance(value, dict):
        raise QgenError('--target-options must be a JSON object, e.g. \'{"two_qubit_gate": "zzmax"}\'')
    n = value.get("num_qubits")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
        raise QgenError(f"--target-options: num_qubits must be a positive integer, got {n!r}")
    return value


def _metrics_table(res) -> Table:
    table = Table(title=f"{res.target.name}: {res.pipeline}", show_header=True)
    table.add_column("metric")
    table.add_column("before", justify="right")
    table.add_column("after", justify="right")
    for name, row in res.metrics().items():
        table.add_row(name, str(row["before"]), str(row["after"]))
    gates = ", ".join(f"{k}: {v}" for k, v in sorted(res.after.gate_counts.items()))
    table.add_row("gate counts", "", gates)
    return table


def _print_result(res) -> None:
    console.print(_metrics_table(res))
    if res.verdict is not None:
        status = "equivalent" if res.verdict.equivalent else "NOT equivalent"
        console.print(
            f"verified: {status} ({res.verdict.metric}: "
            f"{res.verdict.value:.2e} <= {res.verdict.tolerance:.2e})",
            highlight=False,
            markup=False,
        )
    else:
        console.print("verified: skipped (more than 12 qubits, or --no-verify)", highlight=False)
    if res.lowering:
        low = res.lowering
        console.print(
            f"clifford+t: {low['synthesized']} rotations synthesised by {low['synthesizer']}, "
            f"T-count {low['t_count']}, "
            f"error bound {low['error_bound']:.2e} (sum of unitary distances)",
            highlight=False,
        )
    console.print(
        f"engine {res.engine}: {len(res.candidates)} candidate(s), {res.seconds:.2f}s; "
        f"parameters kept: {len(res.parameters)}",
        highlight=False,
    )


@handle_errors
def compile_cmd(
    file: Path = typer.Argument(..., help="OpenQASM 2/3 file.", show_default=False),
    target: str = typer.Option("quantinuum-h2", "--target", "-t", help="Target name (see `qgen targets`)."),
    engine: str = typer.Option("best", "--engine", "-e", help="qiskit, tket or best (portfolio)."),
    level: int = typer.Option(2, "-O", "--optimization-level", help="Optimisation level 0-3."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the compiled circuit here."),
    qasm_version: int = typer.Option(3, "--qasm-version", help="OpenQASM version of the output (2 or 3)."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of every stochastic step (default 0)."),
    target_options: str | None = typer.Option(
        None, "--target-options", help='Target factory options as JSON, e.g. \'{"two_qubit_gate": "zzmax"}\'.'
    ),
    no_verify: bool = typer.Option(False, "--no-verify", help="Skip the equivalence check."),
    param: list[str] = typer.Option([], "--param", "-p", help="Bind a free parameter first: NAME=VALUE."),
    values: Path | None = typer.Option(
        None, "--values", help='Bind parameters first from a JSON values file {"name": value}.'
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Compile a circuit for a target device; print the before/after metrics; verify it (<= 12 qubits)."""
    from qgen.circuits import load
    from qgen.compiler import compile as qcompile
    from qgen.files import atomic_write_text

    if qasm_version not in (2, 3):
        raise fail(f"--qasm-version must be 2 or 3, got {qasm_version}")
    if not file.is_file():
        raise fail(f"{file}: no such file")
    source = file
    if values is not None or param:
        circuit = load(file)
        bound = gather_values(values, param, [p.name for p in circuit.parameters])
        source = circuit.assign_parameters({p: bound[p.name] for p in circuit.parameters if p.name in bound})
    res = qcompile(
        source,
        target=target,
        optimization_level=level,
        engine=engine,
        seed=seed,
        verify=False if no_verify else None,
        target_options=_target_options(target_options),
    )
    text = res.qasm(qasm_version)  # fails before any file is written; -o writes exactly this
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(output, text)
    if as_json:
        data = res.to_dict()
        data["output"] = str(output) if output else None
        if output is None:
            data["qasm"] = text
        print_json(data)
        return
    _print_result(res)
    if output is not None:
        console.print(f"wrote {output} (OpenQASM {qasm_version})", highlight=False, markup=False)


@handle_errors
def targets_cmd(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the compilation targets: gate set, qubit count, connectivity, default emulator."""
    from qgen.compiler import TARGETS

    rows = []
    for name in TARGETS:
        try:
            rows.append(TARGETS[name]().summary())
        except QgenError as exc:  # a target whose package is missing still shows up
            rows.append(
                {
                    "name": name,
                    "vendor": "?",
                    "num_qubits": 0,
                    "basis_gates": [],
                    "connectivity": "",
                    "backend": None,
                    "description": f"unavailable: {exc}",
                }
            )
    if as_json:
        print_json(rows)
        return
    from rich import box

    table = Table(title="qgen targets", box=box.SIMPLE_HEAD)  # names whole; the rest wraps at 80 columns
    table.add_column("name", no_wrap=True)  # the vendor is in --json
    table.add_column("qubits", justify="right")
    table.add_column("gates")
    table.add_column("connectivity", no_wrap=True)
    table.add_column("emulator", no_wrap=True)
    for r in rows:
        table.add_row(
            r["name"],
            str(r["num_qubits"]),
            " ".join(r["basis_gates"]),
            r["connectivity"],
            str(r["backend"]),
        )
    console.print(table)


@handle_errors
def run_cmd(
    file: Path = typer.Argument(
        ..., help="OpenQASM 2/3 file (compiled, or compiled first with --target).", show_default=False
    ),
    backend: str | None = typer.Option(
        None, "--backend", "-b", help="Emulator (default: the target's, or qgen-exact)."
    ),
    target: str | None = typer.Option(None, "--target", "-t", help="Compile for this target first."),
    engine: str = typer.Option("best", "--engine", "-e", help="Engine when compiling first."),
    level: int = typer.Option(
        2, "-O", "--optimization-level", help="Optimisation level when compiling first."
    ),
    shots: int = typer.Option(1000, "--shots", "-s", help="Number of shots."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the emulator and of --random-params."),
    param: list[str] = typer.Option([], "--param", "-p", help="Bind a free parameter: NAME=VALUE."),
    values: Path | None = typer.Option(
        None, "--values", help='JSON values file {"name": value} (qgen search / tn-init write one).'
    ),
    random_params: bool = typer.Option(
        False, "--random-params", help="Bind free parameters to random angles."
    ),
    observable: Path | None = typer.Option(
        None, "--observable", help="Estimate <H> of a Pauli-sum file (basis by basis, --shots each)."
    ),
    top: int = typer.Option(8, "--top", help="How many of the most frequent bitstrings to show (>= 1)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Run a circuit on a local emulator (Quantinuum, IBM + Aer noise, exact qgen.sim); print the counts."""
    from qgen.backends import run
    from qgen.circuits import load
    from qgen.compiler import compile as qcompile

    if shots <= 0:
        raise fail(f"--shots must be positive, got {shots}")
    if top < 1:
        raise fail(f"--top must be >= 1, got {top}")
    if not file.is_file():
        raise fail(f"{file}: no such file")
    layout = None
    if target is not None:
        job = qcompile(file, target=target, engine=engine, optimization_level=level, seed=seed)
        names, layout = job.parameters, list(job.final_layout)
        backend = backend or job.target.backend
        if not as_json:
            _print_result(job)
    else:
        from qgen.backends import read_layout

        job = load(file)
        names, layout = [p.name for p in job.parameters], read_layout(file.read_text(encoding="utf-8"))
    bound = gather_values(values, param, names)
    if random_params:
        rng = np.random.default_rng(seed)
        bound = {name: bound.get(name, float(rng.uniform(0, 2 * np.pi))) for name in names}
    if observable is not None:
        _estimate(job, observable, shots, backend, seed, bound, layout, as_json)
        return
    result = run(job, shots=shots, backend=backend, seed=seed, params=bound or None, layout=layout)
    if as_json:
        data = result.to_dict()
        data["params"] = bound
        print_json(data)
        return
    table = Table(title=f"{file} on {result.backend}: {shots} shots ({result.seconds:.2f}s)")
    table.add_column("bitstring (clbit 0 rightmost)")
    table.add_column("counts", justify="right")
    for bits, k in result.most_common(top):
        table.add_row(bits, str(k))
    console.print(table)


def _estimate(job, observable: Path, shots, backend, seed, bound, layout, as_json: bool) -> None:
    """``qgen run --observable``: print ``<H> = value +- standard error`` and the bases measured."""
    from qgen.backends import estimate
    from qgen.hamiltonians import load_hamiltonian

    circuit = job.circuit if hasattr(job, "circuit") else job
    ham = load_hamiltonian(observable)
    est = estimate(circuit, ham, shots=shots, backend=backend, seed=seed, params=bound, layout=layout)
    if as_json:
        print_json({**est.to_dict(), "observable": str(observable), "params": bound})
        return
    table = Table(title=f"<H> of {observable} on {est.backend}: {shots} shots per basis")
    table.add_column("basis (qubit 0 rightmost)")
    table.add_column("terms", justify="right")
    table.add_column("value", justify="right")
    table.add_column("std. error", justify="right")
    for g in est.groups:
        table.add_row(g["basis"], str(len(g["terms"])), f"{g['value']:.6f}", f"{g['stderr']:.6f}")
    console.print(table)
    console.print(f"<H> = {est.value:.6f} ± {est.stderr:.6f} (standard error)", highlight=False, markup=False)
