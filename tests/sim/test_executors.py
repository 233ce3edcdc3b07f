"""The executors of qgen.sim (composed gathers with stored states; adjoint un-computation; numba op tables)
agree."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from qiskit.quantum_info import Operator, SparsePauliOp, Statevector

import qgen.sim.compiled as compiled
from qgen.sim import GATES, GateList, ParamExpr, compile_batch, expectation
from qgen.sim.blocks import U3_FORM_GATES, u3_form, u3_matrices
from qgen.sim.program import numba_available


def qas_like(n: int, gates: int, count: int, seed: int) -> list[GateList]:
    """Random circuits of different structures over the QAS gate pool, every angle its own parameter."""
    rng = np.random.default_rng(seed)
    pool = ["x", "y", "z", "h", "rx", "ry", "rz", "u3", "cx", "cz", "swap"]
    out = []
    for _ in range(count):
        ops, k = [], 0
        for _ in range(gates):
            name = pool[rng.integers(len(pool) if n > 1 else 8)]
            arity = 2 if name in {"cx", "cz", "swap"} else 1
            qubits = [int(q) for q in rng.choice(n, size=arity, replace=False)]
            params = {"rx": 1, "ry": 1, "rz": 1, "u3": 3}.get(name, 0)
            ops.append((name, qubits, [f"p{k + i:03d}" for i in range(params)]))
            k += params
        out.append(GateList(n, ops))
    return out


def run_both(circuits, params, monkeypatch, fuse="auto"):
    """States and gradients of an energy with the composed executor, the adjoint executor and (where numba
    is installed) the op-table engine."""
    ham = SparsePauliOp(["Z" * circuits[0].num_qubits, "X" + "I" * (circuits[0].num_qubits - 1)], [0.7, -0.4])
    results = []
    runs = [(compiled.COMPOSED_MAX_ELEMENTS, "torch"), (0, "torch")]
    if numba_available():
        runs.append((compiled.COMPOSED_MAX_ELEMENTS, "program"))
    for limit, engine in runs:
        monkeypatch.setattr(compiled, "COMPOSED_MAX_ELEMENTS", limit)
        batch = compile_batch(circuits, fuse=fuse, engine=engine)
        assert batch.engine == engine
        if engine == "torch":
            assert (batch._plan is not None) == (limit > 0)
        p = torch.nn.Parameter(params.clone())
        psi = batch.run(p)
        expectation(psi, ham).sum().backward()
        results.append((psi.detach().numpy(), p.grad.numpy()))
    return results


@pytest.mark.parametrize(("n", "fuse"), [(1, "auto"), (3, None), (4, "auto"), (5, 2), (7, "auto")])
def test_composed_and_adjoint_executors_agree(n: int, fuse, monkeypatch) -> None:
    circuits = qas_like(n, 12, 9, seed=n)
    width = max(c.num_parameters for c in circuits)
    params = torch.tensor(np.random.default_rng(n).uniform(-np.pi, np.pi, (9, width)))
    (psi_a, grad_a), (psi_b, grad_b), *program = run_both(circuits, params, monkeypatch, fuse)
    assert np.abs(psi_a - psi_b).max() < 1e-12
    assert np.abs(grad_a - grad_b).max() < 1e-11
    for psi_c, grad_c in program:
        assert np.abs(psi_a - psi_c).max() < 1e-12
        assert np.abs(grad_a - grad_c).max() < 1e-11
    for i, gl in enumerate(circuits):
        bound = gl.to_qiskit().assign_parameters(params[i, : gl.num_parameters].numpy())
        assert np.abs(psi_a[i] - Statevector(bound).data).max() < 1e-12


def test_constant_circuits_and_initial_state_gradient() -> None:
    circuits = [GateList(3, [("h", [0]), ("cx", [0, 2])]), GateList(3, [("x", [1]), ("swap", [1, 2])])]
    batch = compile_batch(circuits)
    init = torch.randn(2, 8, dtype=torch.complex128)
    init = (init / init.norm(dim=1, keepdim=True)).requires_grad_()
    psi = batch.run(None, initial_state=init)
    (psi.abs() ** 2 * torch.arange(8)).sum().backward()
    # the circuits are unitary: the gradient of <psi|D|psi> wrt the initial state is 2 U^dagger D U psi0
    for i, gl in enumerate(circuits):
        u = Operator(gl.to_qiskit()).data
        expect = 2 * u.conj().T @ (np.arange(8) * (u @ init[i].detach().numpy()))
        assert np.allclose(init.grad[i].numpy(), expect, atol=1e-12)


@pytest.mark.parametrize("name", sorted(U3_FORM_GATES))
def test_u3_form_matches_each_gate_builder_with_its_phase(name: str) -> None:
    spec = GATES[name]
    values = np.random.default_rng(len(name)).uniform(-2 * np.pi, 2 * np.pi, (5, spec.num_params))
    exprs = [ParamExpr(((j, 1.0),)) for j in range(spec.num_params)]
    form = u3_form(name, tuple(exprs))
    angles = torch.tensor([[e.value(row) for e in form] for row in values])
    got = u3_matrices(angles, torch.complex128)
    want = spec.matrices(torch.tensor(values), torch.complex128)
    assert torch.abs(got - want).max() < 1e-14


def test_parametric_one_qubit_kinds_match_qiskit_in_one_batch() -> None:
    kinds = {"rx": 1, "ry": 1, "rz": 1, "p": 1, "u1": 1, "u": 3, "u3": 3, "u2": 2, "r": 2}
    circuits = []
    for shift, name in enumerate(kinds):
        ops = [("h", [0]), ("cx", [0, 1])]
        for q in range(3):
            ops.append((name, [(q + shift) % 3], [f"{name}{q}_{j}" for j in range(kinds[name])]))
        circuits.append(GateList(3, ops + [("cz", [1, 2])]))
    width = max(c.num_parameters for c in circuits)
    params = torch.tensor(np.random.default_rng(3).uniform(-np.pi, np.pi, (len(circuits), width)))
    psi = compile_batch(circuits).run(params).numpy()
    for i, gl in enumerate(circuits):
        bound = gl.to_qiskit().assign_parameters(params[i, : gl.num_parameters].numpy())
        assert np.abs(psi[i] - Statevector(bound).data).max() < 1e-12


def test_auto_engine_falls_back_to_torch_without_numba(monkeypatch) -> None:
    import qgen.sim.program as program

    circuits = qas_like(3, 8, 4, seed=11)
    width = max(c.num_parameters for c in circuits)
    params = torch.tensor(np.random.default_rng(11).uniform(-1, 1, (4, width)))
    monkeypatch.setattr(program, "numba_available", lambda: False)
    batch = compile_batch(circuits)
    assert batch.engine == "torch"
    psi = batch.run(params).numpy()
    for i, gl in enumerate(circuits):
        bound = gl.to_qiskit().assign_parameters(params[i, : gl.num_parameters].numpy())
        assert np.abs(psi[i] - Statevector(bound).data).max() < 1e-12
