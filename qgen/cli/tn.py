"""``qgen tn-init``: a TN-initialised staircase circuit (QASM 3) and its starting values (JSON).

Register in ``qgen/cli/app.py`` with ``app.command("tn-init")(tn.tn_init_cmd)``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from qgen.cli._common import console, err_console, fail, handle_errors, print_json


def bond_schedule(max_bond: int) -> tuple[int, ...]:
    """DMRG bond dimensions 8, 16, ... doubling up to ``max_bond``."""
    dims, d = [], 8
    while d < max_bond:
        dims.append(d)
        d *= 2
    return (*dims, max_bond)


@handle_errors
def tn_init_cmd(
    hamiltonian: str = typer.Option(
        ...,
        "--hamiltonian",
        "-H",
        help="tfim, heisenberg, or a Pauli-sum file (JSON, or 'COEFF LABEL' lines).",
        show_default=False,
    ),
    qubits: int | None = typer.Option(None, "--qubits", "-n", help="Qubits (needed for tfim / heisenberg)."),
    layers: int = typer.Option(2, "--layers", "-l", help="Layers encoded from the DMRG ground state."),
    output: Path = typer.Option(..., "--output", "-o", help="QASM 3 file to write.", show_default=False),
    values: Path | None = typer.Option(None, "--values", help="JSON of values (default: OUTPUT.json)."),
    extra_layers: int = typer.Option(0, "--extra-layers", help="Layers appended near the identity."),
    bond_dim: int = typer.Option(64, "--bond-dim", help="Largest DMRG bond dimension."),
    sweeps: int = typer.Option(2, "--sweeps", help="Optimisation sweeps after each encoded layer."),
    field: float | None = typer.Option(None, "--field", help="Field h of tfim / heisenberg."),
    coupling: float | None = typer.Option(None, "--coupling", help="Coupling J of tfim / heisenberg."),
    seed: int = typer.Option(0, "--seed", help="Seed of DMRG's random start and the identity noise."),
    as_json: bool = typer.Option(False, "--json", help="Print the record as JSON."),
) -> None:
    """Encode the DMRG ground state into layers of 15-parameter KAK blocks; write QASM 3 and values."""
    from qgen.tn import tn_init
    from qgen.tn.io import save_tn_init

    for name, value, low in (("--layers", layers, 1), ("--bond-dim", bond_dim, 2)):
        if value < low:
            raise fail(f"{name} must be >= {low}, got {value}")
    for name, value in (("--extra-layers", extra_layers), ("--sweeps", sweeps)):
        if value < 0:
            raise fail(f"{name} must be >= 0, got {value}")
    if output.suffix.lower() == ".json":
        raise fail(f"--output {output} should be a .qasm file (the values go to a JSON file beside it)")
    is_file = Path(hamiltonian).is_file()
    params = {k: v for k, v in (("field", field), ("coupling", coupling)) if v is not None}
    if is_file and params:
        raise fail("--field / --coupling apply to tfim / heisenberg, not to a Hamiltonian file")
    if not is_file and qubits is None:
        raise fail(f"--qubits is needed for --hamiltonian {hamiltonian} (or give a Pauli-sum file)")
    source = Path(hamiltonian) if is_file else hamiltonian
    status = console.status("DMRG ground state and layer encoding ...") if sys.stderr.isatty() else None
    if status is not None:
        status.start()
    try:
        init = tn_init(
            source, layers, num_qubits=qubits, extra_layers=extra_layers, bond_dims=bond_schedule(bond_dim),
            sweeps=sweeps, seed=seed, hamiltonian_params=params,
        )  # fmt: skip
    finally:
        if status is not None:
            status.stop()
    command = {
        "hamiltonian": hamiltonian, "qubits": qubits, "layers": layers, "extra_layers": extra_layers,
        "bond_dim": bond_dim, "sweeps": sweeps, "field": field, "coupling": coupling, "seed": seed,
    }  # fmt: skip
    qasm_path, values_path = save_tn_init(init, output, values, extra={"command": command})
    record = init.to_dict()
    if as_json:
        record.pop("parameters")
        print_json({"qasm": str(qasm_path), "values": str(values_path), **record})
        return
    table = Table(title=f"tn-init: {init.ansatz.num_qubits} qubits, {hamiltonian}")
    table.add_column("layers")
    table.add_column("state fidelity |<mps|circuit>|^2", justify="right")
    for k, f in enumerate(init.fidelities, start=1):
        table.add_row(str(k), f"{f:.6f}")
    console.print(table)
    if init.energy is not None:
        console.print(f"DMRG energy {init.energy:.8f} (max bond {init.mps.max_bond})", highlight=False)
    err_console.print(f"wrote {qasm_path} ({init.circuit.num_parameters} parameters) and {values_path}")
