"""Verification parts of the KetGPT generator: validity, profile distances, novelty, realism classifier."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.synthesis import synth_qft_full

from qgen.generate.ketgpt.canonical import canonicalize
from qgen.generate.ketgpt.corpus import gate_frequencies, random_counterpart
from qgen.generate.ketgpt.features import profile_rows
from qgen.generate.ketgpt.novelty import nearest_distances, novelty
from qgen.generate.ketgpt.profiles import distances, total_variation
from qgen.generate.ketgpt.realism import train_realism
from qgen.generate.ketgpt.validity import check_programs

HEAD = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'


def _ghz(n: int) -> QuantumCircuit:
    qc = QuantumCircuit(n)
    qc.h(0)
    for k in range(n - 1):
        qc.cx(k, k + 1)
    return qc


def _ladder(n: int, layers: int) -> QuantumCircuit:
    qc = QuantumCircuit(n)
    for layer in range(layers):
        for k in range(n):
            qc.ry(0.3 * (k + 1) + layer, k)
        for k in range(n - 1):
            qc.cx(k, k + 1)
    return qc


@pytest.fixture(scope="module")
def real():
    circuits = [synth_qft_full(n) for n in range(2, 9)] + [_ghz(n) for n in range(2, 12)]
    circuits += [_ladder(n, layers) for n in range(2, 8) for layers in (1, 2, 3)]
    return [canonicalize(qc) for qc in circuits]


def test_check_programs_parse_and_simulate() -> None:
    good = HEAD + "qreg q[3];\nh q[0];\ncx q[0],q[1];\nccx q[0],q[1],q[2];\n"
    wide = HEAD + "qreg q[23];\nh q[0];\ncx q[0],q[22];\ncry(0.3) q[1],q[20];\n"  # cry: not an MPS gate
    checks = check_programs(
        [good, HEAD + "qreg q[2];\nh q[2];\n", HEAD + "qreg q[2];\ncx q[0],q[0];\n", wide], max_sim_qubits=20
    )
    assert [c.parsed for c in checks] == [True, False, False, True]
    assert checks[0].simulated and checks[0].simulator == "qgen.sim" and checks[0].num_qubits == 3
    assert "index" in checks[1].error or "out of range" in checks[1].error or "q[2]" in checks[1].error
    assert not checks[2].simulated and checks[2].error
    assert checks[3].simulated and checks[3].simulator == "aer-mps"  # wider than 20: Aer's MPS simulator


def test_check_programs_default_split_by_device() -> None:
    from qgen.generate.ketgpt.validity import default_max_sim_qubits

    assert default_max_sim_qubits("cpu") == 16 and default_max_sim_qubits("cuda:0") == 20
    at16 = HEAD + "qreg q[16];\nh q[0];\ncx q[0],q[15];\n"
    at17 = HEAD + "qreg q[17];\nh q[0];\ncx q[0],q[16];\n"
    checks = check_programs([at16, at17])
    assert [c.simulator for c in checks] == ["qgen.sim", "aer-mps"]
    assert all(c.simulated for c in checks)


def test_total_variation_exact() -> None:
    assert total_variation({"h": 0.5, "cx": 0.5}, {"h": 0.5, "cx": 0.5}) == 0.0
    assert total_variation({"h": 1.0}, {"cx": 1.0}) == 1.0
    assert total_variation({"h": 0.75, "cx": 0.25}, {"h": 0.25, "cx": 0.5, "t": 0.25}) == pytest.approx(0.5)


def test_profile_distances(real) -> None:
    prof = profile_rows(real)
    same = distances(prof, prof)
    assert same["gate_types_tv"] == 0.0 and all(same[m]["w1"] == 0.0 for m in ("depth", "density"))
    rng = np.random.default_rng(0)
    rnd = [random_counterpart(c, rng, None) for c in real]
    far = distances(prof, profile_rows(rnd))
    assert far["gate_types_tv"] > 0.5  # uniform gates vs mostly h / cx / cp / ry
    assert far["num_gates"]["w1"] == 0.0 and far["num_qubits"]["w1"] == 0.0  # same widths and lengths
    ghz = canonicalize(_ghz(4))
    d = distances(profile_rows([ghz]), profile_rows([canonicalize(_ghz(6))]))
    assert (
        d["depth"]["w1"] == 2.0
        and d["num_qubits"]["w1"] == 2.0
        and d["gate_types_tv"] == pytest.approx(abs(1 / 4 - 1 / 6))
    )


def test_novelty_detects_copies(real) -> None:
    train, test = real[::2], real[1::2]
    nov = novelty([*train[:3], *test[:2]], train, heldout=test)
    assert nov["novel"] == pytest.approx(2 / 5) and nov["unique"] == 1.0
    nn = nearest_distances(train[:3], train)
    assert np.allclose(nn, 0.0, atol=1e-9)
    assert (nearest_distances(test, train) > 0).all()


def test_realism_classifier_separates_real_from_random(real) -> None:
    rng = np.random.default_rng(1)
    weights = gate_frequencies(real)
    rnd = [random_counterpart(c, rng, weights) for c in real for _ in range(2)]
    real_train, real_test = real[::2] + real[1::4], real[3::4]
    clf = train_realism(real_train, rnd[::2], real_test, rnd[1::2][:20], kind="logreg", seed=0)
    assert clf.heldout_accuracy >= 0.9 and clf.heldout_size == len(real_test) + 20
    assert clf.judged_real([canonicalize(_ghz(13)), canonicalize(_ladder(9, 2))]).all()


@pytest.mark.parametrize("kind", ["logreg", "gbdt"])
def test_realism_classifier_saves_without_pickle(real, kind, tmp_path) -> None:
    """skops round trip: same probabilities; a pickle or a file with foreign types is refused."""
    import pickle
    import zipfile

    from qgen.generate.errors import GenerateError
    from qgen.generate.ketgpt.realism import RealismClassifier

    rng = np.random.default_rng(2)
    rnd = [random_counterpart(c, rng, gate_frequencies(real)) for c in real]
    clf = train_realism(real[::2], rnd[::2], real[1::2], rnd[1::2], kind=kind, seed=0)
    path = tmp_path / "realism.skops"
    clf.save(path)
    assert zipfile.is_zipfile(path)
    back = RealismClassifier.load(path)
    assert back.kind == kind and back.heldout_accuracy == clf.heldout_accuracy
    assert np.array_equal(back.probability_real(real), clf.probability_real(real))
    (tmp_path / "p.skops").write_bytes(pickle.dumps(clf))
    with pytest.raises(GenerateError, match="not a realism classifier"):
        RealismClassifier.load(tmp_path / "p.skops")
