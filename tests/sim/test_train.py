"""Batched training: per-circuit losses, early stopping, restarts, determinism; CircuitModule."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter, ParameterVector
from qiskit.quantum_info import SparsePauliOp, Statevector

from qgen.errors import QgenError, UnknownNameError
from qgen.sim import CircuitModule, GateList, statevector, train
from qgen.sim.losses import energy, infidelity


def ry_chain(n: int) -> QuantumCircuit:
    theta = ParameterVector("t", n)
    qc = QuantumCircuit(n)
    for q in range(n):
        qc.ry(theta[q], q)
    for q in range(n - 1):
        qc.cx(q, q + 1)
    return qc


@pytest.mark.slow
def test_energy_reaches_exact_ground_state_per_circuit() -> None:
    # each circuit gets its own Hamiltonian; ground energies are known exactly
    hams = [
        SparsePauliOp(["ZI", "IZ"], [1.0, 1.0]),
        SparsePauliOp(["ZZ"], [1.0]),
        SparsePauliOp(["XI"], [2.0]),
    ]
    circuits = [ry_chain(2), ry_chain(2), GateList(2, [("ry", [1], ["a"]), ("ry", [0], ["b"])])]
    res = train(circuits, energy(hams), optimizer="adam", lr=0.1, steps=400, seed=1, restarts=2)
    np.testing.assert_allclose(res.loss.numpy(), [-2.0, -1.0, -2.0], atol=1e-5)
    # the returned parameters really give that energy
    for qc, ham, p in zip(circuits, hams, res.params, strict=True):
        psi = statevector(qc, p)
        e = float(torch.vdot(psi, torch.tensor(ham.to_matrix(), dtype=psi.dtype) @ psi).real)
        assert abs(e - float(res.loss[circuits.index(qc)])) < 1e-9


def test_target_stops_early_and_counts_steps() -> None:
    circuits = [ry_chain(1), ry_chain(1)]
    res = train(circuits, energy(SparsePauliOp("Z")), init=[[3.0], [0.3]], lr=0.2, steps=500, target=-0.99)
    assert bool(res.converged.all())
    assert int(res.steps[0]) < 500 and int(res.steps[1]) < 500
    # the circuit starting nearer the optimum (theta = 3.0 ~ pi) stops first
    assert int(res.steps[0]) < int(res.steps[1])
    assert torch.isnan(res.history[int(res.steps.max()) :]).all()


def test_patience_stops_without_converging() -> None:
    res = train([ry_chain(1)], energy(SparsePauliOp("X") * 0), steps=200, patience=5, tol=1e-9)
    assert int(res.steps[0]) == 6 and not bool(res.converged[0])


def test_custom_stop_rule_most_probable_bitstring() -> None:
    target_index = 3  # |11>

    def stop(psi, loss, rows):
        return (psi.abs() ** 2).argmax(-1) == target_index

    ham = SparsePauliOp(["ZI", "IZ"], [1.0, 1.0])
    res = train([ry_chain(2)] * 4, energy(ham), lr=0.05, steps=300, stop=stop, seed=3)
    assert bool(res.converged.all())
    assert float(res.loss.max()) < 0  # stopped once |11> dominates, before full convergence


def test_state_preparation_with_adagrad_and_compaction() -> None:
    rng = np.random.default_rng(0)
    n = 3
    circuits = [ry_chain(n) for _ in range(12)]
    targets = []
    for _ in range(12):
        qc = ry_chain(n).assign_parameters(rng.uniform(-3, 3, size=n))
        targets.append(Statevector(qc).data)
    res = train(
        circuits, infidelity(np.array(targets)), optimizer="adagrad", lr=0.5, steps=300, target=1e-6, seed=0
    )
    assert bool(res.converged.all())
    assert float(res.loss.max()) <= 1e-6


def test_same_seed_same_result_and_unknown_optimizer() -> None:
    circuits = [ry_chain(3)] * 3
    ham = SparsePauliOp(["XXI", "IZZ"], [1.0, -0.5])
    a = train(circuits, energy(ham), steps=30, seed=7)
    b = train(circuits, energy(ham), steps=30, seed=7)
    c = train(circuits, energy(ham), steps=30, seed=8)
    assert torch.equal(a.loss, b.loss) and not torch.equal(a.loss, c.loss)
    with pytest.raises(UnknownNameError, match="adagrad"):
        train(circuits, energy(ham), optimizer="adagard")
    with pytest.raises(QgenError, match="init row 0"):
        train(circuits, energy(ham), init=[[0.0]] * 3)


def test_circuit_module_forward_and_backward() -> None:
    x, w = Parameter("x"), ParameterVector("w", 2)
    qc = QuantumCircuit(2)
    qc.ry(x, 0)
    qc.ry(w[0], 1)
    qc.cx(0, 1)
    qc.rx(w[1], 0)
    layer = CircuitModule(qc, inputs=[x], weights=[0.3, -0.4], dtype=torch.complex128)
    feats = torch.tensor([[0.1], [1.2], [-2.0]], dtype=torch.float64)
    out = layer(feats)
    assert out.shape == (3, 2)
    for i, f in enumerate(feats[:, 0].tolist()):
        sv = Statevector(qc.assign_parameters({x: f, w[0]: 0.3, w[1]: -0.4}))
        for q in range(2):
            z = SparsePauliOp.from_sparse_list([("Z", [q], 1.0)], 2)
            assert abs(float(out.detach()[i, q]) - sv.expectation_value(z).real) < 1e-10
    out.sum().backward()
    assert layer.weights.grad is not None and layer.weights.grad.shape == (2,)
    assert [n for n, _ in layer.named_parameters()] == ["weights"]


def test_circuit_module_trains_in_a_hybrid_model() -> None:
    torch.manual_seed(0)
    x, w = Parameter("x"), ParameterVector("w", 3)
    qc = QuantumCircuit(1)
    qc.ry(w[0], 0)
    qc.rx(x, 0)
    qc.ry(w[1], 0)
    qc.rz(w[2], 0)
    model = torch.nn.Sequential(CircuitModule(qc, inputs=["x"], seed=1), torch.nn.Linear(1, 1))
    xs = torch.linspace(-1, 1, 32)[:, None]
    ys = torch.cos(xs * 1.0)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    first = None
    for _ in range(150):
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(model(xs), ys)
        first = first if first is not None else float(loss)
        loss.backward()
        opt.step()
    assert float(loss) < 0.1 * first


def test_circuit_module_errors() -> None:
    qc = QuantumCircuit(1)
    qc.rx(Parameter("a"), 0)
    with pytest.raises(QgenError, match="not in the circuit"):
        CircuitModule(qc, inputs=["b"])
    layer = CircuitModule(qc, inputs=["a"])
    with pytest.raises(QgenError, match="expected 1 input"):
        layer(torch.zeros(2, 3))
    assert math.isclose(float(layer(torch.tensor([0.0]))[0]), 1.0, abs_tol=1e-6)


def test_train_reports_every_step_to_a_progress() -> None:
    from qiskit.quantum_info import SparsePauliOp

    from qgen.progress import RecordingProgress
    from qgen.sim import GateList, train
    from qgen.sim.losses import energy

    rec = RecordingProgress()
    circuit = GateList(1, [("ry", [0], ["a"])])
    res = train([circuit], energy(SparsePauliOp("Z")), lr=0.1, steps=7, progress=rec)
    assert int(res.steps[0]) == 7
    assert rec.done("training") == 7
    assert rec.events[0][:2] == ("start", "training") and rec.events[-1][:2] == ("finish", "training")


def _adam_run(cls, steps: int = 150, **kwargs) -> torch.Tensor:
    """Parameters after ``steps`` of ``cls`` on a small non-convex loss over three tensors of mixed shapes."""
    gen = torch.Generator().manual_seed(4)
    params = [
        torch.randn(12, dtype=torch.float64, generator=gen).requires_grad_(),
        torch.tensor(1.0, dtype=torch.float64, requires_grad=True),
        torch.zeros(3, dtype=torch.float64, requires_grad=True),
    ]
    opt = cls(params, lr=0.05, **kwargs)
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        loss = sum((torch.sin(3 * p) + (p - 0.3 * k) ** 2).sum() for k, p in enumerate(params))
        loss.backward()
        opt.step()
    return torch.cat([p.detach().reshape(-1) for p in params])


@pytest.mark.parametrize(
    "name,ref", [("adam", torch.optim.Adam), ("adamw", torch.optim.AdamW), ("adagrad", torch.optim.Adagrad)]
)
def test_registered_adam_is_fused_and_equals_the_single_tensor_loop(name, ref) -> None:
    from qgen.sim.training import OPTIMIZERS

    params = [torch.zeros(3, dtype=torch.float64, requires_grad=True)]
    assert OPTIMIZERS[name](params, lr=0.1).defaults["fused"] is True
    ours = _adam_run(OPTIMIZERS[name])
    theirs = _adam_run(ref, foreach=False)
    assert not torch.equal(ours, _adam_run(OPTIMIZERS[name], steps=149))  # the run moves the parameters
    torch.testing.assert_close(ours, theirs, atol=1e-12, rtol=0)


def test_registered_adam_keeps_an_explicit_choice_and_falls_back_for_complex_parameters() -> None:
    from qgen.sim.training import OPTIMIZERS

    real = [torch.zeros(3, dtype=torch.float64, requires_grad=True)]
    assert OPTIMIZERS["adam"](real, lr=0.1, foreach=True).defaults["fused"] is None
    assert OPTIMIZERS["adam"](real, lr=0.1, fused=False).defaults["fused"] is False
    complex_ = [torch.zeros(3, dtype=torch.complex128, requires_grad=True)]
    assert not OPTIMIZERS["adam"](complex_, lr=0.1).defaults["fused"]  # torch's default implementation
    groups = [{"params": real}, {"params": [torch.ones(2, dtype=torch.float32, requires_grad=True)]}]
    assert OPTIMIZERS["adam"](groups, lr=0.1).defaults["fused"] is True
