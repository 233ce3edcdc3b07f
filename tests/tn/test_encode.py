"""qgen.tn encoding (Ran 2020 + sweeps): exact for bond dimension 2, fidelity never decreasing with layers."""

from __future__ import annotations

import numpy as np
import pytest

from qgen.tn import MPS, TNError, dmrg_ground_state, encode_mps, hamiltonian, random_mps, staircase_from_mps
from qgen.tn.layers import identity_layer, layers_statevector, undo_layers
from qgen.tn.optimize import optimise_layers


@pytest.mark.parametrize("n", [6, 9, 12])
@pytest.mark.parametrize("complex_valued", [True, False])
def test_bond_dimension_two_is_exact_with_one_layer(n: int, complex_valued: bool) -> None:
    mps = random_mps(n, 2, seed=n, complex_valued=complex_valued)
    layer = staircase_from_mps(mps)
    assert all(np.allclose(g.conj().T @ g, np.eye(4), atol=1e-12) for g in layer)
    # the staircase prepares the MPS itself, phase included
    assert np.abs(layers_statevector([layer], n) - mps.to_statevector()).max() < 1e-10
    enc = encode_mps(mps, 1, sweeps=0)
    assert enc.fidelities[0] >= 0.999
    assert enc.fidelities[0] == pytest.approx(1.0, abs=1e-10)


@pytest.mark.slow
def test_product_states_and_padded_bonds() -> None:
    for psi in (MPS.zeros(5), MPS.from_statevector(np.kron([0, 1], np.kron([1, 1j], np.ones(8))) / 4)):
        layer = staircase_from_mps(psi.copy().normalize())
        assert np.abs(layers_statevector([layer], psi.num_sites) - psi.to_statevector()).max() < 1e-12


def test_staircase_rejects_large_bonds() -> None:
    with pytest.raises(TNError, match="bond dimension 4 > 2"):
        staircase_from_mps(random_mps(6, 4, seed=0))
    with pytest.raises(TNError, match="num_layers must be >= 1"):
        encode_mps(random_mps(4, 2), 0)


def _true_fidelity(mps: MPS, layers) -> float:
    psi = mps.to_statevector()
    return float(abs(np.vdot(psi / np.linalg.norm(psi), layers_statevector(layers, mps.num_sites))) ** 2)


@pytest.mark.parametrize(
    ("n", "sweeps", "source"),
    [(6, 0, "random"), (8, 0, "random"), (10, 2, "random"), (8, 0, "heisenberg"), (12, 1, "heisenberg")],
)
@pytest.mark.slow
def test_fidelity_never_decreases_and_is_the_real_one(n: int, sweeps: int, source: str) -> None:
    if source == "random":
        mps = random_mps(n, 8, seed=n)
    else:
        mps = dmrg_ground_state(hamiltonian(source, n), bond_dims=(8, 16)).mps
    enc = encode_mps(mps, 4, sweeps=sweeps)
    fids = enc.fidelities
    assert len(fids) == 4
    assert all(b >= a - 1e-12 for a, b in zip([enc.initial_fidelity, *fids], fids, strict=False))
    assert fids[-1] > fids[0]
    # the reported number is the fidelity of the circuit with the MPS (dense check)
    assert _true_fidelity(mps, enc.layers) == pytest.approx(fids[-1], abs=1e-8)


def test_sweeps_help_and_keep_the_best() -> None:
    mps = random_mps(8, 8, seed=3)
    plain = encode_mps(mps, 3, sweeps=0)
    swept = encode_mps(mps, 3, sweeps=2)
    assert swept.fidelities[-1] > plain.fidelities[-1] + 0.01


def test_each_sweep_update_raises_the_overlap() -> None:
    mps = random_mps(7, 8, seed=2)
    start = [identity_layer(7), staircase_from_mps(mps.truncate(2))]
    before = abs(undo_layers(mps, start).zero_amplitude()) ** 2
    fids = [before]
    layers = start
    for _ in range(3):
        layers, fid = optimise_layers(mps, layers, sweeps=1)
        fids.append(fid)
    assert all(b >= a - 1e-12 for a, b in zip(fids, fids[1:], strict=False))
    assert fids[-1] == pytest.approx(abs(undo_layers(mps, layers).zero_amplitude()) ** 2, abs=1e-10)
    assert fids[-1] > before


def test_a_layer_that_would_lower_the_fidelity_starts_as_the_identity(monkeypatch) -> None:
    from qiskit.quantum_info import random_unitary

    import qgen.tn.encode as encode_module

    real = encode_module.staircase_from_mps
    calls = []

    def worse_after_the_first(state: MPS):
        calls.append(1)
        if len(calls) == 1:
            return real(state)
        return [random_unitary(4, seed=len(calls) * 10 + k).data for k in range(state.num_sites - 1)]

    monkeypatch.setattr(encode_module, "staircase_from_mps", worse_after_the_first)
    mps = random_mps(6, 8, seed=1)
    enc = encode_mps(mps, 3, sweeps=0)
    assert enc.fidelities[1] == enc.fidelities[0] == enc.fidelities[2]
    assert all(np.allclose(g, np.eye(4)) for g in enc.layers[0])
    assert _true_fidelity(mps, enc.layers) == pytest.approx(enc.fidelities[-1], abs=1e-10)
