"""KetGPT end to end on the CPU: tiny corpus -> train (resume) -> sample -> verify -> synthetic dataset."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest
import torch
import typer
from typer.testing import CliRunner

from qgen.circuits import load
from qgen.cli import evaluate as eval_cli
from qgen.cli import generate as gen_cli
from qgen.cli.ketgpt import train_ketgpt_cmd
from qgen.generate.errors import GenerateError
from qgen.generate.ketgpt.mqt import mqt_corpus, write_rows
from qgen.generate.ketgpt.sampling import load_model, sample
from qgen.progress import RecordingProgress

runner = CliRunner()


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny models run fastest on one thread (and do not fight other jobs for the cores)."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def _group() -> None:
    """A command group (as `qgen train` / `qgen dataset` register them in qgen/cli/app.py)."""


train_app = typer.Typer()
train_app.callback()(_group)
train_app.command("ketgpt")(train_ketgpt_cmd)
dataset_app = typer.Typer()
dataset_app.callback()(_group)
dataset_app.command("synthetic")(gen_cli.synthetic_cmd)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    rows = mqt_corpus(["ghz", "qft", "wstate", "graphstate", "vqe_real_amp", "dj"], sizes=range(2, 8), seed=0)
    path = tmp_path_factory.mktemp("corpus")
    write_rows(rows, path)
    return path


@pytest.fixture(scope="module")
def model(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("model")
    args = ["ketgpt", "--data", str(corpus), "--out", str(out), "--config", "tiny", "--max-qubits", "8"]
    res = runner.invoke(
        train_app, [*args, "--max-steps", "20", "--batch-size", "8", "--lr", "3e-3", "--json"]
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["steps"] == 20 and summary["settings"]["resumed_from"] is None
    assert summary["data"]["train_circuits"] > 20 and summary["data"]["heldout_circuits"] > 0
    # resume: a longer run picks up the last checkpoint instead of starting over
    res = runner.invoke(
        train_app, [*args, "--max-steps", "30", "--batch-size", "8", "--lr", "3e-3", "--json"]
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.stdout)
    assert summary["steps"] == 30 and summary["settings"]["resumed_from"].endswith("checkpoint-20")
    return out


@pytest.mark.slow
def test_sampling_is_valid_and_reproducible(model) -> None:
    loaded = load_model(model, device="cpu")
    rec = RecordingProgress()
    a = sample(loaded, 24, batch_size=12, seed=3, device="cpu", qubits=[2, 5, 8], progress=rec)
    assert rec.events[0][:3] == ("start", "sampling", 24) and rec.done("sampling") == 24
    assert rec.events[-1][:2] == ("finish", "sampling")
    info = [e[2][1] for e in rec.events if e[0] == "advance"]
    assert len(info) == 2 and all(i["tokens"] > 0 and i["tokens_per_s"] > 0 for i in info)
    b = sample(loaded, 24, batch_size=12, seed=3, device="cpu", qubits=[2, 5, 8])
    assert [s.qasm for s in a.samples] == [s.qasm for s in b.samples]  # same seed, same circuits
    assert a.valid_fraction == 1.0
    for s in a.samples:
        assert s.ended and s.error is None and load(s.qasm).num_qubits == s.num_qubits
    free = sample(loaded, 12, batch_size=12, seed=3, device="cpu", lengths="model", max_new_tokens=40)
    assert free.valid_fraction == 1.0 and max(s.num_tokens for s in free.samples) <= 40
    raw = sample(loaded, 24, batch_size=12, seed=3, device="cpu", constrained=False, max_new_tokens=60)
    assert 0.0 <= raw.valid_fraction <= 1.0  # reported, not guaranteed
    # nucleus / min-p sampling stay within the grammar; bad values are refused with a clear error
    for kw in ({"top_k": 0, "top_p": 0.8}, {"top_k": 0, "min_p": 0.1}):
        res = sample(loaded, 8, batch_size=8, seed=3, device="cpu", qubits=[3], **kw)
        assert res.valid_fraction == 1.0 and res.settings["top_p"] == kw.get("top_p", 1.0)
    with pytest.raises(GenerateError, match="top_p"):
        sample(loaded, 2, device="cpu", top_p=0.0)


@pytest.mark.slow
def test_generate_eval_and_synthetic(model, corpus, tmp_path) -> None:
    gen = tmp_path / "gen"
    res = runner.invoke(
        gen_cli.app, ["ketgpt", "--model", str(model), "-n", "40", "--out", str(gen), "--seed", "1"]
    )
    assert res.exit_code == 0, res.output
    assert "valid programs: 100.0%" in res.stdout
    table = pq.read_table(gen / "data" / "train-00000-of-00001.parquet").to_pylist()
    assert len(table) == 40 and all(r["valid_program"] and r["constrained"] for r in table)
    assert (gen / "README.md").read_text().startswith("---\nlicense:")
    meta = json.loads((gen / "generation.json").read_text())
    assert meta["settings"]["seed"] == 1 and meta["seconds_per_circuit"] > 0

    raw = tmp_path / "raw"
    res = runner.invoke(
        gen_cli.app, ["ketgpt", "--model", str(model), "-n", "20", "--out", str(raw), "--unconstrained"]
    )
    assert res.exit_code == 0 and "unconstrained" in res.stdout

    ev_dir = tmp_path / "eval"
    res = runner.invoke(
        eval_cli.app,
        ["ketgpt", "--generated", str(gen), "--corpus", str(corpus), "--out", str(ev_dir), "--json"],
    )
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert report["validity"]["rate"] == 1.0 and report["validity"]["simulated"] == 40
    assert report["realism"]["heldout_accuracy"] >= 0.8
    assert 0.0 <= report["realism"]["judged_real"] <= 1.0 and 0.0 <= report["novelty"]["novel"] <= 1.0
    assert report["novelty"]["training_circuits"].endswith("train_circuits.txt")  # from generation.json
    assert set(report["structure"]["generated_vs_real"]) >= {"depth", "two_qubit_fraction", "density"}
    for name in ("eval.json", "profiles.png", "realism.skops", "circuits.parquet"):
        assert (ev_dir / name).is_file()
    assert (ev_dir / "profiles.png").read_bytes()[:4] == b"\x89PNG"

    syn = tmp_path / "syn"
    res = runner.invoke(
        dataset_app,
        ["synthetic", "--model", str(model), "--corpus", str(corpus), "--out", str(syn), "-n", "30"]
        + ["--top-p", "0.9"],
    )
    assert res.exit_code == 0, res.output
    settings = json.loads((syn / "generation.json").read_text())["settings"]
    assert settings["top_p"] == 0.9 and settings["top_k"] == 2 and settings["min_p"] == 0.0
    rows = pq.read_table(syn / "data" / "train-00000-of-00001.parquet").to_pylist()
    assert len(rows) == 30 and all(load(r["qasm3"]).num_qubits == r["num_qubits"] for r in rows[:5])
    card = (syn / "README.md").read_text()
    assert "## Verification" in card and "parse (qgen.circuits.load) and simulate | 30 (100.0%)" in card


@pytest.mark.slow
def test_cli_errors(tmp_path, corpus) -> None:
    res = runner.invoke(gen_cli.app, ["ketgpt", "--model", str(tmp_path), "--out", str(tmp_path / "x")])
    assert res.exit_code == 1 and "no ketgpt.json" in res.stderr and "Traceback" not in res.output
    res = runner.invoke(
        train_app, ["ketgpt", "--data", str(corpus), "--out", str(tmp_path), "--column", "nope"]
    )
    assert res.exit_code == 1 and "no QASM column 'nope'" in res.stderr
    res = runner.invoke(train_app, ["ketgpt", "--data", str(tmp_path / "none"), "--out", str(tmp_path)])
    assert res.exit_code == 1 and "no such corpus" in res.stderr
    res = runner.invoke(
        train_app, ["ketgpt", "--data", str(corpus), "--out", str(tmp_path), "--config", "hug"]
    )
    assert res.exit_code == 1 and "unknown KetGPT model config 'hug'" in res.stderr
    assert not (tmp_path / "x").exists()
