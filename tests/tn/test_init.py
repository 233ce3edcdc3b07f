"""qgen.tn front door: tn_init, tn_initial_parameters, initial_values, files, a short VQE from TN."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from qiskit import QuantumCircuit
from qiskit.circuit import Parameter

from qgen.errors import UnknownNameError
from qgen.sim import expectation_values, statevector, train
from qgen.sim.losses import energy
from qgen.tn import (
    TNError,
    exact_ground_energy,
    hamiltonian,
    initial_values,
    random_mps,
    tn_init,
    tn_initial_parameters,
)
from qgen.tn.io import load_tn_init, save_tn_init


@pytest.fixture(scope="module")
def tfim8():
    return tn_init("tfim", 2, num_qubits=8, extra_layers=1, identity_noise=0.0)


def test_tn_init_prepares_the_dmrg_state(tfim8) -> None:
    op = hamiltonian("tfim", 8)
    exact = exact_ground_energy(op)
    assert tfim8.energy == pytest.approx(exact, abs=1e-7)
    assert tfim8.fidelities[0] >= 0.99 and tfim8.fidelities[1] >= tfim8.fidelities[0]
    values = torch.tensor(tfim8.values)
    psi = statevector(tfim8.circuit, values).numpy()
    assert abs(np.vdot(tfim8.mps.to_statevector(), psi)) ** 2 == pytest.approx(tfim8.fidelity, abs=1e-8)
    # the global phase aligns the circuit with the MPS: the overlap is real and positive
    assert np.vdot(tfim8.mps.to_statevector(), psi).real > 0.99
    e_circuit = float(expectation_values(tfim8.gatelist(), op, values))
    assert exact <= e_circuit < exact + 0.05
    assert tfim8.ansatz.num_layers == 3 and tfim8.circuit.num_parameters == 3 * 7 * 15
    # the extra layer (identity, no noise) leaves the state unchanged
    assert np.allclose(tfim8.values[2 * 7 * 15 :], 0.0)


def test_tn_init_from_a_given_state_and_seeds() -> None:
    mps = random_mps(6, 2, seed=4)
    init = tn_init(mps, 1, extra_layers=1, seed=3)
    assert init.fidelity == pytest.approx(1.0, abs=1e-10) and init.energy is None
    noise = init.values[5 * 15 :]
    assert 0 < np.abs(noise).max() < 0.1
    again = tn_init(mps.to_statevector(), 1, extra_layers=1, seed=3)  # same state, another gauge
    assert np.allclose(again.values[5 * 15 :], noise)
    a = statevector(again.gatelist(), torch.tensor(again.values))
    b = statevector(init.gatelist(), torch.tensor(init.values))
    assert (a - b).abs().max() < 1e-10
    with pytest.raises(TNError, match="needs a qubit count"):
        tn_init("tfim", 1)
    with pytest.raises(TNError, match="layers must be >= 1"):
        tn_init(mps, 0)
    with pytest.raises(TNError, match="6 qubits, not 5"):
        tn_init(mps, 1, num_qubits=5)
    with pytest.raises(TNError, match="apply to registered Hamiltonians"):
        tn_init(hamiltonian("tfim", 4), 1, hamiltonian_params={"field": 2.0})


def test_tn_initial_parameters_for_dataset_builders() -> None:
    op = hamiltonian("heisenberg", 6)
    circuit, values = tn_initial_parameters(op, 3, encoded_layers=2)
    assert circuit.num_parameters == len(values) == 3 * 5 * 15
    e = float(expectation_values(circuit, op, torch.tensor(values)))
    assert e < exact_ground_energy(op) + 0.5  # |0...0> has energy +5, a random state about 0
    with pytest.raises(TNError, match="encoded_layers must be in 1..3"):
        tn_initial_parameters(op, 3, encoded_layers=4)


def test_initial_values_registry() -> None:
    op = hamiltonian("tfim", 4)
    staircase, _ = tn_initial_parameters(op, 1)
    tn = initial_values(staircase, op, "tn")
    assert tn.shape == (45,)
    assert np.allclose(initial_values(staircase, op, "tn"), tn)  # same seed, same values
    rnd = initial_values(staircase, None, "random", seed=1)
    assert np.abs(rnd).max() <= np.pi and not np.allclose(
        rnd, initial_values(staircase, None, "random", seed=2)
    )
    assert np.abs(initial_values(staircase, None, "small")).max() < 0.1
    with pytest.raises(UnknownNameError, match="unknown init 'tnn'. Did you mean 'tn'"):
        initial_values(staircase, op, "tnn")
    with pytest.raises(TNError, match="needs the Hamiltonian"):
        initial_values(staircase, None, "tn")


@pytest.mark.slow
def test_tn_values_for_any_ansatz_by_fidelity_fit() -> None:
    """A searched / hardware-efficient ansatz gets values fitted to the DMRG ground state."""
    op = hamiltonian("tfim", 4)
    qc = QuantumCircuit(4)
    for layer in range(3):
        for q in range(4):
            qc.ry(Parameter(f"a{layer}{q}"), q)
        for q in range(3):
            qc.cx(q, q + 1)
    values = initial_values(qc, op, "tn")
    e_tn = float(expectation_values(qc, op, torch.tensor(values)))
    e_zero = float(expectation_values(qc, op, torch.zeros(qc.num_parameters)))
    assert e_tn < e_zero and e_tn < exact_ground_energy(op) + 0.3


@pytest.mark.slow
def test_files_round_trip_and_are_atomic(tmp_path, tfim8) -> None:
    qasm, record = save_tn_init(tfim8, tmp_path / "init.qasm")
    assert record == tmp_path / "init.json"
    data = json.loads(record.read_text())
    assert data["metric"] == "state fidelity |<mps|circuit>|^2"
    assert data["settings"]["seed"] == 0 and "quimb" in data["versions"]
    circuit, values = load_tn_init(qasm)
    psi = statevector(circuit, torch.tensor(values))
    ref = statevector(tfim8.circuit, torch.tensor(tfim8.values))
    assert (psi - ref).abs().max() < 1e-10
    with pytest.raises(TNError, match="same path"):
        save_tn_init(tfim8, tmp_path / "x.qasm", tmp_path / "x.qasm")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["init.json", "init.qasm"]
    (tmp_path / "init.json").write_text('{"parameters": {}}')
    with pytest.raises(TNError, match="lacks values for 315"):
        load_tn_init(qasm)


def test_vqe_from_the_tn_start_beats_random_starts() -> None:
    op = hamiltonian("heisenberg", 6)
    exact = exact_ground_energy(op)
    init = tn_init(op, 2, sweeps=1)
    gl = init.gatelist()
    rows = [torch.tensor(init.values)] + [
        torch.tensor(initial_values(init.circuit, None, "random", seed=s)) for s in range(4)
    ]
    res = train([gl] * 5, energy(op), init=rows, lr=0.02, steps=30, seed=0)
    best = torch.cummin(res.history, dim=0).values - exact
    assert bool((best[:, 0] < best[:, 1:].min(dim=1).values).all())
    assert float(best[-1, 0]) < 0.1
