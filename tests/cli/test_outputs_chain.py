"""Outputs chain: search -> compile --values -> run --values --observable gives the search's reward."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from qgen.cli.app import app

runner = CliRunner()
TFIM4 = "-1 IIZZ\n-1 IZZI\n-1 ZZII\n-1 IIIX\n-1 IIXI\n-1 IXII\n-1 XIII\n"


def _ok(args: list[str]) -> str:
    res = runner.invoke(app, args, env={"COLUMNS": "120"})
    assert res.exit_code == 0, res.output
    return res.output


@pytest.mark.slow
@pytest.mark.parametrize("target", ["quantinuum-h2", "ibm-torino"])
def test_search_compile_run_observable(tmp_path: Path, monkeypatch, target: str) -> None:
    monkeypatch.setenv("QGEN_CACHE", str(tmp_path / "cache"))
    ham = tmp_path / "tfim4.txt"
    ham.write_text(TFIM4)
    out = tmp_path / "search"
    _ok(["search", "--task", "hamiltonian", "--hamiltonian", str(ham), "--qubits", "4", "--method", "random",
         "--budget", "20", "--seeds", "1", "--pool-size", "100", "--out", str(out)])  # fmt: skip
    record = json.loads((out / "best_random.json").read_text())
    values = out / "best_random.values.json"
    assert json.loads(values.read_text()) == record["values"]
    e0 = float(re.search(r"E0 = (-?[\d.]+)", record["metric"])[1])
    compiled = tmp_path / f"{target}.qasm"
    _ok(["compile", str(out / "best_random.qasm"), "--values", str(values), "--target", target,
         "--engine", "qiskit", "-o", str(compiled)])  # fmt: skip
    text = _ok(["run", str(compiled), "--values", str(values), "--observable", str(ham), "--backend",
                "qgen-exact", "--shots", "4000", "--seed", "3", "--json"])  # fmt: skip
    est = json.loads(text)
    assert len(est["groups"]) == 2  # the ZZ basis and the X basis
    reward = est["value"] / e0
    assert abs(reward - record["reward"]) <= 4 * est["stderr"] / abs(e0) + 1e-9, (reward, record["reward"])


@pytest.mark.slow
def test_compile_output_is_compile_result_qasm_and_runs(tmp_path: Path) -> None:
    """``compile -o`` writes ``CompileResult.qasm()``; ``run`` measures the layout it states (133 qubits)."""
    import qgen
    from qgen.backends import read_layout

    src = Path("examples/vqe_ansatz.qasm")
    out = tmp_path / "c.qasm"
    _ok(["compile", str(src), "--target", "ibm-torino", "--engine", "qiskit", "--seed", "0", "-o", str(out),
         "--no-verify"])  # fmt: skip
    res = qgen.compile(src, target="ibm-torino", engine="qiskit", seed=0, verify=False)
    assert out.read_text() == res.qasm(3)
    assert read_layout(out.read_text()) == list(res.final_layout)
    metrics = res.metrics()
    assert metrics["qubits"]["before"] == res.before.num_qubits and "2-qubit gates" in metrics
    run = _ok(["run", str(out), "--random-params", "--seed", "1", "--shots", "50", "--json"])
    counts = json.loads(run)["counts"]
    assert sum(counts.values()) == 50 and {len(k) for k in counts} == {res.before.num_qubits}


def test_values_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "v.json"
    bad.write_text('{"theta": "x"}')
    res = runner.invoke(app, ["simulate", "examples/qaoa_maxcut.qasm", "--values", str(bad)])
    assert res.exit_code == 1 and "'theta' is 'x', not a finite number" in res.stderr
    bad.write_text("[1, 2]")
    res = runner.invoke(app, ["simulate", "examples/qaoa_maxcut.qasm", "--values", str(bad)])
    assert res.exit_code == 1 and 'expected a JSON object {"name": value, ...}' in res.stderr


def test_simulate_values_file_binds_like_param(tmp_path: Path) -> None:
    from qgen.circuits import load

    names = [p.name for p in load("examples/qaoa_maxcut.qasm").parameters]
    vals = {n: 0.1 * (i + 1) for i, n in enumerate(names)}
    f = tmp_path / "v.json"
    f.write_text(json.dumps(vals))
    a = json.loads(_ok(["simulate", "examples/qaoa_maxcut.qasm", "--values", str(f), "--json"]))
    params = [x for n, v in vals.items() for x in ("--param", f"{n}={v}")]
    b = json.loads(_ok(["simulate", "examples/qaoa_maxcut.qasm", *params, "--json"]))
    assert a == b


@pytest.mark.slow
def test_compiled_files_run_on_the_targets_emulators(tmp_path: Path) -> None:
    """What ``qgen compile -o`` wrote runs on each target's own emulator (physical qubits, unmeasured)."""
    pytest.importorskip("pytket_pecos")
    pytest.importorskip("qiskit_aer")
    ham = tmp_path / "zz.txt"
    ham.write_text("1 ZZ\n0.5 XX\n")
    bell = tmp_path / "bell.qasm"
    bell.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n')
    for target, backend in (("quantinuum-h2", "quantinuum-h2-emulator"), ("ibm-torino", "ibm-torino-aer")):
        out = tmp_path / f"{target}.qasm"
        _ok(["compile", str(bell), "--target", target, "--engine", "qiskit", "-o", str(out)])
        counts = json.loads(_ok(["run", str(out), "--backend", backend, "--shots", "200", "--seed", "1",
                                 "--json"]))["counts"]  # fmt: skip
        assert {len(k) for k in counts} == {2} and counts.get("00", 0) + counts.get("11", 0) >= 150, counts
        est = json.loads(_ok(["run", str(out), "--observable", str(ham), "--backend", backend,
                              "--shots", "400", "--seed", "1", "--json"]))  # fmt: skip
        assert abs(est["value"] - 1.5) <= 0.2, (target, est["value"])  # noise-free 1.5; Aer noise ~ a few %


