"""Optimisation builds: rows, schema, determinism, shards and merge, card, verification, hub guard."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pyarrow as pa
import pytest
import torch
from qiskit.quantum_info import SparsePauliOp

from qgen.circuits import load
from qgen.datasets import (
    BUILDERS,
    DatasetError,
    HubError,
    OptimizationConfig,
    ShardError,
    ShardSpec,
    TrainSettings,
    build_optimization,
    info,
    load_dataset,
    merge,
    plan,
    push_to_hub,
    read_table,
    verify_dataset,
)
from qgen.sim import expectation_values, probabilities

CFG = OptimizationConfig(
    size=8, max_qubits=4, shard_size=3, seed=3, test_fraction=0.25, train=TrainSettings(steps=60, rounds=1)
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("opt") / "full"
    report = build_optimization(out, CFG, workers=1, card_verify_sample=2, command="pytest build")
    return out, report


def test_rows_schema_and_splits(built) -> None:
    out, report = built
    assert report.complete and report.rows == 8 and report.built == [0, 1, 2]
    table = read_table(out)
    assert table.schema.equals(BUILDERS["optimization"].schema)
    ids = table.column("id").to_pylist()
    assert len(set(ids)) == 8 and sorted(ids) == sorted(f"s3-{i:06d}" for i in range(8))
    assert set(table.column("method").to_pylist()) <= {"qaoa", "vqe", "adapt"}
    ds = load_dataset(out)
    assert sum(len(ds[s]) for s in ds) == 8 and set(ds) <= {"train", "test"}
    row = ds["train"][0]
    assert (
        row["messages"][-1] == {"role": "assistant", "content": row["qasm3_compact"]}
        and row["response"] == row["qasm3"]
    )
    assert row["messages"][1]["content"] == row["prompt_compact"]
    assert "OpenQASM" in row["messages"][0]["content"]


def test_stored_numbers_reproduce_from_the_qasm(built) -> None:
    out, _ = built
    for row in read_table(out).to_pylist()[:4]:
        circuit = load(row["qasm3"])
        ham = SparsePauliOp(row["hamiltonian_paulis"], np.asarray(row["hamiltonian_coeffs"]))
        with torch.no_grad():
            energy = float(expectation_values(circuit, ham))
            probs = probabilities(circuit).numpy()
        assert energy == pytest.approx(row["expectation_value"], abs=1e-6)
        idx = [int(b, 2) for b in row["top_bitstrings"]]
        assert np.allclose(probs[idx], row["top_probabilities"], atol=1e-6)
        assert row["success"] == (row["most_probable"] in row["ground_states"])
        assert row["num_ground_states"] == len(row["ground_states"])
        assert 0.0 <= row["approximation_ratio"] <= 1.0 + 1e-9
        assert row["ground_energy"] <= row["expectation_value"] + 1e-9
    report = verify_dataset(out, sample=3)
    assert report.ok and report.checked == 3 and report.max_energy_error < 1e-6


@pytest.mark.slow
def test_same_seed_same_rows_and_sharded_build_merges_to_it(built, tmp_path) -> None:
    out, _ = built
    parts = []
    for i in range(2):
        part = tmp_path / f"part{i}"
        rep = build_optimization(part, CFG, workers=1, shard=f"{i}/2", card_verify_sample=0)
        assert not rep.complete
        parts.append(part)
    with pytest.raises(ShardError, match="gaps: 1, 2"):
        merge([parts[0]], tmp_path / "gap")
    with pytest.raises(ShardError, match="duplicate shards"):
        merge([parts[0], parts[0], parts[1]], tmp_path / "dup")
    merged = tmp_path / "merged"
    assert merge(parts, merged).rows == 8
    assert read_table(merged).equals(read_table(out))  # identical rows, identical order


def test_card_and_info(built) -> None:
    out, _ = built
    card = (out / "README.md").read_text()
    assert card.startswith("---\nlicense:")
    for text in (
        "## Statistics",
        "| problem | ansatz | rows |",
        "success_rate",
        "beats_random_rate",
        "pytest build",
        "reproduces `expectation_value` and `top_probabilities` to 1e-6",
        "all passed",
        "data/train/*.parquet",
    ):
        assert text in card, text
    summary = info(out)
    assert summary["complete"] and summary["rows"] == 8 and summary["statistics"][-1]["rows"] == 8


def test_resume_refuses_another_config_and_keeps_finished_shards(built) -> None:
    out, _ = built
    with pytest.raises(DatasetError, match="differing settings: size"):
        build_optimization(out, replace(CFG, size=9), workers=1)
    again = build_optimization(out, CFG, workers=1, card_verify_sample=0)
    assert again.built == [] and again.skipped == [0, 1, 2]


def test_plan_is_deterministic_and_sorted() -> None:
    cfg = OptimizationConfig(size=200, max_qubits=6, seed=1)
    a, b = plan(cfg), plan(cfg)
    assert a == b
    assert sorted(t.index for t in a) == list(range(200))
    assert {t.method for t in a} == {"qaoa", "vqe", "adapt"}
    assert all(1 <= t.layers <= 4 for t in a if t.method != "adapt")
    assert len({t.problem for t in a}) >= 12


def test_bad_settings_raise_clear_errors(tmp_path) -> None:
    with pytest.raises(DatasetError, match="min qubits"):
        OptimizationConfig(max_qubits=30).resolved()
    with pytest.raises(DatasetError, match="no instance with"):
        OptimizationConfig(problems=("tsp",), max_qubits=3).resolved()
    with pytest.raises(DatasetError, match="not a VQE ansatz"):
        OptimizationConfig(ansatze=("qaoa",)).resolved()
    with pytest.raises(DatasetError, match="i/N"):
        ShardSpec.parse("2")
    with pytest.raises(DatasetError, match="0 <= i < N"):
        ShardSpec.parse("3/2")
    assert ShardSpec.parse("1/3").select(10) == [3, 4, 5]


def test_push_to_hub_without_token_errors(built, monkeypatch, tmp_path) -> None:
    out, _ = built
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("HUGGING_FACE_HUB_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(HubError, match="no Hugging Face token"):
        push_to_hub(out, "someone/qgen-test")


def test_arrow_types_are_stable() -> None:
    assert BUILDERS["optimization"].schema.field("messages").type == pa.list_(
        pa.struct([("role", pa.string()), ("content", pa.string())])
    )
