"""Dynamic circuits (mid-circuit measurement, reset, classical control) compile and verify by Aer sampling."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("pytket.extensions.quantinuum")  # the `compile` extra
pytest.importorskip("qiskit_aer")
from qiskit import QuantumCircuit

from qgen.compiler import compile
from qgen.compiler.engines import native_problem, two_qubit_count
from qgen.compiler.errors import UnsupportedCircuitError
from qgen.compiler.rewire import is_dynamic, walk
from qgen.compiler.verify_dynamic import verify_dynamic


def teleport(theta: float = 1.1, phi: float = 0.4) -> QuantumCircuit:
    """Teleport ry(theta) rz(phi)|0> from qubit 0 to qubit 2 with feed-forward X / Z corrections."""
    qc = QuantumCircuit(3, 3)
    qc.ry(theta, 0)
    qc.rz(phi, 0)
    qc.h(1)
    qc.cx(1, 2)
    qc.cx(0, 1)
    qc.h(0)
    qc.measure(0, 0)
    qc.measure(1, 1)
    with qc.if_test((qc.clbits[1], 1)):
        qc.x(2)
    with qc.if_test((qc.clbits[0], 1)):
        qc.z(2)
    qc.ry(-theta, 2)  # undo the preparation: with phi = 0 qubit 2 reads 0 exactly when teleportation worked
    qc.measure(2, 2)
    return qc


def repeat_until_reset() -> QuantumCircuit:
    """Mid-circuit measurement, reset and a register-valued condition (iterative phase estimation style)."""
    qc = QuantumCircuit(2, 2)
    qc.x(1)
    qc.h(0)
    qc.cp(3 * math.pi / 4, 0, 1)
    qc.h(0)
    qc.measure(0, 0)
    qc.reset(0)
    qc.h(0)
    qc.cp(3 * math.pi / 2, 0, 1)
    with qc.if_test((qc.cregs[0], 1)):
        qc.p(-math.pi / 2, 0)
    qc.h(0)
    qc.measure(0, 1)
    return qc


def _gate_names(circuit: QuantumCircuit) -> set[str]:
    return {op.name for op, _ in walk(circuit)}


def test_dynamic_detection() -> None:
    assert is_dynamic(teleport()) and is_dynamic(repeat_until_reset())
    plain = QuantumCircuit(2, 2)
    plain.h(0)
    plain.cx(0, 1)
    plain.measure([0, 1], [0, 1])
    assert not is_dynamic(plain)
    mid = QuantumCircuit(1, 1)
    mid.measure(0, 0)
    mid.h(0)
    assert is_dynamic(mid)


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["tket", "qiskit", "best"])
def test_teleportation_compiles_for_h2_with_conditionals(engine: str) -> None:
    res = compile(teleport(), target="quantinuum-h2", engine=engine, seed=0)
    assert res.verdict.method == "aer-sampling" and res.verdict.equivalent
    assert "total-variation distance" in res.verdict.metric and res.verdict.value <= res.verdict.tolerance
    assert "if_else" in res.circuit.count_ops()
    assert native_problem(res.circuit, res.target) is None
    assert _gate_names(res.circuit) <= {"rz", "r", "rzz", "measure", "reset", "barrier"}
    assert two_qubit_count(res.circuit) == 2
    assert [c.name for c in res.circuit.cregs] == [c.name for c in teleport().cregs]


@pytest.mark.slow
def test_dynamic_circuit_for_ibm_with_qiskit() -> None:
    res = compile(repeat_until_reset(), target="ibm-torino", engine="qiskit", seed=0)
    assert res.verdict.method == "aer-sampling" and res.verdict.equivalent
    assert native_problem(res.circuit, res.target) is None
    assert {"if_else", "reset", "measure"} <= set(res.circuit.count_ops())


@pytest.mark.slow
def test_verifier_catches_a_dropped_correction() -> None:
    res = compile(teleport(), target="quantinuum-h2", engine="tket", seed=0)
    broken = res.circuit.copy_empty_like()
    for inst in res.circuit.data:
        if inst.operation.name != "if_else":
            broken.append(inst)
    verdict = verify_dynamic(teleport(), broken, res.final_layout, seed=1)
    assert not verdict.equivalent and verdict.value > 0.2 > verdict.tolerance
    ok = verify_dynamic(teleport(), res.circuit, res.final_layout, seed=1)
    assert ok.equivalent and ok.value < ok.tolerance < 0.05


def test_dynamic_circuits_still_refused_where_a_lowering_follows() -> None:
    with pytest.raises(UnsupportedCircuitError, match="dynamic"):
        compile(teleport(), target="clifford_t", engine="qiskit")


@pytest.mark.slow
def test_teleportation_runs_on_the_h2_emulator() -> None:
    pytest.importorskip("pytket_pecos")
    from qgen.backends import run

    res = compile(teleport(theta=0.0, phi=0.0), target="quantinuum-h2", engine="tket", seed=0)
    out = run(res, shots=200, seed=3)
    assert out.backend == "quantinuum-h2-emulator" and sum(out.counts.values()) == 200
    # teleported |0> undone by ry(0): clbit 2 (leftmost) is always 0; clbits 0 and 1 are uniform
    assert {k[0] for k in out.counts} == {"0"} and len(out.counts) == 4


def syndrome_correction() -> QuantumCircuit:
    """Syndrome measurement and correction (QASMBench qec_sm): registers q, a; conditions on ``syn``."""
    from qiskit.circuit import ClassicalRegister, QuantumRegister

    q, a = QuantumRegister(3, "q"), QuantumRegister(2, "a")
    c, syn = ClassicalRegister(3, "c"), ClassicalRegister(2, "syn")
    qc = QuantumCircuit(q, a, c, syn)
    qc.x(q[0])  # the error
    qc.barrier(q)
    qc.cx(q[0], a[0])
    qc.cx(q[1], a[0])
    qc.cx(q[1], a[1])
    qc.cx(q[2], a[1])
    qc.measure(a, syn)
    for value, target in ((1, q[0]), (2, q[2]), (3, q[1])):
        with qc.if_test((syn, value)):
            qc.x(target)
    qc.measure(q, c)
    return qc


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["tket", "best"])
def test_several_registers_keep_their_qubits_through_tket(engine: str) -> None:
    res = compile(syndrome_correction(), target="quantinuum-h2", engine=engine, seed=0)
    assert res.verdict.equivalent and res.verdict.value == 0.0  # deterministic: syn = 01, c = 000
    assert [r.name for r in res.circuit.cregs][:2] == ["c", "syn"]
    assert two_qubit_count(res.circuit) == 4


def test_wrapped_conditional_gates_are_inlined_inside_if_blocks() -> None:
    from qiskit.circuit import Gate

    from qgen.compiler.tket import inline_wrappers

    body = QuantumCircuit(1, global_phase=0.3)
    body.rz(1.2, 0)
    wrapper = Gate("If", 1, [])
    wrapper.definition = body
    qc = QuantumCircuit(1, 1)
    qc.measure(0, 0)
    with qc.if_test((qc.clbits[0], 1)):
        qc.append(wrapper, [0])
    out = inline_wrappers(qc)
    assert {op.name for op, _ in walk(out)} == {"measure", "rz"}
    block = out.data[1].operation.blocks[0]
    assert block.data[0].operation.params == [1.2]
    assert inline_wrappers(teleport()) is not None and inline_wrappers(out) is out  # nothing left to inline


@pytest.mark.slow
def test_register_conditions_run_on_the_h2_emulator_with_the_circuits_own_bits() -> None:
    pytest.importorskip("pytket_pecos")
    from qgen.backends import run

    res = compile(syndrome_correction(), target="quantinuum-h2", engine="tket", seed=0)
    out = run(res, shots=50, seed=2)
    # 5 classical bits (c[0..2], syn[0..1]; no tket scratch bits): syn = 01 (rightmost of syn), c = 000
    assert out.counts == {"01000": 50}


@pytest.mark.slow
def test_best_on_a_heavy_hex_device_keeps_every_dynamic_pipeline() -> None:
    res = compile(repeat_until_reset(), target="ibm-torino", engine="best", optimization_level=1, seed=0)
    assert res.verdict.method == "aer-sampling" and res.verdict.equivalent
    assert not [c for c in res.candidates if c.get("status") == "dropped"]  # the tket peephole chain included
    assert any(c["pipeline"].endswith("tket peephole") for c in res.candidates)
    plain = compile(repeat_until_reset(), target="ibm-torino", engine="qiskit", optimization_level=3, seed=0)
    assert two_qubit_count(res.circuit) <= two_qubit_count(plain.circuit)
