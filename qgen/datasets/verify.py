"""Check stored rows against their circuits: QASM parses, re-simulation reproduces the stored numbers.

Optimisation rows: ``qasm3`` is loaded with :func:`qgen.load` (full validation), simulated with qgen.sim in
complex128, and its energy and the probabilities of the stored top bitstrings must match the row to
``atol`` (1e-6); ``qasm3_symbolic`` must load too and, with the stored parameters, give the same state.
Algorithm rows: ``qasm2`` and ``qasm3`` must load and have the stored qubit count. Every kind brings its
own row check (:attr:`qgen.datasets.builders.DatasetKind.check_row`); :func:`verify_dataset` runs it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import torch
from qiskit.quantum_info import SparsePauliOp

from qgen.circuits import load
from qgen.datasets.builders import BUILDERS
from qgen.datasets.shards import read_build
from qgen.executors import Executor
from qgen.progress import Progress
from qgen.progress import report as report_progress


@dataclass
class VerifyReport:
    """Outcome of :func:`verify_dataset`: rows checked, problems, and the largest numeric deviation of each
    name the kind reports (``max_errors``; e.g. ``energy`` and ``probability`` for optimisation rows)."""

    checked: int = 0
    failures: list[str] = field(default_factory=list)
    kind: str | None = None
    max_errors: dict[str, float] = field(default_factory=dict)

    @property
    def max_energy_error(self) -> float | None:
        """Largest energy deviation (None when the kind stores no energies)."""
        return self.max_errors.get("energy")

    @property
    def max_probability_error(self) -> float | None:
        """Largest probability deviation (None when the kind stores no probabilities)."""
        return self.max_errors.get("probability")

    @property
    def ok(self) -> bool:
        """No row failed."""
        return not self.failures

    def to_dict(self) -> dict:
        """JSON-ready summary."""
        return {
            "checked": self.checked,
            "max_energy_error": self.max_energy_error,
            "max_probability_error": self.max_probability_error,
            "failures": self.failures,
            "ok": self.ok,
            "kind": self.kind,
            "max_errors": self.max_errors,
        }


def verify_optimization_row(row: dict, atol: float = 1e-6) -> tuple[float, float, list[str]]:
    """``(energy error, max probability error, problems)`` of one optimisation row."""
    from qgen.sim import expectation_values, probabilities

    problems = []
    try:
        circuit = load(row["qasm3"])
    except Exception as exc:  # noqa: BLE001 - report any failure as a row problem
        return np.inf, np.inf, [f"{row['id']}: qasm3 does not load: {exc}"]
    ham = SparsePauliOp(row["hamiltonian_paulis"], np.asarray(row["hamiltonian_coeffs"], dtype=complex))
    with torch.no_grad():
        energy = float(expectation_values(circuit, ham))
        probs = probabilities(circuit).numpy()
    e_err = abs(energy - row["expectation_value"])
    idx = [int(b, 2) for b in row["top_bitstrings"]]
    p_err = float(np.max(np.abs(probs[idx] - np.asarray(row["top_probabilities"])))) if idx else 0.0
    if e_err > atol:
        problems.append(f"{row['id']}: energy {energy} != stored {row['expectation_value']}")
    if p_err > atol:
        problems.append(f"{row['id']}: probabilities differ by {p_err:.2e}")
    try:
        symbolic = load(row["qasm3_symbolic"])
        names = [p.name for p in symbolic.parameters]
        values = dict(zip(names, row["parameters"], strict=True))
        with torch.no_grad():
            sym_probs = probabilities(symbolic, [values[n] for n in names]).numpy()
        if np.max(np.abs(sym_probs - probs)) > atol:
            problems.append(f"{row['id']}: qasm3_symbolic with the stored parameters gives another state")
    except Exception as exc:  # noqa: BLE001
        problems.append(f"{row['id']}: qasm3_symbolic does not load or bind: {exc}")
    return e_err, p_err, problems


def verify_algorithm_row(row: dict) -> list[str]:
    """Problems of one algorithm-corpus row (QASM 2 and 3 must load with the stored qubit count)."""
    problems = []
    for key in ("qasm2", "qasm3"):
        try:
            qc = load(row[key])
            if qc.num_qubits != row["num_qubits"]:
                problems.append(
                    f"{row['id']}: {key} has {qc.num_qubits} qubits, the row says {row['num_qubits']}"
                )
        except Exception as exc:  # noqa: BLE001
            problems.append(f"{row['id']}: {key} does not load: {str(exc).splitlines()[0]}")
    return problems


#: rows per verification task (fixed, so the report is the same with any executor and worker count)
VERIFY_CHUNK = 32


def check_rows(kind: str, module: str | None, rows: list[dict], atol: float) -> tuple[list[str], dict, int]:
    """Check rows of one kind (a pure task): ``(problems, worst deviations, rows checked)``; ticks per row."""
    import importlib

    from qgen.executors import tick

    if kind not in BUILDERS and module:
        importlib.import_module(module)
    check = BUILDERS[kind].check_row
    problems: list[str] = []
    worst: dict[str, float] = {}
    for row in rows:
        found, deviations = check(row, atol)
        problems += found
        for name, value in deviations.items():
            worst[name] = max(worst.get(name, 0.0), float(value))
        tick(1)
    return problems, worst, len(rows)


def verify_dataset(
    path: str | os.PathLike,
    *,
    sample: int | None = None,
    seed: int = 0,
    atol: float = 1e-6,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> VerifyReport:
    """Verify every row of a build folder, or a random ``sample`` of them (see the module docstring).

    ``executor`` (:func:`qgen.executors.get_executor`; default: this process) checks chunks of
    :data:`VERIFY_CHUNK` rows, read here and sent to the tasks; ``progress`` advances per checked row
    (task ``"verifying"``).
    """
    from qgen.datasets.io import read_table
    from qgen.executors import get_executor

    kind = BUILDERS[read_build(path)["kind"]]
    table = read_table(path)
    order = np.arange(table.num_rows)
    if sample is not None and sample < table.num_rows:
        order = np.sort(np.random.default_rng(seed).choice(table.num_rows, size=sample, replace=False))
    report = VerifyReport(kind=kind.name, max_errors={name: 0.0 for name in kind.deviations})
    module = kind.run_shard.__module__
    tasks = []
    for lo in range(0, len(order), VERIFY_CHUNK):
        rows = [table.slice(int(i), 1).to_pylist()[0] for i in order[lo : lo + VERIFY_CHUNK]]
        tasks.append((kind.name, module, rows, atol))
    bar = report_progress(progress)
    bar.start("verifying", total=len(order), unit="rows")
    results: dict[int, tuple] = {}
    try:
        run = executor or get_executor("local", workers=1)
        for i, result in run.map(check_rows, tasks, progress=lambda n: bar.advance("verifying", n)):
            results[i] = result
    finally:
        bar.finish("verifying")
    for i in sorted(results):  # task order: the same report whatever finished first
        problems, worst, checked = results[i]
        report.failures += problems
        for name, value in worst.items():
            report.max_errors[name] = max(report.max_errors.get(name, 0.0), value)
        report.checked += checked
    return report
