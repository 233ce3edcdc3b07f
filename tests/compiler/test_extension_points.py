"""Extension points: a compile target and a synthesis basis registered from this test module only."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import typer
from qiskit import QuantumCircuit
from qiskit.quantum_info import Operator
from typer.testing import CliRunner

from qgen.cli import synth
from qgen.compiler import TARGETS, TargetSpec, compile, get_target
from qgen.compiler.engines import native_problem
from qgen.compiler.synthesis.aqstar import AQStarSynthesizer
from qgen.compiler.synthesis.bases import BASES, Basis, get_basis, one_qubit_basis
from qgen.compiler.synthesis.unitaries import distance
from qgen.compiler.synthesis.words import word_matrix


def _toy_line(num_qubits: int = 3) -> TargetSpec:
    """A 3-qubit line with CZ + Rz + SX + X (no pytket pass: qiskit engine only)."""
    edges = tuple((a, a + 1) for a in range(num_qubits - 1))
    return TargetSpec(
        name="toy-line",
        vendor="test",
        description="toy line device",
        num_qubits=num_qubits,
        basis_gates=("cz", "rz", "sx", "x"),
        coupling_map=edges + tuple((b, a) for a, b in edges),
        two_qubit_gate="cz",
        options={"num_qubits": num_qubits},
    )


@pytest.fixture
def toy_target(monkeypatch):
    monkeypatch.setitem(TARGETS._items, "toy-line", _toy_line)
    return "toy-line"


def test_a_registered_target_compiles_natively_and_verifies(toy_target: str) -> None:
    assert toy_target in TARGETS and get_target(toy_target).num_qubits == 3
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.cx(0, 2)
    qc.rx(0.4, 1)
    qc.cx(2, 1)
    res = compile(qc, target=toy_target, engine="qiskit")
    assert res.target.name == "toy-line" and res.verdict.equivalent
    assert set(res.circuit.count_ops()) <= {"cz", "rz", "sx", "x", "measure", "barrier"}
    assert native_problem(res.circuit, res.target) is None
    bad = QuantumCircuit(3)
    bad.cz(0, 2)
    assert native_problem(bad, res.target) == "cz on (0, 2): not a coupled pair"


def test_native_problem_reads_fixed_angles_from_the_target() -> None:
    free = TargetSpec("toy-zz", "test", "toy ions", 2, ("rz", "rx", "rzz"), two_qubit_gate="rzz")
    fixed = TargetSpec(
        "toy-zzmax", "test", "toy ions", 2, ("rz", "rx", "rzz"), fixed_angles={"rzz": math.pi / 2}
    )
    qc = QuantumCircuit(2)
    qc.rzz(0.3, 0, 1)
    assert native_problem(qc, free) is None
    assert native_problem(qc, fixed) == "rzz with an angle other than 1.5708 on toy-zzmax (fixed-angle gate)"
    ok = QuantumCircuit(2)
    ok.rzz(math.pi / 2 + 2 * math.pi, 0, 1)
    assert native_problem(ok, fixed) is None
    # the Quantinuum ZZMax target states its fixed angle as data
    assert get_target("quantinuum-h1", {"two_qubit_gate": "zzmax"}).fixed_angles == {"rzz": math.pi / 2}


def _toy_basis() -> Basis:
    return one_qubit_basis("toy_hsx", ["h", "s", "x"], False, "toy Clifford basis {H, S, X}")


@pytest.fixture
def toy_basis(monkeypatch):
    monkeypatch.setitem(BASES._items, "toy_hsx", _toy_basis)
    return "toy_hsx"


def test_a_registered_basis_drives_aqstar_and_lowers_its_words(toy_basis: str) -> None:
    basis = get_basis(toy_basis)
    assert basis.num_actions == 3 and basis.default_cost == "gate" and not basis.normal_form
    target = word_matrix(["h", "s", "h", "x"])
    res = AQStarSynthesizer(basis=toy_basis, cost="gate", table_length=5, fallback=None).synthesize_unitary(
        target, 1e-6
    )
    assert res.info["success"] and res.distance < 1e-6 and set(res.gates) <= {"h", "s", "x"}
    assert res.length <= 4
    circuit = basis.to_circuit(res.gates)
    assert Operator(circuit).equiv(Operator(target))
    assert distance(basis.label_matrix(res.gates), target) == pytest.approx(res.distance, abs=1e-12)


def test_cli_synth_asks_the_basis(toy_basis: str, tmp_path) -> None:
    app = typer.Typer()
    app.command("synth")(synth.synth_cmd)
    app.command("synthesizer")(synth.synthesizer_cmd)  # two commands: "synth" stays a sub-command
    path = tmp_path / "u.npy"
    np.save(path, word_matrix(["s", "h"]))
    args = ["synth", "--unitary", str(path), "--basis", toy_basis, "--eps", "1e-3", "--json"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["basis"] == toy_basis and data["success"] and set(data["gates"]) <= {"h", "s", "x"}
    assert distance(word_matrix(data["gates"]), word_matrix(["s", "h"])) <= 1e-3
