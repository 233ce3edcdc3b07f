"""The numba lanes executor (qgen.sim.lanes): states and gradients equal the torch stages and Qiskit."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.quantum_info import Statevector

from qgen.sim import from_qiskit
from qgen.sim.module import CircuitModule
from qgen.sim.program import numba_available
from qgen.sim.structured import StructuredCircuit

pytestmark = pytest.mark.skipif(not numba_available(), reason="numba is not installed (qgen[fast])")

ONE_QUBIT = {"h": 0, "x": 0, "s": 0, "sdg": 0, "t": 0, "sx": 0, "rx": 1, "ry": 1, "rz": 1, "p": 1, "u": 3}


def lane_circuit(n: int, depth: int, rng: np.random.Generator) -> QuantumCircuit:
    """Random one-qubit gates (angles: linear forms of 2 data and 4 weight parameters) and CX/CZ/SWAP."""
    ps = ParameterVector("p", 6)
    qc = QuantumCircuit(n)
    names = list(ONE_QUBIT) + (["cx", "cz", "swap"] if n > 1 else [])
    for _ in range(depth):
        name = names[rng.integers(len(names))]
        if name in ("cx", "cz", "swap"):
            getattr(qc, name)(*[int(q) for q in rng.choice(n, size=2, replace=False)])
            continue
        angles = []
        for _ in range(ONE_QUBIT[name]):
            if rng.random() < 0.2:
                angles.append(float(rng.uniform(-3, 3)))
            else:
                a, b = rng.choice(6, size=2, replace=False)
                angles.append(float(rng.uniform(-2, 2)) * ps[a] + float(rng.uniform(-1, 1)) * ps[b] + 0.3)
        getattr(qc, name)(*angles, int(rng.integers(n)))
    return qc


def run_both(gl, batched, values, weight):
    """States and parameter gradients of ``sum(weight * |psi|^2) + sum(Re psi)`` on both executors."""
    out = []
    for lanes in (True, False):
        sc = StructuredCircuit(gl, batched=batched, lanes=lanes)
        assert sc.uses_lanes(len(values)) == lanes
        v = values.clone().requires_grad_()
        psi = sc.run(v)
        ((psi.abs() ** 2 * weight).sum() + psi.real.sum()).backward()
        out.append((psi.detach(), v.grad))
    return out


@pytest.mark.parametrize("n", [1, 2, 4, 6])
def test_states_and_gradients_equal_torch_stages_and_qiskit(n):
    rng = np.random.default_rng(20 + n)
    for _ in range(3):
        qc = lane_circuit(n, 40, rng)
        gl = from_qiskit(qc)
        rows = 7
        values = torch.tensor(rng.uniform(-np.pi, np.pi, (rows, gl.num_parameters)))
        names = list(gl.parameters)
        data = [j for j, p in enumerate(names) if p in ("p[0]", "p[1]")]
        shared = [j for j in range(len(names)) if j not in data]
        values[:, shared] = values[0, shared]
        weight = torch.tensor(rng.normal(size=(rows, 2**n)))
        (psi, grad), (ref, ref_grad) = run_both(gl, data, values, weight)
        np.testing.assert_allclose(psi.numpy(), ref.numpy(), atol=1e-12, rtol=0)
        for r in range(rows):
            bound = qc.assign_parameters(dict(zip(qc.parameters, values[r].tolist(), strict=True)))
            np.testing.assert_allclose(psi[r].numpy(), Statevector(bound).data, atol=1e-12, rtol=0)
        # per-sample columns: a gradient per row; shared columns are read from row 0 (compare the sums)
        scale = max(1.0, float(ref_grad.abs().max()))
        tol = 1e-12 * scale
        np.testing.assert_allclose(grad[:, data].numpy(), ref_grad[:, data].numpy(), atol=tol, rtol=0)
        np.testing.assert_allclose(grad.sum(0).numpy(), ref_grad.sum(0).numpy(), atol=tol, rtol=0)


def test_reuploading_module_outputs_and_gradients_equal_torch_stages():
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    from sim_bench import reuploading_circuit

    gl = reuploading_circuit()
    n = gl.num_qubits
    inputs = [f"x{q}" for q in range(n)]
    x = torch.tensor(np.random.default_rng(5).uniform(-np.pi, np.pi, (600, n)))  # 600 x 64: on the lanes
    results = []
    for lanes in (None, False):
        layer = CircuitModule(gl, inputs=inputs, dtype=torch.complex128, seed=3)
        if lanes is False:
            cols = layer._input_cols.tolist()
            layer._engines["cpu"] = StructuredCircuit(gl, cols, torch.complex128, lanes=False)
        xl = x.clone().requires_grad_()
        out = layer(xl)
        (out * torch.arange(1.0, n + 1, dtype=torch.float64)).sum().backward()
        assert layer._engines["cpu"].uses_lanes(len(x)) == (lanes is None)
        results.append((out.detach(), layer.weights.grad, xl.grad))
    for ours, ref in zip(*results, strict=True):
        np.testing.assert_allclose(ours.numpy(), ref.numpy(), atol=1e-12, rtol=0)
    # features without a gradient (a training step): the per-sample gates' gradients are skipped
    layer = CircuitModule(gl, inputs=inputs, dtype=torch.complex128, seed=3)
    (layer(x) * torch.arange(1.0, n + 1, dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(layer.weights.grad.numpy(), results[1][1].numpy(), atol=1e-12, rtol=0)


def test_batched_grad_false_keeps_weight_gradients():
    rng = np.random.default_rng(4)
    gl = from_qiskit(lane_circuit(4, 40, rng))
    names = list(gl.parameters)
    data = [j for j, p in enumerate(names) if p in ("p[0]", "p[1]")]
    values = torch.tensor(rng.uniform(-np.pi, np.pi, (1, gl.num_parameters))).expand(5, -1).clone()
    values[:, data] = torch.tensor(rng.uniform(-np.pi, np.pi, (5, len(data))))
    sc = StructuredCircuit(gl, batched=data, lanes=True)
    grads = []
    for flag in (True, False):
        v = values.clone().requires_grad_()
        (sc.run(v, batched_grad=flag).real * torch.arange(16.0, dtype=torch.float64)).sum().backward()
        grads.append(v.grad.sum(0))
    np.testing.assert_allclose(grads[0].numpy(), grads[1].numpy(), atol=1e-12, rtol=0)


def test_fallback_without_numba_or_outside_the_scope(monkeypatch):
    rng = np.random.default_rng(8)
    qc = lane_circuit(3, 20, rng)
    gl = from_qiskit(qc)
    values = torch.tensor(rng.uniform(-np.pi, np.pi, (3, gl.num_parameters)))
    assert StructuredCircuit(gl)._lanes is not None
    assert not StructuredCircuit(gl).uses_lanes(3) and StructuredCircuit(gl).uses_lanes(2**12)
    assert StructuredCircuit(gl, dtype=torch.complex64)._lanes is None
    ccx = QuantumCircuit(3)
    ccx.h(0)
    ccx.ccx(0, 1, 2)
    assert StructuredCircuit(from_qiskit(ccx))._lanes is None
    phased = qc.copy()
    phased.global_phase = 0.3
    assert StructuredCircuit(from_qiskit(phased))._lanes is None
    monkeypatch.setattr("qgen.sim.program.numba_available", lambda: False)
    sc = StructuredCircuit(gl)
    assert sc._lanes is None
    psi = sc.run(values)
    for r in range(3):
        bound = qc.assign_parameters(dict(zip(qc.parameters, values[r].tolist(), strict=True)))
        np.testing.assert_allclose(psi[r].numpy(), Statevector(bound).data, atol=1e-12, rtol=0)


def test_probabilities_and_their_gradients_equal_the_torch_stages():
    rng = np.random.default_rng(12)
    gl = from_qiskit(lane_circuit(5, 50, rng))
    values = torch.tensor(rng.uniform(-np.pi, np.pi, (6, gl.num_parameters)))
    weight = torch.tensor(rng.normal(size=(6, 32)))
    out = []
    for lanes in (True, False):
        v = values.clone().requires_grad_()
        probs = StructuredCircuit(gl, lanes=lanes).probabilities(v)
        assert probs.dtype == torch.float64
        (probs * weight).sum().backward()
        out.append((probs.detach().numpy(), v.grad.numpy()))
    np.testing.assert_allclose(out[0][0], out[1][0], atol=1e-12, rtol=0)
    np.testing.assert_allclose(out[0][1], out[1][1], atol=1e-12, rtol=0)


@pytest.mark.parametrize("n", [1, 3, 5])
def test_expectations_in_one_step_equal_torch_stages(n):
    """``expectations`` (parameter rows -> |psi|^2 @ table in one autograd step) equals the torch stages'
    values and gradients, for per-sample and shared columns, with 1 and with 9 rows."""
    rng = np.random.default_rng(40 + n)
    for rows in (1, 9):
        qc = lane_circuit(n, 30, rng)
        gl = from_qiskit(qc)
        names = list(gl.parameters)
        data = [j for j, p in enumerate(names) if p in ("p[0]", "p[1]")]
        shared = [j for j in range(len(names)) if j not in data]
        values = torch.tensor(rng.uniform(-np.pi, np.pi, (rows, gl.num_parameters)))
        values[:, shared] = values[0, shared]
        table = torch.tensor(rng.normal(size=(2**n, 3)))
        weight = torch.tensor(rng.normal(size=(rows, 3)))
        out = []
        for lanes in (True, False):
            sc = StructuredCircuit(gl, batched=data, lanes=lanes)
            v = values.clone().requires_grad_()
            e = sc.expectations(v, table)
            (e * weight).sum().backward()
            out.append((e.detach(), v.grad))
        (e, grad), (ref, ref_grad) = out
        np.testing.assert_allclose(e.numpy(), ref.numpy(), atol=1e-12, rtol=0)
        tol = 1e-12 * max(1.0, float(ref_grad.abs().max()))
        np.testing.assert_allclose(grad[:, data].numpy(), ref_grad[:, data].numpy(), atol=tol, rtol=0)
        np.testing.assert_allclose(grad.sum(0).numpy(), ref_grad.sum(0).numpy(), atol=tol, rtol=0)
        # and against finite differences of the values, one shared and one per-sample column
        sc = StructuredCircuit(gl, batched=data, lanes=True)
        for col in data[:1] + shared[:1]:
            step = torch.zeros_like(values)
            step[:, col] = 1e-6
            diff = sc.expectations(values + step, table) - sc.expectations(values - step, table)
            fd = (diff * weight).sum()
            assert abs(float(fd) / 2e-6 - float(ref_grad[:, col].sum())) < 1e-6


def test_lane_readout_run_and_gradient_equal_autograd():
    """``LaneReadout.run`` / ``gradient`` (numpy, no autograd) give the values and gradients of
    ``expectations_split``, and the work arrays are reused across calls."""
    rng = np.random.default_rng(11)
    gl = from_qiskit(lane_circuit(3, 30, rng))
    names = list(gl.parameters)
    data_cols = [j for j, p in enumerate(names) if p in ("p[0]", "p[1]")]
    weight_cols = [j for j in range(len(names)) if j not in data_cols]
    sc = StructuredCircuit(gl, batched=data_cols, lanes=True)
    table = torch.tensor(rng.normal(size=(8, 2)))
    data = torch.tensor(rng.uniform(-np.pi, np.pi, (6, len(data_cols))), requires_grad=True)
    w = torch.tensor(rng.uniform(-np.pi, np.pi, len(weight_cols)), requires_grad=True)
    g = rng.normal(size=(6, 2))
    e = sc.expectations_split(data, w, data_cols, weight_cols, table)
    (e * torch.from_numpy(g)).sum().backward()
    readout = sc.lane_readout(table, 6)
    cols = (np.array(data_cols), np.array(weight_cols))
    for _ in range(2):  # the second call reuses the pooled work arrays
        out, work = readout.run(data.detach().numpy(), w.detach().numpy(), *cols)
        np.testing.assert_allclose(out, e.detach().numpy(), atol=1e-13, rtol=0)
        d_data, d_w = readout.gradient(work, g)
        np.testing.assert_allclose(d_data, data.grad.numpy(), atol=1e-12, rtol=0)
        np.testing.assert_allclose(d_w, w.grad.numpy(), atol=1e-12, rtol=0)
    assert len(readout._pool) == 1
