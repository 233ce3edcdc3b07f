"""``qgen validate``, ``qgen profile``, ``qgen simulate``: circuit commands."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from qgen.circuits import profile, validate
from qgen.cli._common import console, err_console, fail, gather_values, handle_errors, print_json


@handle_errors
def validate_cmd(
    files: list[Path] = typer.Argument(..., help="OpenQASM 2/3 files to check.", show_default=False),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only diagnostics."),
) -> None:
    """Check OpenQASM files; print file:line:col: message for each problem; exit 1 if any error."""
    errors = 0
    for path in files:
        if not path.is_file():
            err_console.print(f"{path}: error: no such file", markup=False)
            errors += 1
            continue
        diagnostics = validate(path.read_bytes(), filename=str(path))  # bytes: a binary file is a diagnostic
        for d in diagnostics:
            err_console.print(d.format(), markup=False)
        bad = [d for d in diagnostics if d.severity == "error"]
        errors += len(bad)
        if not bad and not quiet:
            console.print(f"{path}: ok", markup=False, highlight=False)
    if errors:
        raise typer.Exit(1)


@handle_errors
def profile_cmd(
    file: Path = typer.Argument(..., help="OpenQASM 2/3 file.", show_default=False),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Print the structural profile of a circuit (depth, gate counts, 2-qubit metrics, interaction graph)."""
    from qgen.circuits import load

    prof = profile(load(file))
    if as_json:
        print_json(prof.to_dict())
        return
    table = Table(title=f"profile of {file}", show_header=True)
    table.add_column("metric")
    table.add_column("value", justify="right")
    rows = [
        ("qubits", prof.num_qubits),
        ("clbits", prof.num_clbits),
        ("depth", prof.depth),
        ("gates", prof.size),
        ("2-qubit gates", prof.two_qubit_count),
        ("2-qubit fraction", f"{prof.two_qubit_fraction:.3f}"),
        ("2-qubit depth", prof.two_qubit_depth),
        ("parameters", prof.num_parameters),
        ("interaction edges", prof.num_edges),
        ("max degree", prof.max_degree),
        ("density", f"{prof.density:.3f}"),
    ]
    for name, value in rows:
        table.add_row(name, str(value))
    table.add_row("gate counts", ", ".join(f"{k}: {v}" for k, v in prof.gate_counts.items()))
    console.print(table)


@handle_errors
def simulate_cmd(
    file: Path = typer.Argument(..., help="OpenQASM 2/3 file.", show_default=False),
    shots: int | None = typer.Option(None, "--shots", "-s", help="Sample this many shots."),
    seed: int | None = typer.Option(None, "--seed", help="Seed of the sampler."),
    param: list[str] = typer.Option([], "--param", "-p", help="Bind a free parameter: NAME=VALUE."),
    values: Path | None = typer.Option(
        None, "--values", help='JSON values file {"name": value} (qgen search / tn-init write one).'
    ),
    top: int = typer.Option(8, "--top", help="How many of the most probable bitstrings to show (>= 1)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Simulate a circuit with qgen.sim: top probabilities and (with --shots) sampled counts."""
    from qgen.circuits import load
    from qgen.sim import simulate

    if shots is not None and shots <= 0:
        raise fail(f"--shots must be positive, got {shots}")
    if seed is not None and seed < 0:
        raise fail(f"--seed must be >= 0, got {seed}")
    if top < 1:
        raise fail(f"--top must be >= 1, got {top}")
    circuit = load(file)
    bound = gather_values(values, param, [p.name for p in circuit.parameters])
    missing = [p.name for p in circuit.parameters if p.name not in bound]
    if missing:
        raise fail(f"{file}: free parameter(s) {missing} need values: --values FILE or --param NAME=VALUE")
    result = simulate(circuit, shots=shots, seed=seed, parameters=bound)
    if as_json:
        print_json(result.to_dict(top=top))
        return
    table = Table(title=f"{file}: {result.num_qubits} qubits" + (f", {shots} shots" if shots else ""))
    table.add_column("bitstring (q0 rightmost)")
    table.add_column("probability", justify="right")
    if shots:
        table.add_column("counts", justify="right")
    for bits, prob in result.top(top):
        row = [bits, f"{prob:.6f}"]
        if shots:
            row.append(str((result.counts or {}).get(bits, 0)))
        table.add_row(*row)
    console.print(table)
