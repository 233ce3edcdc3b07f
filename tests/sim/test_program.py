"""The op-table engine (numba kernels) against Qiskit's Statevector and against the torch executors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from qiskit.quantum_info import Operator, SparsePauliOp, Statevector, random_unitary

from qgen.errors import SimulationError
from qgen.sim import GATES, GateList, ParamExpr, compile_batch, expectation, train
from qgen.sim.losses import infidelity
from qgen.sim.program import numba_available

pytestmark = pytest.mark.skipif(not numba_available(), reason="numba (the fast extra) is not installed")


def every_gate_circuits(n: int, count: int, seed: int) -> list[GateList]:
    """Random circuits using every registered gate, some angles sums of two parameters plus a constant,
    dense and monomial unitaries and a parametric global phase."""
    rng = np.random.default_rng(seed)
    names = sorted(GATES)
    out = []
    for c in range(count):
        ops = []
        for j in range(3 * len(names)):
            name = names[(j + c) % len(names)]
            spec = GATES[name]
            qubits = [int(q) for q in rng.choice(n, size=spec.num_qubits, replace=False)]
            angles = []
            for _ in range(spec.num_params):
                if rng.random() < 0.2:
                    angles.append(float(rng.uniform(-3, 3)))  # a constant angle
                elif rng.random() < 0.3:
                    terms = ((int(rng.integers(5)), 0.5), (5 + int(rng.integers(5)), -1.5))
                    angles.append(ParamExpr(terms, float(rng.uniform(-1, 1))))
                else:
                    angles.append(ParamExpr(((int(rng.integers(10)), 1.0),)))
            ops.append((name, qubits, angles))
        unitary = random_unitary(4, seed=seed + c).data
        mono = np.diag(np.exp(1j * rng.uniform(0, 6, 8)))[[3, 0, 1, 2, 7, 4, 5, 6]]
        gl = GateList(n, ops, parameters=[f"p{i}" for i in range(10)])
        extra = [
            gl.ops[0].__class__("unitary", (0, n - 1), (), matrix=unitary),
            gl.ops[0].__class__("unitary", (1, 2, 0), (), matrix=mono),
        ]
        phase = ParamExpr(((3, 0.25),), 0.1)
        out.append(GateList(n, list(gl.ops) + extra, parameters=gl.parameters, global_phase=phase))
    return out


def test_every_gate_matches_qiskit_and_the_torch_gradients() -> None:
    circuits = every_gate_circuits(4, 5, seed=1)
    params = torch.tensor(np.random.default_rng(2).uniform(-np.pi, np.pi, (5, 10)))
    ham = SparsePauliOp(["ZZXI", "YIIZ", "IXYI"], [0.7, -0.4, 0.3])
    out = {}
    for engine in ("program", "torch"):
        batch = compile_batch(circuits, engine=engine)
        assert batch.engine == engine
        p = torch.nn.Parameter(params.clone())
        psi = batch.run(p)
        expectation(psi, ham).sum().backward()
        out[engine] = (psi.detach().numpy(), p.grad.numpy())
    psi = out["program"][0]
    for i, gl in enumerate(circuits):
        bound = gl.to_qiskit().assign_parameters(params[i].numpy())
        assert np.abs(psi[i] - Statevector(bound).data).max() < 1e-12
    assert np.abs(out["program"][1] - out["torch"][1]).max() < 1e-11
    assert np.abs(out["program"][1]).max() > 0.1  # the gradients are not trivially zero


def test_gradients_match_central_differences() -> None:
    circuits = every_gate_circuits(3, 2, seed=4)
    params = torch.tensor(np.random.default_rng(5).uniform(-np.pi, np.pi, (2, 10)))
    ham = SparsePauliOp(["ZXY", "XIZ"], [0.6, 0.8])
    batch = compile_batch(circuits, engine="program")
    p = torch.nn.Parameter(params.clone())
    expectation(batch.run(p), ham).sum().backward()
    eps = 1e-6
    for b in range(2):
        for j in range(10):
            shift = torch.zeros_like(params)
            shift[b, j] = eps
            up = expectation(batch.run(params + shift), ham)[b].sum()
            down = expectation(batch.run(params - shift), ham)[b].sum()
            assert abs(float(p.grad[b, j]) - float(up - down) / (2 * eps)) < 1e-7


@pytest.mark.parametrize("shared", [True, False])
def test_initial_state_gradient(shared: bool) -> None:
    first = GateList(3, [("h", [0]), ("cx", [0, 2]), ("ry", [1], ["a"])])
    circuits = [first, GateList(3, [("swap", [1, 2])])]
    init = torch.randn(8 if shared else (2, 8), dtype=torch.complex128)
    init = (init / init.norm(dim=-1, keepdim=True)).requires_grad_()
    params = torch.tensor([[0.3], [0.0]], dtype=torch.float64)
    grads = []
    for engine in ("program", "torch"):
        init.grad = None
        psi = compile_batch(circuits, engine=engine).run(params, initial_state=init)
        (psi.abs() ** 2 * torch.arange(8)).sum().backward()
        grads.append(init.grad.clone())
    assert grads[0].shape == init.shape
    assert torch.abs(grads[0] - grads[1]).max() < 1e-12
    u = Operator(circuits[1].to_qiskit()).data
    x = (init if shared else init[1]).detach().numpy()
    expect = 2 * u.conj().T @ (np.arange(8) * (u @ x))
    if not shared:
        assert np.allclose(grads[0][1].numpy(), expect, atol=1e-12)


def test_train_results_equal_the_torch_engine() -> None:
    rng = np.random.default_rng(7)
    circuits = every_gate_circuits(3, 4, seed=8)
    targets = rng.normal(size=(4, 8)) + 1j * rng.normal(size=(4, 8))
    targets /= np.linalg.norm(targets, axis=1, keepdims=True)
    res = [
        train(circuits, infidelity(targets), optimizer="adagrad", lr=0.3, steps=15, engine=e)
        for e in ("program", "torch")
    ]
    assert torch.abs(res[0].history - res[1].history).max() < 1e-9
    assert float(res[0].loss.max()) < float(res[0].history[0].min())


def test_engine_errors() -> None:
    gl = GateList(2, [("rx", [0], ["a"])])
    with pytest.raises(SimulationError, match="unknown engine 'jit'"):
        compile_batch(gl, engine="jit")
    assert compile_batch(gl, dtype=torch.complex64).engine == "program"
    assert compile_batch(GateList(17, [("h", [0])])).engine == "torch"
    assert compile_batch(gl).engine == "program"


def test_complex64_batches_compute_in_complex128_and_round() -> None:
    circuits = every_gate_circuits(3, 3, seed=9)
    params = torch.tensor(np.random.default_rng(10).uniform(-np.pi, np.pi, (3, 10)))
    ham = SparsePauliOp(["ZXY", "XIZ"], [0.6, 0.8])
    out = {}
    for dtype in (torch.complex64, torch.complex128):
        batch = compile_batch(circuits, engine="program", dtype=dtype)
        real = torch.float32 if dtype == torch.complex64 else torch.float64
        p = torch.nn.Parameter(params.clone().to(real))
        psi = batch.run(p)
        assert psi.dtype == dtype
        expectation(psi, ham).sum().backward()
        assert p.grad.dtype == p.dtype
        out[dtype] = (psi.detach().to(torch.complex128), p.grad.to(torch.float64))
    # the complex64 run differs only by the rounding of its parameters and its final states
    assert torch.abs(out[torch.complex64][0] - out[torch.complex128][0]).max() < 1e-5
    assert torch.abs(out[torch.complex64][1] - out[torch.complex128][1]).max() < 1e-4


def test_gates_wider_than_three_qubits_run_on_torch() -> None:
    """A 5-qubit gate (MQT's QFT is one block): 'auto' falls back to torch, 'program' says why it cannot."""
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import QFTGate

    qc = QuantumCircuit(5)
    qc.h(0)
    qc.rx(0.3, 2)
    qc.append(QFTGate(5), range(5))
    batch = compile_batch(qc)
    assert batch.engine == "torch"
    state = batch.run().detach().numpy()[0]
    assert abs(abs(np.vdot(state, Statevector(qc).data)) - 1) < 1e-12
    with pytest.raises(SimulationError, match="at most 3 qubits"):
        compile_batch(qc, engine="program")
