"""One row of a build as a circuit plus a values file (``{"name": value}``), the format the CLI chains on.

Optimisation rows store the symbolic program (``qasm3_symbolic``, parameters ``t000, t001, ...``) and the
optimised values (``parameters``, in that order); other kinds store bound programs (``qasm3`` / ``qasm2``),
whose angles :func:`qgen.circuits.parametrize.lift_parameters` names.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from qiskit.circuit import QuantumCircuit

from qgen.datasets.errors import DatasetError
from qgen.files import atomic_write_text


def find_row(path: str | os.PathLike, row: str) -> dict:
    """The row of a build whose ``id`` is ``row``, or the ``row``-th row (0-based, every split in order).

    Raises:
        DatasetError: no such id / index (the message names the first ids and the row count).
    """
    from qgen.datasets.io import read_table

    table = read_table(path)
    ids = table.column("id").to_pylist() if "id" in table.column_names else []
    if row in ids:
        return table.slice(ids.index(row), 1).to_pylist()[0]
    if row.isdigit():
        index = int(row)
        if index < table.num_rows:
            return table.slice(index, 1).to_pylist()[0]
    raise DatasetError(
        f"{path} has no row {row!r}: give an id ({', '.join(ids[:3])}{', ...' if len(ids) > 3 else ''}) "
        f"or an index below {table.num_rows}"
    )


def row_circuit(row: dict) -> tuple[QuantumCircuit, dict[str, float]]:
    """A row's circuit with symbolic parameters and their values by name.

    Raises:
        DatasetError: the row holds no program, or its ``parameters`` do not match its symbolic program.
    """
    from qgen.circuits import load
    from qgen.circuits.parametrize import lift_parameters

    where = f"row {row.get('id', '?')}"
    if row.get("qasm3_symbolic") and row.get("parameters") is not None:
        circuit = load(row["qasm3_symbolic"])
        # t000 ... t999, t1000 ...
        names = sorted((p.name for p in circuit.parameters), key=lambda n: (len(n), n))
        values = [float(v) for v in row["parameters"]]
        if len(names) != len(values):
            raise DatasetError(
                f"{where}: {len(values)} parameter values for {len(names)} symbolic parameters"
            )
        return circuit, dict(zip(names, values, strict=True))
    for column in ("qasm3", "qasm2", "qasm", "response"):
        if row.get(column):
            return lift_parameters(load(row[column]))
    raise DatasetError(f"{where} holds no program (no qasm3_symbolic, qasm3, qasm2 or qasm column)")


def export_row(path: str | os.PathLike, row: str, out: str | os.PathLike) -> tuple[Path, Path]:
    """Write a row as ``OUT.qasm`` (OpenQASM 3, ``input float[64]`` parameters) and ``OUT.values.json``.

    Returns:
        The two paths written (``qgen simulate OUT.qasm --values OUT.values.json`` reproduces the row).
    """
    from qgen.circuits import dumps

    circuit, values = row_circuit(find_row(path, row))
    qasm_path = Path(out)
    values_path = qasm_path.with_suffix(".values.json")
    atomic_write_text(qasm_path, dumps(circuit, version=3))
    atomic_write_text(values_path, json.dumps(values, indent=2) + "\n")
    return qasm_path, values_path
