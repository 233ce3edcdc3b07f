"""Ansatze (QAOA, Sim et al., Qiskit library), ADAPT-VQE pool gradients and the batched optimiser."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
import torch
from qiskit.quantum_info import SparsePauliOp, Statevector

from qgen.datasets.adapt import adapt_circuit, adapt_vqe, operator_pool, pool_gradients
from qgen.datasets.ansatze import ANSATZE, VQE_ANSATZE, build_ansatz, qaoa
from qgen.datasets.optimize import TrainSettings, diagonals, make_stop, optimise_group, random_mean_energies
from qgen.datasets.problems import make_instance, solve_exact
from qgen.sim import statevector


def test_registry_has_qaoa_and_six_vqe_ansatze() -> None:
    assert "qaoa" in ANSATZE and len(VQE_ANSATZE) >= 6
    for name in ("sim2", "sim9", "sim11", "sim12", "sim13", "sim14", "real_amplitudes", "efficient_su2"):
        assert ANSATZE[name].method == "vqe"


@pytest.mark.parametrize("name", sorted(ANSATZE))
def test_stored_and_trainable_forms_agree_with_qiskit(name: str) -> None:
    inst = make_instance("hypergraph_maxcut", 5, seed=1)  # has 4-body terms for QAOA's CNOT ladders
    for layers in (1, 3):
        ac = build_ansatz(name, inst.hamiltonian, layers)
        names = [p.name for p in ac.circuit.parameters]
        assert names == sorted(names) and names == [f"t{i:03d}" for i in range(len(names))]
        assert list(ac.trainable.parameters) == names
        p = torch.linspace(-2.0, 2.5, ac.num_parameters, dtype=torch.float64)
        ref = Statevector(ac.circuit.assign_parameters(p.numpy())).data
        assert np.allclose(statevector(ac.circuit, p).numpy(), ref, atol=1e-12)
        trained = p if ac.scale is None else p / torch.tensor(ac.scale, dtype=torch.float64)
        assert np.allclose(ac.stored_parameters(trained.numpy()), p.numpy())
        assert np.allclose(statevector(ac.trainable, trained).numpy(), ref, atol=1e-12)


def test_qaoa_is_the_textbook_unitary_in_cnot_rz_rx_h() -> None:
    inst = make_instance("max_3sat", 4, seed=2)
    ham = inst.hamiltonian
    ac = qaoa(ham, 2)
    assert set(ac.circuit.count_ops()) <= {"cx", "rz", "rx", "h"}
    gamma = [0.3, -0.8]
    beta = [0.5, 0.2]
    values = [gamma[0], beta[0], gamma[1], beta[1]]
    n = ham.num_qubits
    h_mat = ham.to_matrix()
    mixer = SparsePauliOp.from_sparse_list([("X", [q], 1.0) for q in range(n)], n).to_matrix()
    psi = np.full(2**n, 2 ** (-n / 2), dtype=complex)
    for g, b in zip(gamma, beta, strict=True):
        psi = scipy.linalg.expm(-1j * b * mixer) @ (scipy.linalg.expm(-1j * g * h_mat) @ psi)
    got = statevector(ac.circuit, torch.tensor(values, dtype=torch.float64)).numpy()
    assert abs(np.vdot(psi, got)) ** 2 == pytest.approx(1.0, abs=1e-10)  # equal up to the global phase


def test_pool_gradients_match_finite_differences() -> None:
    inst = make_instance("weighted_maxcut", 4, seed=2)
    diag = torch.as_tensor(diagonals([inst.hamiltonian]))
    pool = operator_pool(4)
    assert len(pool) == 3 * 4 + 3 * 4 * 3
    base = [pool[5], pool[20]]
    p = torch.tensor([0.3, -0.7], dtype=torch.float64)
    grads = pool_gradients(statevector(adapt_circuit(4, base).trainable, p)[None], diag)[0]
    eps = 1e-6
    for j, op in enumerate(pool):
        gl = adapt_circuit(4, [*base, op]).trainable
        e = []
        for s in (eps, -eps):
            psi = statevector(gl, torch.cat([p, torch.tensor([s], dtype=torch.float64)]))
            e.append(float((psi.abs() ** 2 * diag[0]).sum()))
        assert (e[0] - e[1]) / (2 * eps) == pytest.approx(float(grads[j]), abs=1e-6), op
    z_type = [j for j, op in enumerate(pool) if op.gate in ("rz", "crz")]
    assert torch.allclose(grads[z_type], torch.zeros(len(z_type), dtype=torch.float64), atol=1e-12)


@pytest.mark.slow
def test_adapt_vqe_lowers_the_energy_and_stops_on_the_gradient() -> None:
    insts = [make_instance("maxcut", 4, seed=s) for s in range(3)]
    hams = [i.hamiltonian for i in insts]
    sols = [solve_exact(h) for h in hams]
    diag = diagonals(hams)
    res = adapt_vqe(hams, diag, sols, TrainSettings(precision="complex128"), seed=0)
    reached = 0
    for k, sol in enumerate(sols):
        probs = (statevector(res.circuits[k].trainable, torch.as_tensor(res.params[k])).abs() ** 2).numpy()
        assert probs @ diag[k] < diag[k].mean() - 0.1  # below the |+>^n start
        assert res.circuits[k].circuit.count_ops().get("h") == 4
        assert set(res.circuits[k].circuit.count_ops()) <= {"h", "rx", "ry", "rz", "crx", "cry", "crz"}
        assert res.converged[k] == (res.grad_norm[k] < 3e-3)
        reached += int(probs.argmax()) in set(sol.ground_indices.tolist())
    assert reached >= 2  # ADAPT can stop at a symmetric saddle point (vanishing gradients)


@pytest.mark.slow
def test_optimiser_beats_random_and_stop_rule_holds() -> None:
    insts = [make_instance(p, 4, seed=3) for p in ("maxcut", "vertex_cover", "number_partition")]
    hams = [i.hamiltonian for i in insts]
    sols = [solve_exact(h) for h in hams]
    circuits = [
        build_ansatz("qaoa", hams[0], 2),
        build_ansatz("sim13", hams[1], 2),
        build_ansatz("sim2", hams[2], 1),
    ]
    diag = diagonals(hams)
    rmean, rstd = random_mean_energies([c.trainable for c in circuits], diag, 8, seed=0)
    assert np.all(rstd > 0)
    res = optimise_group(circuits, hams, sols, rmean, TrainSettings(steps=150), seed=0)
    for k, c in enumerate(circuits):
        probs = statevector(c.circuit, torch.as_tensor(res.params[k])).abs().numpy() ** 2
        energy = float(probs @ diag[k])
        assert energy < rmean[k]
        if res.converged[k]:  # the returned parameters are those that met the rule
            assert int(probs.argmax()) in set(sols[k].ground_indices.tolist())
    again = optimise_group(circuits, hams, sols, rmean, TrainSettings(steps=150), seed=0)
    assert all(np.array_equal(a, b) for a, b in zip(res.params, again.params, strict=True))


def test_stop_rule_needs_a_clear_ground_state_winner() -> None:
    mask = torch.tensor([[True, False, False, False]])
    stop = make_stop(mask, torch.tensor([0.0]))
    rows = torch.tensor([0])
    clear = torch.tensor([[0.8, 0.1, 0.1, 0.0]], dtype=torch.complex128).sqrt()
    tie = torch.tensor([[0.4, 0.4, 0.2, 0.0]], dtype=torch.complex128).sqrt()
    assert stop(clear, torch.tensor([-1.0]), rows).tolist() == [True]
    assert stop(tie, torch.tensor([-1.0]), rows).tolist() == [False]
    assert stop(clear, torch.tensor([1.0]), rows).tolist() == [False]  # not below the random mean


def test_flat_circuits_get_another_layer() -> None:
    from qgen.datasets.optimization import _unflatten
    from qgen.datasets.optimization_plan import OptimizationConfig

    hams = [make_instance("weighted_maxcut", 5, seed=1).hamiltonian]
    circuits = [build_ansatz("sim9", hams[0], 1)]  # one layer of circuit 9: energy independent of the angles
    diag = diagonals(hams)
    rmean, rstd = random_mean_energies([circuits[0].trainable], diag, 6, seed=0)
    assert rstd[0] < 1e-9
    fixed, rmean, rstd = _unflatten(circuits, hams, diag, rmean, rstd, OptimizationConfig(), seed=0)
    assert fixed[0].layers >= 2 and rstd[0] > 1e-6
