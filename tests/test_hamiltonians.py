"""The shared Hamiltonians: one TFIM sign convention, MaxCut against brute force, files, ground energies."""

from __future__ import annotations

import itertools
from functools import reduce

import numpy as np
import pytest

from qgen.hamiltonians import (
    H2_GROUND_ENERGY,
    HamiltonianError,
    exact_ground_energy,
    h2_sto3g,
    hamiltonian,
    load_hamiltonian,
    maxcut,
    maxcut_value,
    tfim,
)

I2 = np.eye(2)
X = np.array([[0.0, 1.0], [1.0, 0.0]])
Z = np.diag([1.0, -1.0])


def _op(single: dict[int, np.ndarray], n: int) -> np.ndarray:
    """Dense operator with ``single[q]`` on qubit q (Qiskit order: qubit 0 is the last Kronecker factor)."""
    return reduce(np.kron, [single.get(q, I2) for q in reversed(range(n))])


def test_tfim_sign_convention_against_a_hand_built_matrix() -> None:
    n, j, h = 3, 1.0, 0.5
    zz = sum(_op({i: Z, i + 1: Z}, n) for i in range(n - 1))
    dense = -j * zz - h * sum(_op({i: X}, n) for i in range(n))
    op = tfim(n, coupling=j, field=h)
    assert np.allclose(op.to_matrix(), dense)
    e0 = float(np.linalg.eigvalsh(dense)[0])
    assert exact_ground_energy(op) == pytest.approx(e0, abs=1e-12)
    assert e0 == pytest.approx(-2.4032119259, abs=1e-9)
    # the other convention (H = J ZZ + h X) is the same function with -J, -h
    assert np.allclose(tfim(n, coupling=-j, field=-h).to_matrix(), -dense)


def test_periodic_chain_adds_the_closing_bond() -> None:
    ring = tfim(4, periodic=True)
    assert "ZIIZ" in ring.paulis.to_labels()
    assert exact_ground_energy(tfim(8, coupling=-1.0, field=-1.0, periodic=True)) == pytest.approx(
        -10.251661790966, abs=1e-8
    )


def test_maxcut_ground_energy_is_minus_the_brute_force_cut() -> None:
    edges = [(0, 1), (1, 2), (2, 3), (3, 0), (0, 2)]
    weights = [1.0, 2.0, 3.0, 1.0, 5.0]
    op = maxcut(edges, 4, weights)
    diag = np.real(np.diag(op.to_matrix()))
    for b in range(16):
        side = [(b >> k) & 1 for k in range(4)]
        cut = sum(w for (u, v), w in zip(edges, weights, strict=True) if side[u] != side[v])
        assert diag[b] == pytest.approx(-cut)
    best = max(
        sum(w for (u, v), w in zip(edges, weights, strict=True) if s[u] != s[v])
        for s in itertools.product((0, 1), repeat=4)
    )
    assert maxcut_value(edges, 4, weights) == best == 10.0
    assert exact_ground_energy(op) == pytest.approx(-best)
    with pytest.raises(HamiltonianError, match="2 edges but 1 weights"):
        maxcut([(0, 1), (1, 2)], 3, [1.0])


def test_h2_and_files(tmp_path) -> None:
    assert exact_ground_energy(h2_sto3g()) == pytest.approx(H2_GROUND_ENERGY, abs=1e-8)
    (tmp_path / "h.txt").write_text("-1.0 ZZ\nXI -0.5\n")
    op = load_hamiltonian(tmp_path / "h.txt", 2)
    assert op.paulis.to_labels() == ["ZZ", "XI"]
    with pytest.raises(HamiltonianError, match="acts on 2 qubits, not 3"):
        load_hamiltonian(tmp_path / "h.txt", 3)
    (tmp_path / "bad.txt").write_text("1.0 ZZ\n1.0 ZQ\n")
    with pytest.raises(HamiltonianError, match=r"bad.txt:2: label 'ZQ' has letters \['Q'\]"):
        load_hamiltonian(tmp_path / "bad.txt")
    with pytest.raises(HamiltonianError, match="at least 2 qubits"):
        hamiltonian("heisenberg", 1)
