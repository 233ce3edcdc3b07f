"""qgen.sim.structured (one structure, many inputs) against Qiskit's Statevector and the batch engine."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter, ParameterVector
from qiskit.circuit.library import real_amplitudes
from qiskit.quantum_info import SparsePauliOp, Statevector
from sim_cases import NATIVE, qc_gate, random_circuit

from qgen.errors import SimulationError
from qgen.sim import GateList, compile_batch, from_qiskit
from qgen.sim.observables import PauliObservables
from qgen.sim.readout import DiagonalReadout
from qgen.sim.stages import DenseStage, LocalStage, MonomialStage, schedule
from qgen.sim.structured import StructuredCircuit


def parametric_circuit(n: int, depth: int, rng: np.random.Generator) -> QuantumCircuit:
    """Random circuit over every native gate; each angle is a linear form of 4 parameters (or a number)."""
    ps = ParameterVector("p", 4)
    names = [g for g, (k, _) in NATIVE.items() if k <= n]
    qc = QuantumCircuit(n)
    for _ in range(depth):
        name = names[rng.integers(len(names))]
        k, p = NATIVE[name]
        qubits = [int(q) for q in rng.choice(n, size=k, replace=False)]
        gate = qc_gate(name, [0.1] * p)
        if p:
            angles = []
            for _ in range(p):
                if rng.random() < 0.2:
                    angles.append(float(rng.uniform(-3, 3)))
                else:
                    a, b = rng.choice(4, size=2, replace=False)
                    angles.append(float(rng.uniform(-2, 2)) * ps[a] + float(rng.uniform(-1, 1)) * ps[b] + 0.3)
            gate = type(gate)(*angles)
        qc.append(gate, qubits)
    qc.global_phase = 0.7 * ps[0] + 0.2
    return qc


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 11])
def test_constant_circuits_equal_qiskit(n):
    rng = np.random.default_rng(n)
    for _ in range(4):
        qc = random_circuit(n, 30, rng)
        psi = StructuredCircuit(from_qiskit(qc)).run(None)[0].numpy()
        np.testing.assert_allclose(psi, Statevector(qc).data, atol=1e-12, rtol=0)


@pytest.mark.parametrize("n", [2, 4, 6])
@pytest.mark.parametrize("batched", [None, (0, 2), ()])
def test_parametric_batches_equal_qiskit_and_batch_engine(n, batched):
    rng = np.random.default_rng(10 + n)
    qc = parametric_circuit(n, 40, rng)
    gl = from_qiskit(qc)
    rows = 5
    values = rng.uniform(-np.pi, np.pi, (rows, gl.num_parameters))
    shared = [j for j in range(gl.num_parameters) if batched is not None and j not in batched]
    values[:, shared] = values[0, shared]
    sc = StructuredCircuit(gl, batched=batched)
    psi = sc.run(torch.tensor(values)).numpy()
    for r in range(rows):
        bound = qc.assign_parameters(dict(zip(qc.parameters, values[r], strict=True)))
        np.testing.assert_allclose(psi[r], Statevector(bound).data, atol=1e-12, rtol=0)
    ref = compile_batch([gl] * rows).run(torch.tensor(values)).numpy()
    np.testing.assert_allclose(psi, ref, atol=1e-12, rtol=0)


@pytest.mark.parametrize("n", [3, 6])
def test_gradients_equal_batch_engine(n):
    rng = np.random.default_rng(3)
    qc = parametric_circuit(n, 40, rng)
    gl = from_qiskit(qc)
    obs = PauliObservables([SparsePauliOp.from_sparse_list([("XZ", [0, n - 1], 1.0)], n)], n)
    x = torch.tensor(rng.uniform(-np.pi, np.pi, (4, 2)))
    w = torch.tensor(rng.uniform(-np.pi, np.pi, gl.num_parameters - 2))

    def loss(run):
        wl = w.clone().requires_grad_()
        xl = x.clone().requires_grad_()
        params = torch.cat([xl, wl[None].expand(4, -1)], 1)
        val = (obs.expectation(run(params), per_circuit=False) ** 2).sum()
        val.backward()
        return float(val.detach()), xl.grad.numpy(), wl.grad.numpy()

    ours = loss(StructuredCircuit(gl, batched=[0, 1]).run)
    ref = loss(compile_batch([gl] * 4).run)
    assert ours[0] == pytest.approx(ref[0], abs=1e-12)
    np.testing.assert_allclose(ours[1], ref[1], atol=1e-12, rtol=0)
    np.testing.assert_allclose(ours[2], ref[2], atol=1e-12, rtol=0)


def zz_like(n: int, reps: int) -> QuantumCircuit:
    """Qiskit's ZZ feature map with its pair angles as free parameters (the models feed them as derived
    per-sample columns)."""
    xs = ParameterVector("x", n)
    ys = ParameterVector("y", n * (n - 1) // 2)
    qc = QuantumCircuit(n)
    for _ in range(reps):
        k = 0
        for q in range(n):
            qc.h(q)
            qc.p(2 * xs[q], q)
        for i in range(n):
            for j in range(i + 1, n):
                qc.cx(i, j)
                qc.p(ys[k], j)
                qc.cx(i, j)
                k += 1
    return qc


def test_zz_feature_map_is_two_local_and_two_monomial_stages():
    qc = zz_like(4, 2)
    gl = from_qiskit(qc)
    stages = schedule(gl)
    assert [type(s) for s in stages] == [LocalStage, MonomialStage, LocalStage, MonomialStage]
    values = np.random.default_rng(0).uniform(0, np.pi, (7, gl.num_parameters))
    psi = StructuredCircuit(gl).run(torch.tensor(values)).numpy()
    for r in range(7):
        ref = Statevector(qc.assign_parameters(dict(zip(qc.parameters, values[r], strict=True)))).data
        np.testing.assert_allclose(psi[r], ref, atol=1e-12, rtol=0)


def test_vqc_circuit_stages_and_values():
    fm, an = zz_like(3, 1), real_amplitudes(3, reps=2).decompose()
    qc = fm.compose(an)
    gl = from_qiskit(qc)
    kinds = [type(s).__name__ for s in schedule(gl)]
    assert kinds == ["LocalStage", "MonomialStage", "LocalStage", "MonomialStage", "LocalStage",
                     "MonomialStage", "LocalStage"]  # fmt: skip
    assert not any(isinstance(s, DenseStage) for s in schedule(gl))
    rng = np.random.default_rng(2)
    xs = rng.uniform(0, np.pi, (6, 6))
    w = rng.uniform(-np.pi, np.pi, gl.num_parameters - 6)
    names = list(gl.parameters)
    xcols = [names.index(f"x[{i}]") for i in range(3)] + [names.index(f"y[{i}]") for i in range(3)]
    values = np.zeros((6, gl.num_parameters))
    values[:, xcols] = xs
    values[:, [j for j in range(gl.num_parameters) if j not in xcols]] = w
    psi = StructuredCircuit(gl, batched=xcols).run(torch.tensor(values)).numpy()
    for r in range(6):
        bound = qc.assign_parameters(dict(zip(qc.parameters, values[r][[names.index(p.name)
                                                                      for p in qc.parameters]], strict=True)))
        np.testing.assert_allclose(psi[r], Statevector(bound).data, atol=1e-12, rtol=0)


def test_complex64_and_errors():
    gl = GateList(2, [("h", [0]), ("rx", [1], ["a"]), ("cx", [0, 1])])
    sc = StructuredCircuit(gl, dtype=torch.complex64)
    psi = sc.run(torch.tensor([[0.5]]))
    assert psi.dtype == torch.complex64
    ref = compile_batch(gl).run(torch.tensor([[0.5]]))
    assert torch.allclose(psi.to(torch.complex128), ref, atol=1e-6)
    with pytest.raises(SimulationError, match=r"shape \(B, 1\)"):
        sc.run(torch.zeros(2, 3))
    with pytest.raises(SimulationError, match="pass values"):
        sc.run(None)


def test_diagonal_readout_equals_pauli_observables():
    n = 4
    obs = [SparsePauliOp.from_sparse_list([("Z", [q], 1.0)], n) for q in range(n)]
    obs.append(SparsePauliOp.from_sparse_list([("ZZ", [0, 3], 0.5), ("Z", [1], -2.0)], n))
    assert DiagonalReadout.accepts(obs, n)
    assert not DiagonalReadout.accepts([SparsePauliOp.from_sparse_list([("X", [0], 1.0)], n)], n)
    psi = torch.randn(3, 16, dtype=torch.complex128)
    psi = psi / psi.norm(dim=1, keepdim=True)
    ours = DiagonalReadout(obs, n, torch.float64, "cpu")(psi)
    ref = PauliObservables(obs, n).expectation(psi, per_circuit=False)
    torch.testing.assert_close(ours, ref, atol=1e-14, rtol=0)


def test_parameter_free_circuit_broadcasts_to_rows():
    x = Parameter("x")
    qc = QuantumCircuit(2)
    qc.h(0)
    qc.cx(0, 1)
    qc.rz(x, 1)
    gl = from_qiskit(qc)
    sc = StructuredCircuit(gl, batched=[])
    psi = sc.run(torch.full((3, 1), 0.4, dtype=torch.float64))
    assert psi.shape == (3, 4)
    ref = Statevector(qc.assign_parameters([0.4])).data
    np.testing.assert_allclose(psi.numpy(), np.broadcast_to(ref, (3, 4)), atol=1e-12, rtol=0)


def test_diagonal_readout_gradient_equals_pauli_observables():
    n = 3
    obs = [SparsePauliOp.from_sparse_list([("Z", [q], 1.0)], n) for q in range(n)]
    base = torch.randn(4, 8, dtype=torch.complex128)
    grads = []
    for readout in (DiagonalReadout(obs, n, torch.float64, "cpu"), None):
        psi = base.clone().requires_grad_()
        out = readout(psi) if readout else PauliObservables(obs, n).expectation(psi, per_circuit=False)
        (out * torch.arange(1.0, 4.0, dtype=torch.float64)).sum().backward()
        grads.append(psi.grad)
    torch.testing.assert_close(grads[0], grads[1], atol=1e-14, rtol=0)


def test_batched_grad_false_keeps_weight_gradients():
    rng = np.random.default_rng(4)
    qc = parametric_circuit(4, 40, rng)
    gl = from_qiskit(qc)
    sc = StructuredCircuit(gl, batched=[0, 1])
    x = torch.tensor(rng.uniform(-np.pi, np.pi, (5, 2)))
    w = torch.tensor(rng.uniform(-np.pi, np.pi, gl.num_parameters - 2))
    grads = []
    for flag in (True, False):
        wl = w.clone().requires_grad_()
        psi = sc.run(torch.cat([x, wl[None].expand(5, -1)], 1), batched_grad=flag)
        (psi.real * torch.arange(16.0, dtype=torch.float64)).sum().backward()
        grads.append(wl.grad)
    torch.testing.assert_close(grads[0], grads[1], atol=1e-13, rtol=0)


def test_reuploading_input_gradients_equal_batch_engine():
    """Per-sample RX/RY/RZ encodings (diagonalised into product phases): input and weight gradients."""
    n = 3
    ops = []
    for layer in range(2):
        for q in range(n):
            ops += [("rx", [q], [f"x{q}"]), ("ry", [q], [f"w{layer}{q}"]), ("rz", [q], [f"v{layer}{q}"])]
            ops += [("ry", [q], [f"x{(q + 1) % n}"])] if layer else []
        ops += [("cx", [q, (q + 1) % n]) for q in range(n)]
    gl = GateList(n, ops)
    names = list(gl.parameters)
    xcols = [names.index(f"x{q}") for q in range(n)]
    rng = np.random.default_rng(9)
    values = torch.tensor(rng.uniform(-np.pi, np.pi, (5, gl.num_parameters)))
    values[:, [j for j in range(len(names)) if j not in xcols]] = values[0, [j for j in range(len(names))
                                                                              if j not in xcols]]  # fmt: skip
    obs = PauliObservables([SparsePauliOp.from_sparse_list([("Z", [0], 1.0), ("X", [2], 0.5)], n)], n)
    grads = []
    for run in (StructuredCircuit(gl, batched=xcols).run, compile_batch([gl] * 5).run):
        v = values.clone().requires_grad_()
        (obs.expectation(run(v), per_circuit=False) ** 2).sum().backward()
        grads.append(v.grad)
    assert any(isinstance(s, MonomialStage) for s in StructuredCircuit(gl, batched=xcols).stages)
    # per-sample columns: one gradient per row; shared columns are read from row 0 (compare the row sums)
    torch.testing.assert_close(grads[0][:, xcols], grads[1][:, xcols], atol=1e-12, rtol=0)
    torch.testing.assert_close(grads[0].sum(0), grads[1].sum(0), atol=1e-12, rtol=0)


def test_data_only_prefix_is_reused_for_the_same_data_and_recomputed_for_new_data():
    qc = zz_like(3, 1).compose(real_amplitudes(3, reps=1).decompose())
    gl = from_qiskit(qc)
    names = list(gl.parameters)
    data = [j for j, p in enumerate(names) if p[0] in "xy"]
    sc = StructuredCircuit(gl, batched=data, lanes=False)  # the prefix cache is the torch path's
    assert sc._prefix == 2  # H layer, then the data phases; the ansatz reads weights
    rng = np.random.default_rng(1)
    w = torch.tensor(rng.uniform(-np.pi, np.pi, gl.num_parameters - len(data)))

    def params(x, wl):
        out = torch.zeros(len(x), gl.num_parameters, dtype=torch.float64)
        out[:, data] = x
        return out.index_copy(1, torch.tensor([j for j in range(len(names)) if j not in data]),
                              wl[None].expand(len(x), -1))  # fmt: skip

    x1 = torch.tensor(rng.uniform(0, np.pi, (4, len(data))))
    x2 = x1.clone()
    x2[2, 0] += 0.5
    fresh = StructuredCircuit(gl, batched=data)
    for x in (x1, x1.clone(), x2, x1):
        wl = w.clone().requires_grad_()
        psi = sc.run(params(x, wl), batched_grad=False)
        (psi.real.sum() + psi.imag[:, 1].sum()).backward()
        wr = w.clone().requires_grad_()
        ref = fresh.run(params(x, wr))
        (ref.real.sum() + ref.imag[:, 1].sum()).backward()
        fresh._cache = None
        torch.testing.assert_close(psi, ref, atol=1e-13, rtol=0)
        torch.testing.assert_close(wl.grad, wr.grad, atol=1e-13, rtol=0)
    assert sc._cache is not None and torch.equal(sc._cache[0], x1)


def test_large_registers_fall_back_to_the_batch_engine():
    from qgen.sim.structured import STRUCTURED_MAX_QUBITS

    n = STRUCTURED_MAX_QUBITS + 1
    ops = [("h", [q]) for q in range(n)] + [("rz", [q], [f"x{q % 2}"]) for q in range(n)]
    ops += [("cx", [q, q + 1]) for q in range(n - 1)]
    gl = GateList(n, ops)
    sc = StructuredCircuit(gl, batched=[0, 1])
    assert sc.stages == []
    values = torch.tensor([[0.3, -0.7], [1.1, 0.2]], dtype=torch.float64)
    torch.testing.assert_close(sc.run(values), compile_batch([gl] * 2).run(values), atol=1e-12, rtol=0)


def test_torch_stages_are_compiled_on_first_use_only():
    """A circuit that runs on the lanes executor never builds the torch stages; the torch path builds them
    once, on its first run, with the same amplitudes."""
    from qgen.sim.program import numba_available

    qc = zz_like(3, 1).compose(real_amplitudes(3, reps=1).decompose())
    gl = from_qiskit(qc)
    data = [j for j, p in enumerate(gl.parameters) if p[0] in "xy"]
    values = torch.tensor(np.random.default_rng(2).uniform(-np.pi, np.pi, (6, gl.num_parameters)))
    values[:, [j for j in range(gl.num_parameters) if j not in data]] = values[0, [
        j for j in range(gl.num_parameters) if j not in data]]  # fmt: skip
    names = list(gl.parameters)
    ref = torch.tensor(np.stack([
        Statevector(qc.assign_parameters({p: float(row[names.index(p.name)]) for p in qc.parameters})).data
        for row in values
    ]))  # fmt: skip
    if numba_available():
        lanes = StructuredCircuit(gl, batched=data, lanes=True)
        torch.testing.assert_close(lanes.run(values), ref, atol=1e-12, rtol=0)
        assert "stages" not in vars(lanes) and "_segments" not in vars(lanes)
    sc = StructuredCircuit(gl, batched=data, lanes=False)
    assert "stages" not in vars(sc)
    torch.testing.assert_close(sc.run(values), ref, atol=1e-12, rtol=0)
    assert "stages" in vars(sc) and sc.stages and sc._prefix == 2
    with pytest.raises(AttributeError, match="no attribute 'missing'"):
        _ = sc.missing
