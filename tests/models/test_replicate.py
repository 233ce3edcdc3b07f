"""replicate(): a one-circuit compiled batch tiled to B rows equals compiling the B copies."""

import pytest
import torch
from qiskit.circuit import Parameter, QuantumCircuit

from qgen.models.builders import build, compose
from qgen.models.encoding import lower_angles
from qgen.models.replicate import replicate
from qgen.sim.compiled import CompiledBatch
from qgen.sim.gatelist import from_qiskit


def _circuits():
    yield lower_angles(compose(build("zz", 3), build("hardware-efficient", 3, 2)))[0]
    yield build("reservoir", 6, 2)  # fused 2-qubit blocks from 6 qubits up
    theta = Parameter("theta")
    qc = QuantumCircuit(2, global_phase=0.5 * theta + 0.2)
    qc.rx(theta, 0)
    qc.cx(0, 1)
    qc.u(theta, 0.3, -theta, 1)
    yield qc


@pytest.mark.parametrize("circuit", list(_circuits()))
def test_replicated_batch_matches_a_compiled_one(circuit):
    g = from_qiskit(circuit)
    rows = 9
    ref = CompiledBatch([g] * rows, torch.complex128, torch.device("cpu"))
    rep = replicate(CompiledBatch([g], torch.complex128, torch.device("cpu")), rows)
    params = torch.rand(rows, g.num_parameters, dtype=torch.float64, requires_grad=True)
    a, b = ref.run(params), rep.run(params)
    assert torch.allclose(a, b, atol=1e-13, rtol=0)
    ga = torch.autograd.grad(a.abs().pow(2)[:, 1].sum(), params)[0]
    gb = torch.autograd.grad(b.abs().pow(2)[:, 1].sum(), params)[0]
    assert torch.allclose(ga, gb, atol=1e-12, rtol=0)  # summation order may differ in the last bit
