"""Clifford+T synthesisers (gridsynth, Solovay-Kitaev) and the clifford_t lowering with its error bound."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("pygridsynth")  # the `compile` extra
from qiskit import QuantumCircuit
from qiskit.circuit.library import UGate
from qiskit.quantum_info import Operator

from qgen.compiler.errors import EngineError
from qgen.compiler.synthesis import SYNTHESIZERS, unitary_distance
from qgen.compiler.synthesis.lowering import CliffordTLowering
from qgen.compiler.synthesis.unitaries import rz_matrix
from qgen.compiler.synthesis.words import exact_word, word_matrix

CLIFFORD_T = {"h", "s", "sdg", "t", "tdg", "x", "cx"}


def _phase_exact(target: np.ndarray, res) -> float:
    return float(np.abs(target - np.exp(1j * res.global_phase) * word_matrix(res.gates)).max())


@pytest.mark.parametrize("theta", [0.3, -1.234, 2.9])
def test_gridsynth_rz_within_eps_and_keeps_phase(theta: float) -> None:
    res = SYNTHESIZERS["gridsynth"]().synthesize_rz(theta, 1e-4)
    target = rz_matrix(theta)
    assert set(res.gates) <= CLIFFORD_T and res.t_count > 10
    assert res.distance <= 1e-4
    assert res.distance == pytest.approx(unitary_distance(target, word_matrix(res.gates)), abs=1e-12)
    assert _phase_exact(target, res) < 3e-4  # exact global phase, not only up to phase


def test_exact_angles_give_short_exact_words() -> None:
    g = SYNTHESIZERS["gridsynth"]()
    t = g.synthesize_rz(np.pi / 4, 1e-6)
    assert t.gates == ("t",) and t.distance == 0.0 and _phase_exact(rz_matrix(np.pi / 4), t) < 1e-12
    h = np.array([[1, 1], [1, -1]]) / np.sqrt(2)
    assert exact_word(h)[0] == ("h",)
    assert exact_word(rz_matrix(0.1)) is None


def test_gridsynth_and_sk_general_unitary() -> None:
    u = UGate(0.3, 0.5, 0.7).to_matrix()
    grid = SYNTHESIZERS["gridsynth"]().synthesize_unitary(u, 1e-4)
    assert grid.distance <= 1e-4 and _phase_exact(u, grid) < 1e-3
    sk = SYNTHESIZERS["sk"](max_degree=3).synthesize_unitary(u, 1e-2)
    assert set(sk.gates) <= {"h", "t", "tdg"} and sk.distance <= 1e-2
    assert sk.distance == pytest.approx(unitary_distance(u, word_matrix(sk.gates)), abs=1e-12)


def test_unknown_synthesizer_names_the_closest() -> None:
    with pytest.raises(KeyError, match="Did you mean 'gridsynth'"):
        SYNTHESIZERS["gridsynt"]


@pytest.mark.parametrize("synth", ["gridsynth", "sk"])
def test_lowering_bound_holds_on_the_whole_circuit(synth: str) -> None:
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.cx(0, 1)
    qc.u(0.4, 0.2, -0.3, 1)
    qc.cx(1, 2)
    qc.rz(0.77, 2)
    qc.t(0)
    qc.cx(2, 0)
    qc.ry(1.1, 0)
    eps = 1e-3 if synth == "gridsynth" else 2e-2
    lowered, report = CliffordTLowering(synthesizer=synth, eps=eps)(qc)
    assert set(lowered.count_ops()) <= CLIFFORD_T
    assert report["synthesized"] == 3 and report["error_bound"] <= 3 * eps
    u, v = Operator(qc).data, Operator(lowered).data
    actual = unitary_distance(u, v)
    assert actual <= report["error_bound"] + 1e-9  # the summed per-block distances bound the circuit
    # the global phase is kept: the plain operator difference is of the order of the bound too
    assert np.linalg.norm(u - v, 2) <= 2 * report["error_bound"] + 1e-9


def test_lowering_rejects_free_parameters() -> None:
    from qiskit.circuit import Parameter

    qc = QuantumCircuit(1)
    qc.rz(Parameter("a"), 0)
    with pytest.raises(EngineError, match="bind them"):
        CliffordTLowering()(qc)


def test_aqstar_registers_when_present() -> None:
    if "aqstar" not in SYNTHESIZERS:
        pytest.skip("the AQ* synthesiser is not installed")
    assert isinstance(SYNTHESIZERS["aqstar"], type)
