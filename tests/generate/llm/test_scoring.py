"""LLM evaluation metrics against exact values: parse, ground state, KL, energy gap."""

from __future__ import annotations

import math

import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp

from qgen.generate.llm.grammar import header
from qgen.generate.llm.scoring import kl, score_program, score_row, summarise


def _row(reference: str) -> dict:
    return {
        "id": f"toy-{hash(reference)}",
        "index": 0,
        "num_qubits": 2,
        "hamiltonian_paulis": ["ZZ"],
        "hamiltonian_coeffs": [1.0],
        "ground_states": ["01", "10"],
        "expectation_value": -1.0,
        "qasm3": reference,
        "qasm3_symbolic": header(2).replace("qubit[2] q;\n", "input float[64] t000;\nqubit[2] q;\n")
        + "rx(t000) q[0];\n",
    }


def test_scores_against_exact_values():
    row = _row(header(2) + "x q[0];\n")  # |01>, energy -1
    same = score_row(header(2) + "x q[0];\n", row)
    assert (
        same.valid
        and same.ground
        and same.kl == pytest.approx(0.0, abs=1e-6)
        and same.de == pytest.approx(0.0)
    )
    bell = score_row(header(2) + "h q[0];\ncx q[0], q[1];\n", row)  # p = 1/2 on 00 and 11, energy +1
    assert bell.valid and not bell.ground and bell.de == pytest.approx(2.0)
    p = np.array([0.5, 0, 0, 0.5])
    q = np.array([0, 1.0, 0, 0])
    assert bell.kl == pytest.approx(kl(p, q))
    assert bell.kl == pytest.approx(math.log(0.5 / ((1e-9) / (1 + 4e-9))), rel=1e-3)
    assert not score_row(header(3) + "h q[0];\n", row).valid  # wrong qubit count
    assert not score_row("OPENQASM 3.0;\nqubit[2] q;\nfoo q[0];\n", row).valid
    s = summarise([same, bell, score_row("nonsense", row)])
    assert s["parse_rate"] == pytest.approx(2 / 3) and s["ground_rate"] == pytest.approx(1 / 3)
    assert s["de_rate"] == pytest.approx(1 / 3) and s["kl_rate"] == pytest.approx(1 / 3)


def test_score_program_energy_and_ground_state():
    res = score_program(header(2) + "x q[1];\n", 2, SparsePauliOp(["ZZ", "IZ"], [1.0, 0.5]))
    # |10>: Z0 = +1, Z1 = -1 -> ZZ = -1, IZ (qubit 0) = +1 -> E = -1 + 0.5
    assert res["valid"] and res["energy"] == pytest.approx(-0.5) and res["most_probable"] == "10"
    assert res["ground_energy"] == pytest.approx(-1.5) and not res["is_ground_state"]
