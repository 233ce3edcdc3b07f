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
