"""Algorithm corpus: MQT Bench circuits, their random twins, QASM 2 with single-bit conditions."""

from __future__ import annotations

import json

import numpy as np
import pytest
from qiskit import QuantumCircuit

from qgen.circuits import load
from qgen.datasets import AlgorithmConfig, build_algorithms, load_dataset, random_counterpart, read_table
from qgen.datasets.algorithms import generate, mqt_families
from qgen.datasets.qasm2_control import qasm2_with_conditions
from qgen.datasets.verify import verify_algorithm_row
from qgen.errors import UnknownNameError

CFG = AlgorithmConfig(
    max_qubits=4,
    families=("ae", "dynamic_qft", "ghz", "qft", "cdkm_ripple_carry_adder"),
    shard_size=8,
    seed=2,
)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("alg") / "corpus"
    report = build_algorithms(out, CFG, workers=1, card_verify_sample=2)
    return out, report


def test_every_family_that_generates_is_covered(built) -> None:
    out, report = built
    assert report.complete
    table = read_table(out).to_pylist()
    real = [r for r in table if r["label"] == "real"]
    assert {r["family"] for r in real} == set(CFG.families)
    # adders only exist for even sizes >= 4: exactly those rows, the others are skipped with a reason
    adder = sorted((r["num_qubits"], r["level"]) for r in real if r["family"] == "cdkm_ripple_carry_adder")
    assert adder == [(4, "alg"), (4, "indep")]
    notes = [json.loads(p.read_text())["notes"] for p in (out / "shards").glob("*.json")]
    skipped = {k: v for n in notes for k, v in n["skipped"].items()}
    assert "cdkm_ripple_carry_adder-alg-3" in skipped
    assert len(table) == 2 * len(real)
    ds = load_dataset(out)
    assert sum(len(ds[s]) for s in ds) == len(table)


def test_every_row_parses_as_qasm2_and_qasm3(built) -> None:
    out, _ = built
    for row in read_table(out).to_pylist():
        assert verify_algorithm_row(row) == [], row["id"]


def test_random_twins_match_size_and_gate_set(built) -> None:
    out, _ = built
    rows = read_table(out).to_pylist()
    by_id = {r["id"]: r for r in rows}
    for r in rows:
        if r["label"] != "random":
            continue
        real = by_id[r["id"].replace("-random", "-real")]
        assert r["pair_id"] == real["pair_id"] and r["split"] == real["split"]
        assert r["num_qubits"] == real["num_qubits"] and r["num_clbits"] == real["num_clbits"]
        if "if_else" not in real["gate_counts"]:  # (twins of dynamic circuits draw from the if bodies)
            assert set(json.loads(r["gate_counts"])) <= set(json.loads(real["gate_counts"])) | {"measure"}
            assert r["num_gates"] == real["num_gates"]
        assert r["qasm3"] != real["qasm3"]


def test_random_counterpart_is_seeded() -> None:
    qc = generate("qft", 4, "indep")
    a = random_counterpart(qc, np.random.default_rng(0))
    b = random_counterpart(qc, np.random.default_rng(0))
    assert a == b and a.num_qubits == 4 and a.size() == qc.size()


def test_qasm2_of_single_bit_conditions_round_trips() -> None:
    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.measure(0, 0)
    with qc.if_test((qc.clbits[0], 1)):
        qc.x(1)
        qc.rz(0.25, 1)
    qc.measure(1, 1)
    text = qasm2_with_conditions(qc)
    assert "if(c_0==1) x q[1];" in text and "if(c_0==1) rz(0.25) q[1];" in text
    back = load(text)
    assert back.num_qubits == 2 and back.count_ops()["if_else"] == 2


def test_config_errors() -> None:
    assert "qft" in mqt_families()
    with pytest.raises(UnknownNameError, match="Did you mean 'qft'"):
        AlgorithmConfig(families=("qftt",)).resolved()
