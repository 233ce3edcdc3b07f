"""qgen.backends.run: one counts format (clbit 0 rightmost) on the exact simulator and the local emulators."""

from __future__ import annotations

import pytest
from qiskit import QuantumCircuit

from qgen.backends import BACKENDS, BackendError, run
from qgen.compiler import compile
from qgen.errors import UnknownNameError


def ghz_with_flip() -> QuantumCircuit:
    qc = QuantumCircuit(3, 3)
    qc.h(0)
    qc.cx(0, 1)
    qc.cx(1, 2)
    qc.x(0)
    qc.measure([0, 1, 2], [0, 1, 2])
    return qc


def test_exact_backend_counts_and_probabilities() -> None:
    res = run(ghz_with_flip(), shots=1000, seed=3)
    assert res.backend == "qgen-exact" and sum(res.counts.values()) == 1000
    assert set(res.counts) == {"110", "001"}  # qubit 0 flipped: clbit 0 is the rightmost character
    assert res.probabilities == pytest.approx({"110": 0.5, "001": 0.5})
    assert run(ghz_with_flip(), shots=1000, seed=3).counts == res.counts  # same seed, same counts


def test_partial_measurement_into_chosen_clbits() -> None:
    qc = QuantumCircuit(3, 2)
    qc.x(2)
    qc.measure(2, 0)
    qc.measure(0, 1)
    assert run(qc, shots=10, seed=0).counts == {"01": 10}


def test_quantinuum_local_emulator_counts() -> None:
    pytest.importorskip("pytket_pecos")
    compiled = compile(ghz_with_flip(), target="quantinuum-h2", engine="tket", seed=0)
    res = run(compiled, shots=200, seed=5)
    assert res.backend == "quantinuum-h2-emulator" and sum(res.counts.values()) == 200
    assert set(res.counts) <= {"110", "001"} and min(res.counts.values()) > 50
    assert run(compiled, shots=200, seed=5).counts == res.counts


@pytest.mark.slow
def test_ibm_fake_backend_with_aer_noise() -> None:
    pytest.importorskip("qiskit_aer")
    compiled = compile(ghz_with_flip(), target="ibm-sherbrooke", engine="qiskit", seed=0)
    res = run(compiled, shots=500, seed=2)
    assert res.backend == "ibm-sherbrooke-aer" and sum(res.counts.values()) == 500
    ideal = res.counts.get("110", 0) + res.counts.get("001", 0)
    assert 400 < ideal < 500  # noisy device: mostly the ideal outcomes, a few errors
    assert all(len(k) == 3 for k in res.counts)


def test_unmeasured_compiled_circuit_is_measured_through_the_final_layout() -> None:
    qc = QuantumCircuit(3)
    qc.x(0)
    qc.cx(0, 2)
    compiled = compile(qc, target="ibm-torino", engine="qiskit", seed=1)
    assert run(compiled, shots=50, backend="qgen-exact", seed=0).counts == {"101": 50}


def test_errors() -> None:
    with pytest.raises(UnknownNameError, match="Did you mean 'qgen-exact'"):
        run(ghz_with_flip(), backend="qgen-exakt")
    with pytest.raises(BackendError, match="shots must be positive"):
        run(ghz_with_flip(), shots=0)
    from qiskit.circuit import Parameter

    qc = QuantumCircuit(1, 1)
    qc.rx(Parameter("t"), 0)
    qc.measure(0, 0)
    with pytest.raises(BackendError, match="need values"):
        run(qc)
    assert run(qc, params={"t": 3.141592653589793}, shots=20, seed=0).counts == {"1": 20}
    assert {"qgen-exact", "quantinuum-h2-emulator", "ibm-torino-aer"} <= set(BACKENDS)
