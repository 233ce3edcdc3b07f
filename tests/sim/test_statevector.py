"""qgen.sim against qiskit.quantum_info.Statevector: every supported gate, batches of mixed structures."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter, ParameterVector
from qiskit.circuit.library import (
    PermutationGate,
    QFTGate,
)
from qiskit.quantum_info import Statevector
from sim_cases import NATIVE, random_circuit

from qgen.errors import SimulationError, UnknownNameError
from qgen.sim import GateList, compile_batch, from_qiskit, probabilities, simulate, statevector


@pytest.mark.parametrize("n", range(1, 11))
def test_random_circuits_match_qiskit_statevector(n: int) -> None:
    rng = np.random.default_rng(100 + n)
    circuits = [random_circuit(n, int(rng.integers(5, 40)), rng) for _ in range(22)]
    batch = statevector(circuits).numpy()  # one batch, mixed structures
    for i, qc in enumerate(circuits):
        ref = Statevector(qc).data
        assert np.abs(batch[i] - ref).max() < 1e-10
    single = statevector(circuits[0]).numpy()
    assert np.abs(single - Statevector(circuits[0]).data).max() < 1e-10


@pytest.mark.slow
def test_every_native_gate_is_exercised() -> None:
    rng = np.random.default_rng(7)
    seen = set()
    for n in range(1, 11):
        for _ in range(22):
            seen |= {inst.operation.name for inst in random_circuit(n, 30, rng).data}
    assert set(NATIVE) <= seen


def test_dense_fallback_and_definitions() -> None:
    qc = QuantumCircuit(4)
    qc.h(0)
    qc.append(QFTGate(3), [0, 1, 3])
    qc.append(PermutationGate([2, 0, 1]), [1, 2, 3])
    qc.mcx([0, 1, 2], 3)
    psi = statevector(qc).numpy()
    assert np.abs(psi - Statevector(qc).data).max() < 1e-10


def test_complex64_is_close() -> None:
    rng = np.random.default_rng(3)
    qc = random_circuit(5, 30, rng)
    psi = statevector(qc, dtype=torch.complex64)
    assert psi.dtype == torch.complex64
    assert np.abs(psi.numpy() - Statevector(qc).data).max() < 1e-5


def test_uniform_and_gather_paths_agree() -> None:
    rng = np.random.default_rng(11)
    qc = random_circuit(6, 40, rng)
    other = random_circuit(6, 40, rng)
    same = statevector([qc, qc, qc]).numpy()  # every slot uniform
    mixed = statevector([qc, other, qc]).numpy()  # gather path
    assert np.abs(same[0] - mixed[0]).max() < 1e-12
    assert np.abs(mixed[1] - Statevector(other).data).max() < 1e-10


def test_parametrised_circuits_with_expressions() -> None:
    a, b = Parameter("a"), Parameter("b")
    v = ParameterVector("v", 2)
    qc = QuantumCircuit(3)
    qc.h(range(3))
    qc.rx(2 * a + 0.3, 0)
    qc.rzz(a - b, 0, 2)
    qc.u(v[0], v[1], -a, 1)
    qc.crx(0.5 * b, 2, 1)
    qc.global_phase = a
    values = {a: 0.7, b: -1.1, v[0]: 0.2, v[1]: 2.5}
    order = list(qc.parameters)
    psi = statevector(qc, torch.tensor([values[p] for p in order], dtype=torch.float64))
    ref = Statevector(qc.assign_parameters(values)).data
    assert np.abs(psi.numpy() - ref).max() < 1e-10


def test_nonlinear_angle_is_rejected() -> None:
    a = Parameter("a")
    qc = QuantumCircuit(1)
    qc.rx(a * a, 0)
    with pytest.raises(SimulationError, match="not linear"):
        from_qiskit(qc)


def test_gatelist_by_hand_matches_qiskit() -> None:
    gl = GateList(2, [("h", [0]), ("rx", [1], ["t"]), ("cx", [0, 1]), ("rz", [0], [0.25])])
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.rx(0.9, 1)
    qc.cx(0, 1)
    qc.rz(0.25, 0)
    assert np.abs(statevector(gl, [0.9]).numpy() - Statevector(qc).data).max() < 1e-12


@pytest.mark.parametrize(
    "ops, message",
    [
        ([("cx", [0, 0])], "repeats a qubit"),
        ([("h", [2])], "outside a 2-qubit circuit"),
        ([("rx", [0])], "takes 1 qubits and 1 parameters"),
    ],
)
def test_bad_gatelists(ops, message) -> None:
    with pytest.raises(SimulationError, match=message):
        GateList(2, ops)


def test_unknown_gate_name_suggests() -> None:
    with pytest.raises(UnknownNameError, match="Did you mean 'cx'"):
        GateList(2, [("cxx", [0, 1])])


def test_mixed_sizes_and_midcircuit_measurement_are_errors() -> None:
    with pytest.raises(SimulationError, match="one size"):
        compile_batch([QuantumCircuit(2), QuantumCircuit(3)])
    qc = QuantumCircuit(1, 1)
    qc.measure(0, 0)
    qc.x(0)
    with pytest.raises(SimulationError, match="after a measurement"):
        statevector(qc)


def test_final_measurements_are_ignored_and_counts_seeded() -> None:
    qc = QuantumCircuit(2, 2)
    qc.h(0)
    qc.cx(0, 1)
    qc.measure([0, 1], [0, 1])
    probs = probabilities(qc).numpy()
    assert np.allclose(probs, [0.5, 0, 0, 0.5])
    r1 = simulate(qc, shots=1000, seed=5)
    r2 = simulate(qc, shots=1000, seed=5)
    assert r1.counts == r2.counts
    assert set(r1.counts) == {"00", "11"} and sum(r1.counts.values()) == 1000


def test_bit_order_is_qiskit() -> None:
    qc = QuantumCircuit(3)
    qc.x(0)
    res = simulate(qc)
    assert res.top(1) == [("001", 1.0)]


def test_unbound_parameters_need_values() -> None:
    qc = QuantumCircuit(1)
    qc.rx(Parameter("t"), 0)
    with pytest.raises(SimulationError, match="unbound parameter"):
        simulate(qc)
    with pytest.raises(SimulationError, match="free parameter"):
        statevector(qc)
    assert simulate(qc, parameters={"t": np.pi}).top(1)[0][0] == "1"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_cuda_matches_cpu() -> None:
    rng = np.random.default_rng(5)
    circuits = [random_circuit(5, 30, rng) for _ in range(8)]
    cpu = statevector(circuits).numpy()
    gpu = statevector(circuits, device="cuda").cpu().numpy()
    assert np.abs(cpu - gpu).max() < 1e-10


@pytest.mark.parametrize("fuse", [None, 1, 2, 3])
def test_gate_fusion_gives_the_same_states(fuse) -> None:
    rng = np.random.default_rng(21)
    for n in (2, 4, 7):
        circuits = [random_circuit(n, 40, rng) for _ in range(3)]
        psi = compile_batch(circuits, fuse=fuse).run().numpy()
        for i, qc in enumerate(circuits):
            assert np.abs(psi[i] - Statevector(qc).data).max() < 1e-10


def test_fusion_merges_blocks() -> None:
    from qgen.sim.compiled import fuse

    gl = GateList(
        3, [("h", [0]), ("cx", [0, 1]), ("rz", [1], [0.1]), ("cx", [0, 1]), ("h", [2]), ("cx", [1, 2])]
    )
    blocks = fuse(gl.ops, 2)
    assert [q for q, _ in blocks] == [(0, 1), (2,), (1, 2)] or [q for q, _ in blocks] == [(0, 1), (1, 2)]
    assert sum(len(ops) for _, ops in blocks) == len(gl.ops)
    assert len(fuse(gl.ops, None)) == len(gl.ops)
