"""QuantumLayer: expectation values against Qiskit, exact gradients against finite differences."""

import numpy as np
import pytest
import torch
from qiskit.quantum_info import SparsePauliOp, Statevector

from qgen.models.builders import build, compose
from qgen.models.encoding import input_index, lower_angles, split_parameters
from qgen.models.errors import ModelError
from qgen.models.layer import QuantumLayer, z_observables


def _qiskit_z(circuit, x, n):
    sv = Statevector(circuit.assign_parameters({p: x[input_index(p.name)] for p in circuit.parameters}))
    return [sv.expectation_value(SparsePauliOp.from_sparse_list([("Z", [q], 1)], n)).real for q in range(n)]


@pytest.mark.parametrize("fm, ans", [("zz", "real-amplitudes"), ("angle", "hardware-efficient")])
def test_expectations_match_qiskit(fm, ans):
    qc = compose(build(fm, 3), build(ans, 3, 1))
    layer = QuantumLayer(qc, seed=3)
    x = torch.rand(5, 3, dtype=torch.float64) * np.pi
    out = layer(x).detach().numpy()
    bound = layer.bound_circuit()
    for i in range(5):
        assert np.allclose(out[i], _qiskit_z(bound, x[i].tolist(), 3), atol=1e-10)


@pytest.mark.parametrize("name", ["re-uploading", "zz+hardware-efficient", "qcnn"])
def test_gradients_match_finite_differences(name):
    if name == "zz+hardware-efficient":
        qc = compose(build("zz", 2), build("hardware-efficient", 2, 1))
    else:
        qc = build(name, 2)
    layer = QuantumLayer(qc, seed=1)
    x = torch.rand(4, 2, dtype=torch.float64) * np.pi
    target = torch.tensor([0.3, -0.2], dtype=torch.float64)

    def loss():
        return ((layer(x) - target) ** 2).sum()

    layer.weights.grad = None
    loss().backward()
    exact = layer.weights.grad.clone()
    eps = 1e-6
    fd = torch.zeros_like(exact)
    with torch.no_grad():
        for i in range(len(exact)):
            layer.weights[i] += eps
            up = float(loss())
            layer.weights[i] -= 2 * eps
            down = float(loss())
            layer.weights[i] += eps
            fd[i] = (up - down) / (2 * eps)
    assert torch.allclose(exact, fd, atol=1e-6), (exact - fd).abs().max()
    assert exact.abs().max() > 1e-3


def test_nonlinear_angles_become_derived_parameters():
    lowered, derived = lower_angles(build("zz", 3, 1))
    assert len(derived) == 3  # one product per pair
    assert all(d.name.startswith("_qgen_a") for d in derived)
    inputs, weights = split_parameters(lowered)
    assert inputs == ["x0", "x1", "x2"]


def test_split_parameters_rejects_gaps():
    from qiskit.circuit import Parameter, QuantumCircuit

    qc = QuantumCircuit(1)
    qc.ry(Parameter("x0"), 0)
    qc.ry(Parameter("x2"), 0)
    with pytest.raises(ModelError, match="without gaps"):
        split_parameters(qc)


def test_readout_observables_are_distinct_and_bounded():
    obs = z_observables(2, 5)
    assert [o.paulis[0].to_label() for o in obs] == ["IZ", "ZI", "ZZ", "IX", "XI"]
    with pytest.raises(ModelError, match="offer 7"):
        z_observables(2, 8)


@pytest.mark.parametrize("name", ["re-uploading", "zz+real-amplitudes", "qcnn", "reservoir"])
def test_structured_engine_equals_batch_engine(name):
    """The layer's one-structure executor agrees with qgen.sim's batch engine on states and gradients."""
    from qgen.sim.compiled import CompiledBatch

    n = 4
    if name == "zz+real-amplitudes":
        qc = compose(build("zz", n), build("real-amplitudes", n, 2))
    else:
        qc = build(name, n)
    layer = QuantumLayer(qc, seed=2)
    x = torch.rand(6, n, dtype=torch.float64) * np.pi
    params = layer.parameter_matrix(x)
    ours = layer.engine(params.device).run(params)
    ref = CompiledBatch([layer.gatelist] * 6, torch.complex128, params.device).run(params)
    torch.testing.assert_close(ours, ref, atol=1e-12, rtol=0)
    if not layer.weight_names:
        return
    grads = []
    for run in (layer.engine(params.device).run, CompiledBatch([layer.gatelist] * 6, torch.complex128,
                                                                params.device).run):  # fmt: skip
        layer.weights.grad = None
        psi = run(layer.parameter_matrix(x))
        (psi.real[:, :5] * psi.imag[:, 3:8]).sum().backward()
        grads.append(layer.weights.grad.clone())
    torch.testing.assert_close(grads[0], grads[1], atol=1e-12, rtol=0)
    assert grads[0].abs().max() > 1e-3
