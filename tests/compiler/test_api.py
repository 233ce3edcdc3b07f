"""qgen.compile: inputs, measurements via the layout, parameters, portfolio guarantee, errors, verify."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pytket.extensions.quantinuum")  # the `compile` extra
import torch
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

import qgen
from qgen.compiler import ENGINES, Candidate, MiscompileError, compile, verify
from qgen.compiler.errors import EngineError, UnsupportedCircuitError
from qgen.sim import statevector

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
GHZ_QASM = (
    'OPENQASM 2.0; include "qelib1.inc"; qreg q[3]; creg c[3]; h q[0]; cx q[0], q[1]; cx q[1], q[2]; '
    "barrier q; measure q -> c;"
)


def _state_in_virtual_order(circuit: QuantumCircuit, final: tuple[int, ...]) -> np.ndarray:
    """Statevector of a compiled (all-to-all, no ancilla) circuit read back through its final layout."""
    body = circuit.remove_final_measurements(inplace=False)
    psi = statevector(body, dtype=torch.complex128).numpy()
    n = len(final)
    t = psi.reshape((2,) * n)
    src = [n - 1 - final[v] for v in range(n)]
    dst = [n - 1 - v for v in range(n)]
    return np.moveaxis(t, src, dst).reshape(-1)


@pytest.mark.slow
def test_qasm_text_in_verified_result_out() -> None:
    res = compile(GHZ_QASM, target="quantinuum-h2", engine="tket", seed=0)
    assert (res.before.two_qubit_count, res.after.two_qubit_count) == (2, 2)
    assert res.verdict.equivalent and "state infidelity" in res.verdict.metric
    assert res.after.gate_counts["measure"] == 3 and res.pipeline == "tket level 2"
    # a comment line stating the final layout may come first (qgen run reads it)
    first = next(line for line in res.qasm(2).splitlines() if not line.startswith("//"))
    assert first.startswith("OPENQASM 2.0") and "rzz" in res.qasm(3)
    import qiskit.qasm2

    assert qiskit.qasm2.loads(res.qasm(2)).num_qubits == 3  # Qiskit's strict loader reads what qgen writes
    assert res.to_dict()["after"]["two_qubit_count"] == 2


def test_measurements_follow_the_final_layout_on_a_routed_device() -> None:
    from qgen.backends import run

    qc = QuantumCircuit(4, 4)
    qc.x(0)
    qc.h(1)
    qc.cx(1, 3)
    qc.cx(0, 2)
    qc.cx(3, 0)
    qc.measure(range(4), range(4))
    res = compile(qc, target="ibm-torino", engine="qiskit", seed=5)
    counts = run(res, shots=400, backend="qgen-exact", seed=1).counts
    expected = run(qc, shots=400, backend="qgen-exact", seed=1).counts
    assert counts == expected and set(counts) == {"0101", "1110"}


def test_parametrised_ansatz_keeps_parameters_bind_after_equals_bind_before() -> None:
    """Acceptance: an 8-qubit ansatz for quantinuum-h2 keeps its parameters; binding after = before (1e-9)."""
    ansatz = qgen.load(EXAMPLES / "vqe_ansatz.qasm")
    assert ansatz.num_qubits == 8 and len(ansatz.parameters) == 48
    res = compile(ansatz, target="quantinuum-h2", seed=0)
    assert sorted(res.parameters) == sorted(p.name for p in ansatz.parameters)
    assert "input float[64] ry_0_0;" in res.qasm(3)
    rng = np.random.default_rng(7)
    for _ in range(3):
        values = {p.name: float(rng.uniform(-np.pi, np.pi)) for p in ansatz.parameters}
        before = ansatz.assign_parameters({p: values[p.name] for p in ansatz.parameters})
        reference = _state_in_virtual_order(before, tuple(range(8)))
        after = _state_in_virtual_order(res.bind(values), res.final_layout)
        assert 1 - abs(np.vdot(reference, after)) ** 2 < 1e-9
        compiled_bound = compile(before, target="quantinuum-h2", engine="qiskit", seed=0, verify=False)
        other = _state_in_virtual_order(compiled_bound.circuit, compiled_bound.final_layout)
        assert 1 - abs(np.vdot(other, after)) ** 2 < 1e-9


def test_bind_by_order_and_errors() -> None:
    a, b = Parameter("a"), Parameter("b")
    qc = QuantumCircuit(2)
    qc.ry(a, 0)
    qc.cx(0, 1)
    qc.rz(2 * b + 0.1, 1)
    res = compile(qc, target="ibm-torino", engine="qiskit", seed=0)
    assert res.parameters == ["a", "b"] and not res.bind([0.1, 0.2]).parameters
    with pytest.raises(qgen.QgenError, match="no values for parameters"):
        res.bind({"a": 1.0})
    with pytest.raises(EngineError, match="cannot keep free parameters"):
        compile(qc, target="clifford_t")
    with pytest.raises(EngineError, match="tket engine cannot keep free parameters"):
        compile(qc, target="quantinuum-h2", engine="tket")


@pytest.mark.slow
def test_best_is_never_worse_than_plain_engines() -> None:
    pytest.importorskip("mqt.bench")
    from mqt.bench import BenchmarkLevel, get_benchmark

    for name, target in (("qft", "ibm-torino"), ("qaoa", "quantinuum-h2")):
        qc = get_benchmark(name, BenchmarkLevel.ALG, 5)
        best = compile(qc, target=target, engine="best", optimization_level=1, seed=0)
        plain_q = compile(qc, target=target, engine="qiskit", optimization_level=3, seed=0, verify=False)
        plain_t = compile(qc, target=target, engine="tket", optimization_level=2, seed=0, verify=False)
        low = min(plain_q.after.two_qubit_count, plain_t.after.two_qubit_count)
        assert best.after.two_qubit_count <= low and best.verdict.equivalent
        pipelines = {c["pipeline"] for c in best.candidates}
        assert {"qiskit O3 seed=0", "tket level 2"} <= pipelines
        assert sum(c.get("chosen", False) for c in best.candidates) == 1


def test_same_seed_same_result() -> None:
    pytest.importorskip("mqt.bench")
    from mqt.bench import BenchmarkLevel, get_benchmark

    qc = get_benchmark("qaoa", BenchmarkLevel.ALG, 6)
    a = compile(qc, target="ibm-torino", engine="qiskit", optimization_level=3, seed=11, verify=False)
    b = compile(qc, target="ibm-torino", engine="qiskit", optimization_level=3, seed=11, verify=False)
    assert a.qasm(3) == b.qasm(3) and a.initial_layout == b.initial_layout


def test_unsupported_circuits_are_refused() -> None:
    qc = QuantumCircuit(2, 1)
    qc.h(0)
    qc.measure(0, 0)
    with qc.if_test((qc.clbits[0], 1)):
        qc.x(1)
    with pytest.raises(UnsupportedCircuitError, match="dynamic circuits"):  # others compile (test_dynamic)
        compile(qc, target="clifford_t", engine="qiskit")
    mid = QuantumCircuit(1, 1)
    mid.measure(0, 0)
    mid.h(0)
    with pytest.raises(UnsupportedCircuitError, match="dynamic circuits"):
        compile(mid, target="clifford_t", engine="qiskit")
    with pytest.raises(qgen.QasmError):
        compile("OPENQASM 2.0; qreg q[1]; nonsense q[0];", target="quantinuum-h2")


def test_verify_catches_wrong_gates_and_wrong_permutations() -> None:
    qc = QuantumCircuit(3)
    qc.h(0)
    qc.cx(0, 1)
    qc.t(2)
    qc.cx(1, 2)
    good = verify(qc, qc)
    assert good.equivalent and good.value < 1e-12
    wrong = qc.copy()
    wrong.rz(1e-3, 2)  # a tiny rotation is still caught
    assert not verify(qc, wrong).equivalent
    phased = qc.copy()
    phased.global_phase += 0.7  # a global phase is fine
    assert verify(qc, phased).equivalent
    relative = qc.copy()
    relative.p(0.05, 0)  # a relative phase is not
    assert not verify(qc, relative).equivalent
    swapped = QuantumCircuit(3)
    swapped.compose(qc, inplace=True)
    swapped.swap(0, 2)
    assert not verify(qc, swapped).equivalent
    assert verify(qc, swapped, final_layout=[2, 1, 0]).equivalent  # the layout explains the swap
    ancilla = QuantumCircuit(4)
    ancilla.compose(qc, qubits=[3, 1, 0], inplace=True)
    assert verify(qc, ancilla, initial_layout=[3, 1, 0]).equivalent


def test_miscompiled_candidates_are_never_returned(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(circuit, target, level, seed):
        bad = circuit.copy()
        bad.rz(0.2, 0)
        n = circuit.num_qubits
        return [Candidate(bad, tuple(range(n)), tuple(range(n)), "broken")]

    def mixed(circuit, target, level, seed):
        good = ENGINES["qiskit"](circuit, target, level, seed)[0]
        bad = broken(circuit, target, level, seed)[0]
        bad.circuit = QuantumCircuit(circuit.num_qubits)  # fewer gates: sorted first, but wrong
        return [good, bad]

    monkeypatch.setitem(ENGINES._items, "broken", broken)
    monkeypatch.setitem(ENGINES._items, "mixed", mixed)
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    with pytest.raises(MiscompileError) as info:
        compile(qc, target="quantinuum-h2", engine="broken")
    assert info.value.original.num_qubits == 2 and info.value.compiled is not None
    res = compile(qc, target="quantinuum-h2", engine="mixed")
    assert res.after.two_qubit_count == 1 and res.verdict.equivalent
    assert [c.get("verified") for c in res.candidates] == [False, True]


def test_angles_match_exactly_for_a_rotation_target() -> None:
    qc = QuantumCircuit(2)
    qc.rzz(0.3, 0, 1)
    res = compile(qc, target="quantinuum-h2", engine="tket", seed=0)
    angles = [i.operation.params[0] for i in res.circuit.data if i.operation.name == "rzz"]
    assert (
        len(angles) == 1
        and abs(abs(angles[0]) - 0.3) < 1e-12
        or math.isclose(abs(angles[0]), 2 * math.pi - 0.3)
    )


def test_qasm3_round_trip_gives_standard_gates_back() -> None:
    from qiskit.circuit.library import RGate, RZZGate

    from qgen.compiler.gates import standardize_gates

    res = compile(GHZ_QASM, target="quantinuum-h2", engine="tket", seed=0)
    loaded = qgen.load(res.qasm(3))  # r and rzz are not in stdgates.inc: QASM 3 writes gate definitions
    assert {type(i.operation).__name__ for i in loaded.data if i.operation.name == "r"} == {"Gate"}
    fixed = standardize_gates(loaded)
    kinds = {type(i.operation) for i in fixed.data if i.operation.name in ("r", "rzz")}
    assert kinds == {RGate, RZZGate} and verify(res.circuit, fixed).equivalent
