"""KetGPT datasets sampled in parts through an executor: the same rows with any worker count."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from qgen.cli import generate as gen_cli
from qgen.cli.ketgpt import train_ketgpt_cmd
from qgen.executors import LocalExecutor
from qgen.generate.ketgpt.mqt import mqt_corpus, write_rows
from qgen.generate.ketgpt.synthetic import generate_dataset, part_seed
from qgen.progress import RecordingProgress

runner = CliRunner()
train_app = typer.Typer()
train_app.callback()(gen_cli._group)  # a group, so "ketgpt" stays a subcommand
train_app.command("ketgpt")(train_ketgpt_cmd)


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    rows = mqt_corpus(["ghz", "qft", "wstate"], sizes=range(2, 6), seed=0)
    corpus = tmp_path_factory.mktemp("corpus")
    write_rows(rows, corpus)
    out = tmp_path_factory.mktemp("model")
    args = ["ketgpt", "--data", str(corpus), "--out", str(out), "--config", "tiny", "--max-qubits", "6"]
    res = runner.invoke(train_app, [*args, "--max-steps", "5", "--batch-size", "8", "--json"])
    assert res.exit_code == 0, res.output
    return out


def _rows(folder) -> list[dict]:
    return pq.read_table(folder / "data" / "train-00000-of-00001.parquet").to_pylist()


@pytest.mark.slow
def test_parts_give_the_same_rows_with_any_worker_count(model, tmp_path, monkeypatch) -> None:
    kw = {"n": 10, "batch_size": 4, "seed": 2, "device": "cpu", "max_new_tokens": 30}
    progress = RecordingProgress()
    one, meta = generate_dataset(model, tmp_path / "one", executor=LocalExecutor(1), progress=progress, **kw)
    assert [r["id"] for r in _rows(tmp_path / "one")] == [f"ketgpt-s2-{i:05d}" for i in range(10)]
    assert progress.done("sampling") == 10
    assert meta["settings"]["parts"] == 3 and meta["settings"]["part_size"] == 4  # 4 + 4 + 2 circuits
    assert part_seed(2, 0) != part_seed(2, 1)
    # the command line's local executor (one process per core; 2 here, whatever the machine) gives those rows
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert LocalExecutor().workers == 2
    res = runner.invoke(
        gen_cli.app,
        ["ketgpt", "--model", str(model), "-n", "10", "--batch-size", "4", "--seed", "2", "--device", "cpu",
         "--max-new-tokens", "30", "--out", str(tmp_path / "cli"), "--executor", "local", "--json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["settings"]["executor"] == "local"
    assert _rows(tmp_path / "cli") == _rows(tmp_path / "one")
    res = runner.invoke(gen_cli.app, ["ketgpt", "--model", str(model), "--out", str(tmp_path / "x"),
                                      "--executor", "dask"])  # fmt: skip
    assert res.exit_code == 1 and "Valid: local, ray" in res.stderr