def test_search_plot_title_is_wrapped_not_cut() -> None:
    from qgen.search.run import _title

    long = "hamiltonian (4 qubits): E / E0 clipped to >= 0 (E = trained <H>, E0 = -4.758770 exact ground)"
    lines = _title(long).splitlines()
    assert len(lines) == 2 and max(map(len, lines)) <= 64 and " ".join(lines) == long


@pytest.mark.slow
def test_tn_init_values_feed_simulate(tmp_path: Path) -> None:
    pytest.importorskip("quimb")
    out = tmp_path / "init.qasm"
    _ok(["tn-init", "-H", "tfim", "-n", "4", "-l", "1", "-o", str(out)])
    data = json.loads(_ok(["simulate", str(out), "--values", str(tmp_path / "init.json"), "--json"]))
    assert data["num_qubits"] == 4


def test_dataset_rows_export_a_values_file(tmp_path) -> None:
    """`qgen dataset export` writes a row's symbolic circuit and values that reproduce the row's energy."""
    from qgen.cli.dataset import app as dataset_app

    data = tmp_path / "opt"
    args = ["build", "optimization", "--out", str(data), "--size", "2", "--max-qubits", "3", "--workers", "1",
            "--steps", "20", "--seed", "3", "--quiet"]
    res = runner.invoke(dataset_app, args)
    assert res.exit_code == 0, res.output
    from qgen.datasets.io import read_table

    row = read_table(data).slice(1, 1).to_pylist()[0]
    out = tmp_path / "row.qasm"
    res = runner.invoke(dataset_app, ["export", str(data), "--row", row["id"], "--out", str(out)])
    assert res.exit_code == 0, res.output
    values = json.loads((tmp_path / "row.values.json").read_text())
    assert list(values.values()) == row["parameters"]
    import numpy as np
    from qiskit.quantum_info import SparsePauliOp, Statevector

    import qgen

    circuit = qgen.load(out)
    state = Statevector(circuit.assign_parameters({p: values[p.name] for p in circuit.parameters}))
    ham = SparsePauliOp(row["hamiltonian_paulis"], row["hamiltonian_coeffs"])
    assert np.isclose(state.expectation_value(ham).real, row["expectation_value"], atol=1e-9)
    assert state.equiv(Statevector(qgen.load(row["qasm3"])))
    # the same row by index; an unknown row names what exists
    res = runner.invoke(dataset_app, ["export", str(data), "--row", "1", "--out", str(tmp_path / "i.qasm")])
    assert res.exit_code == 0 and (tmp_path / "i.qasm").read_text() == out.read_text()
    bad = ["export", str(data), "--row", "nope", "--out", str(tmp_path / "n.qasm")]
    res = runner.invoke(dataset_app, bad)
    assert res.exit_code == 1 and "has no row 'nope'" in res.stderr and not (tmp_path / "n.qasm").exists()


def test_lift_parameters_round_trips_a_bound_program() -> None:
    """Every numeric angle (inside defined gates too) becomes t###; binding gives the same operator."""
    from qiskit.quantum_info import Operator

    import qgen
    from qgen.circuits.parametrize import lift_parameters

    src = (
        'OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float[64] t001;\n'
        "gate layer(a, b) q0, q1 { cx q0, q1; rz(a) q1; cx q0, q1; rx(b) q0; rx(b) q1; }\n"
        "qubit[3] q;\nh q;\nlayer(0.3, 0.7) q[0], q[1];\nrz(t001) q[2];\ncp(1.25) q[0], q[2];\n"
        "U(0.1, 0.2, 0.3) q[1];\n"
    )
    qc = qgen.load(src)
    sym, values = lift_parameters(qc)
    expected = {"t000": 0.3, "t002": 0.7, "t003": 0.7, "t004": 0.1, "t005": 0.2, "t006": 0.3, "t007": 1.25}
    assert values == expected
    full = {**values, "t001": 0.9}
    a = Operator(qc.assign_parameters({qc.parameters[0]: 0.9}))
    b = Operator(sym.assign_parameters({p: full[p.name] for p in sym.parameters}))
    assert a == b
    assert "input float[64] t007;" in qgen.dumps(sym)
