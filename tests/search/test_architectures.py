"""Architecture pools as datasets: unique circuits, symbolic QASM 3, ``load_pool`` of the folder, the CLI."""

from __future__ import annotations

import inspect
import json
from dataclasses import replace

import numpy as np
import pytest
from typer.testing import CliRunner

from qgen.circuits import load
from qgen.cli.dataset import app, build_cmd
from qgen.datasets import (
    BUILDERS,
    DatasetError,
    info,
    load_dataset,
    read_table,
    run_build,
    verify_dataset,
)
from qgen.search import PoolError, build_pool, load_pool, save_pool
from qgen.search.architectures import ArchitectureConfig, check_row
from qgen.search.space import structure_key
from qgen.search.tasks.base import default_space

CFG = ArchitectureConfig(qubits=4, size=300, shard_size=100, seed=3)
runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("arch") / "pool4"
    report = run_build("architectures", out, CFG, workers=1, command="pytest build")
    return out, report


def test_rows_are_the_unique_pool_in_order(built) -> None:
    out, report = built
    assert report.complete and report.num_shards == 3 and report.rows == 300
    rows = sorted(read_table(out).to_pylist(), key=lambda r: r["index"])
    assert [r["index"] for r in rows] == list(range(300))
    assert len({r["structure_key"] for r in rows}) == 300 and len({r["id"] for r in rows}) == 300
    assert rows[7]["id"] == "arch4-000007" and {r["split"] for r in rows} == {"train", "test"}
    pool = build_pool(default_space(4), 300, seed=3)
    for r in rows:
        g = pool.gatelist(r["index"])
        assert r["gates"] == [op.name for op in g.ops]
        assert r["qubits"] == [list(op.qubits) for op in g.ops]
        assert r["structure_key"] == structure_key(g)
        assert r["num_gates"] == 10 and r["depth"] <= 5 and r["num_qubits"] == 4
        assert r["num_parameters"] == g.num_parameters
    ds = load_dataset(out)
    assert sum(len(ds[s]) for s in ds) == 300


@pytest.mark.slow
def test_every_qasm3_parses_with_its_free_parameters(built) -> None:
    out, _ = built
    report = verify_dataset(out)  # qgen.load with full validation, gates / qubits / depth / parameters
    assert report.ok and report.checked == 300, report.failures[:3]
    # nothing numeric is stored for a pool: no deviation figures, rather than always-0 ones
    assert report.kind == "architectures" and report.max_energy_error is None
    assert report.to_dict()["max_probability_error"] is None
    row = read_table(out).slice(0, 1).to_pylist()[0]
    qc = load(row["qasm3"])
    assert "input float[64] p" in row["qasm3"] or row["num_parameters"] == 0
    assert len(qc.parameters) == row["num_parameters"]


def test_verify_reports_a_tampered_row(built) -> None:
    out, _ = built
    row = read_table(out).slice(0, 1).to_pylist()[0]
    assert check_row(row) == ([], {})
    bad = {**row, "gates": list(reversed(row["gates"])), "num_parameters": row["num_parameters"] + 1}
    problems, _ = check_row(bad)
    assert any("gates" in p for p in problems) and any("num_parameters" in p for p in problems)
    assert "does not load" in check_row({**row, "qasm3": "OPENQASM 3.0; h q;"})[0][0]


def test_load_pool_of_the_folder_is_build_pool(built, tmp_path) -> None:
    out, _ = built
    pool, ref = load_pool(out), build_pool(default_space(4), 300, seed=3)
    assert pool.space == ref.space and pool.seed == 3
    assert pool.gates.dtype == ref.gates.dtype and pool.qubits.dtype == ref.qubits.dtype
    assert np.array_equal(pool.gates, ref.gates) and np.array_equal(pool.qubits, ref.qubits)
    save_pool(ref, tmp_path / "npz")  # the pool.npz form still loads
    assert np.array_equal(load_pool(tmp_path / "npz").gates, ref.gates)
    with pytest.raises(PoolError, match="no pool found.*dataset build architectures"):
        load_pool(tmp_path / "empty")


