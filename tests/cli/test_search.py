"""`qgen search` (+ `tasks`, `pool`) and `qgen train arch2vec` through Typer's CliRunner."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qgen.cli.search import app as search_app
from qgen.cli.train import app as train_app

runner = CliRunner()


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """A tiny 4-qubit pool and an arch2vec model trained on it for one epoch."""
    root = tmp_path_factory.mktemp("qas")
    res = runner.invoke(search_app, ["pool", "--out", str(root / "pool"), "--size", "120", "--seed", "1"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        train_app,
        [
            "arch2vec",
            "--pool",
            str(root / "pool"),
            "--out",
            str(root / "a2v"),
            "--epochs",
            "1",
            "--hidden",
            "16",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "reconstruction accuracy" in res.output
    # one epoch of a 16-wide model is far from 99% per element: the CLI says to train longer
    assert "resume with more epochs (e.g. --epochs 4)" in " ".join(res.output.split())
    return root


def test_tasks_listing() -> None:
    res = runner.invoke(search_app, ["tasks", "--json"])
    assert res.exit_code == 0
    names = {row["name"] for row in json.loads(res.stdout)}
    assert {"state_prep", "maxcut", "vqe_h2", "tfim", "digits", "hamiltonian", "target_state"} <= names


@pytest.fixture
def toy_task():
    """A task registered from this test module only: prepare |1...1> with a declared integer option."""
    import numpy as np

    from qgen.search.tasks import TASKS, TaskOption, register_task
    from qgen.search.tasks.state import StateTask

    @register_task("toy_ones", "prepare |1..1>", options=(TaskOption("flips", int, 1, "unused count"),))
    def toy_ones(num_qubits: int, flips: int = 1) -> StateTask:
        psi = np.zeros(2**num_qubits, dtype=complex)
        psi[-1] = 1.0
        return StateTask("toy_ones", num_qubits, 0.9, 0.99, "fidelity", target=psi, info={"flips": flips})

    yield TASKS["toy_ones"]
    TASKS._items.pop("toy_ones")


def test_task_options_come_from_the_declaration(toy_task, tmp_path) -> None:
    assert toy_task.parse_options(["flips=3"]) == {"flips": 3}
    res = runner.invoke(search_app, ["tasks", "--json"])
    row = next(r for r in json.loads(res.stdout) if r["name"] == "toy_ones")
    assert row["options"] == [{"name": "flips", "type": "int", "default": "1", "help": "unused count"}]
    base = ["--task", "toy_ones", "--qubits", "2", "--out", str(tmp_path / "o")]
    res = runner.invoke(search_app, [*base, "--task-option", "flops=2"])
    assert res.exit_code == 1 and "task 'toy_ones' has no option 'flops'; valid options: flips" in res.stderr
    res = runner.invoke(search_app, [*base, "--task-option", "flips=two"])
    assert res.exit_code == 1 and "task option 'flips' expects a value of type int, got 'two'" in res.stderr
    res = runner.invoke(search_app, [*base, "--task-option", "flips"])
    assert res.exit_code == 1 and "--task-option expects NAME=VALUE, got 'flips'" in res.stderr
    res = runner.invoke(search_app, [*base, "--target-seed", "3"])
    assert res.exit_code == 1 and "takes no option(s) ['target_seed']; it takes ['flips']" in res.stderr


@pytest.mark.slow
def test_search_end_to_end(prepared) -> None:
    out = prepared / "run"
    args = ["--task", "maxcut", "--qubits", "4", "--budget", "24", "--seeds", "2", "--out", str(out)]
    args += ["--pool", str(prepared / "pool"), "--model", str(prepared / "a2v")]
    res = runner.invoke(search_app, args)
    assert res.exit_code == 0, res.output
    assert "reproduced" in res.output and "NOT reproduced" not in res.output
    results = json.loads((out / "results.json").read_text())
    assert set(results["summary"]) == {"random", "reinforce", "bo"}
    assert results["config"]["seeds"] == [0, 1] and results["config"]["budget"] == 24
    for method in ("random", "reinforce", "bo"):
        best = results["best"][method]
        assert best["reproduced"] and (out / best["qasm"]).read_text().startswith("OPENQASM 3")
        values = json.loads((out / best["values"]).read_text())
        assert values["reloaded_reward"] == pytest.approx(values["reward"], abs=1e-6)
    assert (out / "plot.png").stat().st_size > 1000 and (out / "rewards.npz").is_file()
    again = runner.invoke(search_app, [*args, "--method", "random", "--json"])  # reuses the reward cache
    assert again.exit_code == 0
    rerun = json.loads(again.stdout)["summary"]["random"]
    assert rerun["above_threshold"] == results["summary"]["random"]["above_threshold"]
    assert rerun["best_reward"] == results["summary"]["random"]["best_reward"]
    # the predictor reads the circuits' structure: no --model, and no arch2vec is trained for it
    no_model = [a for a in args if a not in ("--model", str(prepared / "a2v"))]
    pred = runner.invoke(search_app, [*no_model, "--method", "predictor", "--method", "random", "--json"])
    assert not (prepared / "pool" / "arch2vec").exists()
    assert pred.exit_code == 0, pred.output
    summary = json.loads(pred.stdout)["summary"]["predictor"]
    assert 0 < summary["best_reward"]["max"] <= 1 + 1e-9 and len(summary["above_threshold"]["per_seed"]) == 2


@pytest.mark.slow
def test_digits_validation_split_reports_test_accuracy(prepared) -> None:
    out = prepared / "digits"
    args = ["--task", "digits", "--validation", "0.2", "--method", "random", "--budget", "6", "--seeds", "1"]
    res = runner.invoke(search_app, [*args, "--pool", str(prepared / "pool"), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "validation accuracy" in res.output and "test accuracy" in res.output
    best = json.loads((out / "results.json").read_text())["best"]["random"]
    values = json.loads((out / best["values"]).read_text())
    assert best["reproduced"] and 0.0 <= values["test_accuracy"] <= 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--task", "maxcat", "--out", "x"], "unknown search task 'maxcat'. Did you mean 'maxcut'?"),
        (["--task", "vqe_h2", "--qubits", "8", "--out", "x"], "defined for 4 qubits"),
        (["--task", "hamiltonian", "--out", "x"], "needs a Pauli-sum file"),
        (["--task", "maxcut", "--out", "x", "--budget", "0"], "--budget and --seeds must be >= 1"),
    ],
)
def test_search_bad_input(args, message) -> None:
    res = runner.invoke(search_app, args)
    assert res.exit_code == 1
    assert message in res.stderr and "Traceback" not in res.output


def test_bad_method_and_pool(prepared, tmp_path) -> None:
    args = ["--task", "maxcut", "--out", str(tmp_path / "o"), "--pool", str(prepared / "pool")]
    res = runner.invoke(search_app, [*args, "--model", str(prepared / "a2v"), "--method", "evolution"])
    assert res.exit_code == 1 and "unknown search method 'evolution'" in res.stderr
    res = runner.invoke(
        train_app, ["arch2vec", "--pool", str(tmp_path / "none"), "--out", str(tmp_path / "m")]
    )
    assert res.exit_code == 1 and "no pool found" in res.stderr


@pytest.mark.slow
def test_search_builds_pool_and_model_in_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("QGEN_CACHE", str(tmp_path / "cache"))
    args = ["--task", "state_prep", "--pool-size", "60", "--budget", "10", "--seeds", "1"]
    args += ["--method", "random"]
    res = runner.invoke(search_app, [*args, "--out", str(tmp_path / "o"), "--json"])
    assert res.exit_code == 0, res.output
    cached = tmp_path / "cache" / "search" / "pool-4q-10g-d5-60-s0"
    assert (cached / "pool.npz").is_file() and not (cached / "arch2vec").exists()  # random needs no latent
    assert json.loads(res.stdout)["best"]["random"]["reproduced"]
    res = runner.invoke(search_app, [*args, "--method", "reinforce", "--out", str(tmp_path / "o2"), "--json"])
    assert res.exit_code == 0, res.output
    assert (cached / "arch2vec" / "embeddings.npz").is_file()  # trained once, into the pool's folder
