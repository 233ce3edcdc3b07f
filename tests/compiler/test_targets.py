"""Every target: registry, options, native gates and connectivity of compiled circuits, verification."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("pytket.extensions.quantinuum")  # the `compile` extra
from qiskit import QuantumCircuit

from qgen.compiler import TARGETS, compile, get_target
from qgen.compiler.engines import native_problem
from qgen.compiler.errors import CompilerError, TargetTooSmallError
from qgen.errors import UnknownNameError


def qft4() -> QuantumCircuit:
    qc = QuantumCircuit(4)
    for i in range(4):
        qc.h(i)
        for j in range(i + 1, 4):
            qc.cp(math.pi / 2 ** (j - i), j, i)
    qc.swap(0, 3)
    qc.rx(0.3, 2)
    return qc


@pytest.mark.slow
def test_registry_lists_the_vendors() -> None:
    assert {
        "quantinuum-h1",
        "quantinuum-h2",
        "ibm-torino",
        "ibm-sherbrooke",
        "google-willow",
        "generic",
        "clifford_t",
    } <= set(TARGETS)
    h2, torino, sherbrooke = (
        get_target("quantinuum-h2"),
        get_target("ibm-torino"),
        get_target("ibm-sherbrooke"),
    )
    assert (h2.num_qubits, h2.all_to_all, h2.basis_gates) == (56, True, ("rz", "r", "rzz"))
    assert get_target("quantinuum-h1").num_qubits == 20
    assert (torino.num_qubits, torino.two_qubit_gate, len(torino.undirected_edges())) == (133, "cz", 150)
    assert (sherbrooke.num_qubits, sherbrooke.two_qubit_gate) == (127, "ecr")
    assert get_target("google-willow").num_qubits == 105
    assert get_target("generic").summary()["connectivity"] == "all-to-all"


def test_unknown_target_and_bad_options() -> None:
    with pytest.raises(UnknownNameError, match="Did you mean 'quantinuum-h2'"):
        get_target("quantinum-h2")
    with pytest.raises(CompilerError, match="two_qubit_gate must be one of"):
        get_target("quantinuum-h2", {"two_qubit_gate": "cx"})
    with pytest.raises(CompilerError, match="bad options"):
        get_target("ibm-torino", {"nope": 1})
    with pytest.raises(CompilerError, match="no two-qubit gate"):
        get_target("generic", {"basis_gates": ["rz", "sx"]})
    with pytest.raises(CompilerError, match="eps must be"):
        get_target("clifford_t", {"eps": 2})


def test_circuit_wider_than_target() -> None:
    with pytest.raises(TargetTooSmallError, match="has only 20"):
        compile(QuantumCircuit(21), target="quantinuum-h1", engine="qiskit")


@pytest.mark.parametrize(
    "target", ["quantinuum-h1", "quantinuum-h2", "ibm-torino", "ibm-sherbrooke", "google-willow"]
)
@pytest.mark.parametrize("engine", ["qiskit", "tket"])
def test_each_device_target_compiles_natively_and_verifies(target: str, engine: str) -> None:
    res = compile(qft4(), target=target, engine=engine, optimization_level=2, seed=3)
    assert native_problem(res.circuit, res.target) is None  # native gates on coupled pairs
    assert set(res.after.gate_counts) <= set(res.target.basis_gates)
    assert res.verdict is not None and res.verdict.equivalent and res.verdict.value < 1e-10
    assert sorted(res.initial_layout) == sorted(set(res.initial_layout))


def test_quantinuum_zzmax_option() -> None:
    res = compile(qft4(), target="quantinuum-h2", engine="tket", target_options={"two_qubit_gate": "zzmax"})
    angles = [inst.operation.params[0] for inst in res.circuit.data if inst.operation.name == "rzz"]
    assert angles and all(abs(math.remainder(a - math.pi / 2, 2 * math.pi)) < 1e-9 for a in angles)
    assert res.verdict.equivalent
    qk = compile(qft4(), target="quantinuum-h2", engine="qiskit", target_options={"two_qubit_gate": "zzmax"})
    assert native_problem(qk.circuit, qk.target) is None and qk.verdict.equivalent


def test_generic_target_with_line_coupling() -> None:
    opts = {"basis_gates": ["cz", "rz", "sx", "x"], "coupling_map": [[0, 1], [1, 2], [2, 3]]}
    for engine in ("qiskit", "tket"):
        res = compile(qft4(), target="generic", engine=engine, target_options=opts, seed=1)
        pairs = {
            frozenset(res.circuit.find_bit(q).index for q in inst.qubits)
            for inst in res.circuit.data
            if len(inst.qubits) == 2
        }
        assert pairs <= {frozenset(e) for e in ([0, 1], [1, 2], [2, 3])}
        assert set(res.after.gate_counts) <= {"cz", "rz", "sx", "x"} and res.verdict.equivalent


def test_google_willow_circuit_passes_cirq_device_validation() -> None:
    cirq = pytest.importorskip("cirq")
    from pytket.extensions.cirq import tk_to_cirq
    from pytket.extensions.qiskit import qiskit_to_tk

    from qgen.compiler.devices import google_device, google_qubits

    res = compile(qft4(), target="google-willow", engine="tket", seed=0)
    used = sorted({res.circuit.find_bit(q).index for inst in res.circuit.data for q in inst.qubits})
    small = QuantumCircuit(len(used))
    for inst in res.circuit.data:
        small.append(inst.operation, [used.index(res.circuit.find_bit(q).index) for q in inst.qubits])
    circ = tk_to_cirq(qiskit_to_tk(small))
    grid = google_qubits()
    mapping = {q: grid[used[q.x]] for q in circ.all_qubits()}  # LineQubit(i) is compact qubit i
    google_device().validate_circuit(circ.transform_qubits(lambda q: mapping[q]))
    assert isinstance(circ, cirq.Circuit)


@pytest.mark.slow
def test_clifford_t_target_reports_and_checks_its_bound() -> None:
    res = compile(qft4(), target="clifford_t", engine="qiskit", target_options={"eps": 1e-3}, seed=0)
    assert set(res.after.gate_counts) <= {"h", "s", "sdg", "t", "tdg", "x", "cx"}
    low = res.lowering
    assert low["synthesized"] > 0 and 0 < low["error_bound"] <= low["synthesized"] * 1e-3
    assert res.verdict.equivalent and res.verdict.estimated_distance <= low["error_bound"] + 1e-7
    sk = compile(
        qft4(), target="clifford_t", engine="tket", target_options={"synthesizer": "sk", "eps": 3e-2}
    )
    assert sk.lowering["synthesizer"] == "sk" and sk.verdict.equivalent