def test_load_pool_refuses_incomplete_builds(tmp_path) -> None:
    part = tmp_path / "part"
    run_build("architectures", part, CFG, workers=1, shard="0/3", card_verify_sample=0)
    with pytest.raises(PoolError, match="100 of 300 circuits"):
        load_pool(part)
    other = tmp_path / "other"
    other.mkdir()
    (other / "build.json").write_text(json.dumps({"kind": "algorithms", "config": {}, "num_shards": 1}))
    with pytest.raises(PoolError, match="kind 'algorithms', not an architecture pool"):
        load_pool(other)


def test_resume_builds_nothing_and_card(built) -> None:
    out, _ = built
    again = run_build("architectures", out, CFG, workers=1, card_verify_sample=0)
    assert again.built == [] and again.skipped == [0, 1, 2]
    with pytest.raises(DatasetError, match="differing settings: size"):
        run_build("architectures", out, replace(CFG, size=301), workers=1)
    card = (out / "README.md").read_text()
    assert card.startswith("---\nlicense:") and "\n---\n" in card
    for text in ("# qgen architecture pool", "| num_two_qubit | rows | qubits | mean_gates |", "mean_depth"):
        assert text in card, text
    summary = info(out)
    assert summary["kind"] == "architectures" and summary["statistics"][-1]["rows"] == 300


def test_config_defaults_and_bad_settings() -> None:
    assert {"optimization", "algorithms", "architectures"} <= set(BUILDERS)
    paper4, paper8 = ArchitectureConfig().resolved(), ArchitectureConfig(qubits=8).resolved()
    assert (paper4.size, paper4.num_gates, paper4.depth) == (100_000, 10, 5) and paper4.num_shards == 10
    assert paper8.num_gates == 20 and paper8.space() == default_space(8)
    assert ArchitectureConfig.from_dict(json.loads(json.dumps(paper4.to_dict()))) == paper4
    for bad, message in (
        (ArchitectureConfig(size=0), "pool size must be at least 1"),
        (ArchitectureConfig(qubits=0), "qubits must be in 2..64"),
        (ArchitectureConfig(test_fraction=1.0), "test fraction in"),
        (ArchitectureConfig(num_gates=30, depth=2), "cannot fit in depth 2"),
    ):
        with pytest.raises(DatasetError, match=message):
            bad.resolved()


def test_cli_build_matches_the_library(built, tmp_path) -> None:
    out = tmp_path / "cli"
    args = ["build", "architectures", "--out", str(out), "--qubits", "4", "--size", "300"]
    res = runner.invoke(app, [*args, "--seed", "3", "--shard-size", "150", "--workers", "1", "-q"])
    assert res.exit_code == 0, res.output
    assert "build complete" in res.stdout
    meta = json.loads((out / "build.json").read_text())
    assert meta["kind"] == "architectures" and meta["config"]["num_gates"] == 10
    assert "--qubits 4" in meta["command"] and "--seed 3" in meta["command"]
    ref, pool = load_pool(built[0]), load_pool(out)
    assert np.array_equal(pool.gates, ref.gates) and np.array_equal(pool.qubits, ref.qubits)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--size", "0"], "pool size must be at least 1"),
        (["--qubits", "0"], "qubits must be in 2..64"),
        (["--problems", "maxcut"], "does not take --problems (optimization)"),
        (["--max-qubits", "5"], "does not take --max-qubits"),
    ],
)
def test_cli_errors_are_one_line(tmp_path, extra, message) -> None:
    res = runner.invoke(app, ["build", "architectures", "--out", str(tmp_path / "x"), "-q", *extra])
    assert res.exit_code == 1, res.output
    assert message in res.stderr and "Traceback" not in res.output
    assert not (tmp_path / "x" / "build.json").exists()


def test_cli_rejects_architecture_options_for_other_kinds(tmp_path) -> None:
    res = runner.invoke(app, ["build", "algorithms", "--out", str(tmp_path / "y"), "--qubits", "4"])
    # other tests may register more kinds that take --qubits (e.g. "architectures / test_arch")
    assert res.exit_code == 1 and "does not take --qubits (architectures" in res.stderr
    kind_help = inspect.signature(build_cmd).parameters["kind"].default.help
    assert all(k in kind_help for k in ("optimization", "algorithms", "architectures"))  # built-in kinds
