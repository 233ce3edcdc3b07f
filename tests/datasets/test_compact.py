"""The compact OpenQASM 3 form of optimisation-dataset circuits: same state as the flat form, short."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit import qasm3
from qiskit.quantum_info import SparsePauliOp, Statevector

import qgen
from qgen.circuits import dumps
from qgen.datasets.adapt import PoolOp, adapt_circuit
from qgen.datasets.ansatze import ANSATZE, build_ansatz
from qgen.datasets.compact import compact_qasm3, fold, number, round_parameters
from qgen.datasets.prompts import PromptInput, graph_text, pauli_text, short_prompt

H = SparsePauliOp(["IIZZ", "ZZII", "IZZI", "ZIIZ", "IIZI", "IIII"], [0.5, 0.5, 1.25, -0.75, 0.3, -2.0])


def _state(text: str) -> np.ndarray:
    return Statevector(qgen.load(text)).data


@pytest.mark.parametrize("name", list(ANSATZE))
@pytest.mark.parametrize("layers", [1, 2, 3])
def test_compact_expands_to_the_flat_circuit(name, layers):
    if layers < ANSATZE[name].min_layers:
        pytest.skip("below the ansatz's minimum")
    a = build_ansatz(name, H, layers)
    p = round_parameters(np.random.default_rng(layers).uniform(-3, 3, a.num_parameters))
    flat = dumps(a.circuit.assign_parameters(list(p)), version=3)
    compact = compact_qasm3(a.circuit, p, layers)
    assert np.max(np.abs(_state(flat) - _state(compact))) < 1e-10
    assert np.max(np.abs(_state(flat) - Statevector(qasm3.loads(compact)).data)) < 1e-10
    if layers >= 2:
        assert "gate layer(" in compact
        assert compact.count("layer(") == layers + 1


def test_qaoa_compact_length_does_not_grow_with_layers():
    one, three = (compact_qasm3(build_ansatz("qaoa", H, p).circuit, [0.25, -0.5] * p, p) for p in (2, 6))
    assert len(three.splitlines()) - len(one.splitlines()) == 4  # one call line per extra layer
    assert "gate zz(t) a, b { cx a, b; rz(t) b; cx a, b; }" in one
    assert "layer(0.25, -0.5) q[0], q[1], q[2], q[3];" in one
    assert "zz(2.5*a0) q1, q2;" in one and "zz(-1.5*a0) q0, q3;" in one and "h q;" in one


def test_adapt_is_its_operator_sequence():
    a = adapt_circuit(4, [PoolOp("ry", (1,)), PoolOp("crx", (0, 2))])
    text = compact_qasm3(a.circuit, [0.5, -1.25], 2, fold_layers=False)
    assert text.splitlines()[2:] == ["qubit[4] q;", "h q;", "ry(0.5) q[1];", "crx(-1.25) q[0], q[2];"]
    assert np.max(np.abs(_state(text) - Statevector(a.circuit.assign_parameters([0.5, -1.25])).data)) < 1e-12


def test_fold_finds_prefix_blocks_and_suffix():
    ra = build_ansatz("real_amplitudes", H, 3).circuit  # (RY layer + CNOTs) x 3, then a closing RY layer
    assert fold(ra, 3) == (0, 7)
    assert fold(build_ansatz("qaoa", H, 2).circuit, 2)[0] == 4  # the H layer


def test_numbers_and_rounding():
    assert number(2.0) == "2" and number(-0.5) == "-0.5" and number(0.1 + 0.2) == repr(0.1 + 0.2)
    assert list(round_parameters([3.14159265, 0.000123456789, -2.0])) == [3.1416, 0.00012346, -2.0]


def test_short_prompt_forms():
    item = PromptInput("MaxCut", "", 3, "qaoa", "qaoa", 2, SparsePauliOp(["IZZ", "ZZI", "III"], [0.5, -1, 2]))
    text = short_prompt(item, graph_text([(0, 1), (1, 2)]))
    assert text == "QAOA qaoa, 2 layers, 3 qubits. MaxCut: 0-1 1-2"
    assert graph_text([(0, 1)], [2.5]) == "0-1:2.5"
    assert pauli_text(item.hamiltonian) == "0.5 Z0Z1 - 1 Z1Z2"
    assert short_prompt(item).endswith("MaxCut, H = 0.5 Z0Z1 - 1 Z1Z2")


@pytest.mark.slow
def test_every_row_of_a_small_build_has_an_equal_compact_form(tmp_path):
    from qgen.datasets import OptimizationConfig, build_optimization, load_dataset
    from qgen.datasets.optimization import compact_problems
    from qgen.datasets.optimize import TrainSettings

    cfg = OptimizationConfig(size=12, max_qubits=5, seed=4, train=TrainSettings(steps=30, rounds=1))
    build_optimization(tmp_path / "d", cfg, workers=1, card_verify_sample=0)
    ds = load_dataset(tmp_path / "d")
    rows = [r for s in ds for r in ds[s]]
    assert len(rows) == 12 and {r["method"] for r in rows} >= {"qaoa", "vqe"}
    for r in rows:
        assert compact_problems(r) == []
        assert np.max(np.abs(_state(r["qasm3"]) - Statevector(qasm3.loads(r["qasm3_compact"])).data)) < 1e-10
        assert r["messages"][-1]["content"] == r["qasm3_compact"]
        assert r["messages"][1]["content"] == r["prompt_compact"]
        assert all(float(f"{p:.5g}") == p for p in r["parameters"])
