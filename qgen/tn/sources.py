"""Where the MPS comes from: the DMRG ground state of a Pauli sum (quimb DMRG2), a statevector (sequential
SVD), or a given MPS (qgen's :class:`~qgen.tn.mps.MPS` or a quimb ``MatrixProductState``)."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field

import numpy as np
from qiskit.quantum_info import SparsePauliOp

from qgen.hamiltonians import hamiltonian, load_hamiltonian
from qgen.tn.errors import TNError, require_quimb
from qgen.tn.mpo import pauli_sum_to_mpo
from qgen.tn.mps import MPS

DEFAULT_BOND_DIMS = (8, 16, 32, 64)
"""DMRG bond-dimension schedule: grown sweep by sweep (a common schedule for chains of tens of sites)."""


@dataclass
class GroundState:
    """A DMRG ground state: the MPS, its energy, and whether DMRG met its tolerance."""

    mps: MPS
    energy: float
    converged: bool
    settings: dict = field(default_factory=dict)


def dmrg_ground_state(
    op: SparsePauliOp,
    *,
    bond_dims: tuple[int, ...] | int = DEFAULT_BOND_DIMS,
    cutoff: float = 1e-10,
    tol: float = 1e-9,
    max_sweeps: int = 30,
    seed: int = 0,
) -> GroundState:
    """Ground state of a Pauli sum by two-site DMRG (quimb ``DMRG2``) on its MPO.

    Args:
        op: the Hamiltonian (qubit ``k`` = MPS site ``k``).
        bond_dims: the bond-dimension schedule (one value per sweep, the last one repeated), or one value.
        cutoff: singular-value cutoff of the two-site updates.
        tol: energy convergence tolerance between sweeps.
        max_sweeps: sweep limit.
        seed: seed of the random initial MPS (same seed, same state).

    Returns:
        A :class:`GroundState`; a warning is issued when DMRG does not converge within ``max_sweeps``.

    >>> from qgen.hamiltonians import tfim
    >>> round(dmrg_ground_state(tfim(6)).energy, 6)
    -7.29623
    """
    qtn = require_quimb()

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Couldn't find `optuna`")
        mpo = pauli_sum_to_mpo(op)
        dims = [bond_dims] if isinstance(bond_dims, int) else list(bond_dims)
        if not dims or min(dims) < 1:
            raise TNError(f"bond dimensions must be positive, got {bond_dims}")
        dtype = "complex128" if np.iscomplexobj(mpo[0].data) else "float64"
        p0 = qtn.MPS_rand_state(
            op.num_qubits, min(dims[0], 2 ** (op.num_qubits // 2)), seed=seed, dtype=dtype
        )
        dmrg = qtn.DMRG2(mpo, bond_dims=dims, cutoffs=cutoff, p0=p0)
        converged = bool(dmrg.solve(tol=tol, max_sweeps=max_sweeps, verbosity=0))
    if not converged:
        warnings.warn(f"DMRG did not converge to tol={tol} in {max_sweeps} sweeps", stacklevel=2)
    return GroundState(
        mps=MPS.from_quimb(dmrg.state).normalize(),
        energy=float(np.real(dmrg.energy)),
        converged=converged,
        settings={"bond_dims": dims, "cutoff": cutoff, "tol": tol, "max_sweeps": max_sweeps, "seed": seed},
    )


def resolve_hamiltonian(
    source: str | os.PathLike | SparsePauliOp, num_qubits: int | None = None, **params: float
) -> SparsePauliOp:
    """A Pauli sum from a registered name (``tfim``, ``heisenberg``; needs ``num_qubits``), a file, or itself.

    Raises:
        HamiltonianError / UnknownNameError: bad file, unknown name; TNError: size mismatch.
    """
    if params and (isinstance(source, (SparsePauliOp, os.PathLike)) or os.path.isfile(str(source))):
        raise TNError(f"parameters {sorted(params)} apply to registered Hamiltonians, not to a Pauli sum")
    if isinstance(source, SparsePauliOp):
        op = source
    elif isinstance(source, os.PathLike) or (isinstance(source, str) and os.path.isfile(source)):
        op = load_hamiltonian(source)
    else:
        if num_qubits is None:
            raise TNError(f"hamiltonian {source!r} needs a qubit count (num_qubits)")
        return hamiltonian(str(source), num_qubits, **params)
    if num_qubits is not None and op.num_qubits != num_qubits:
        raise TNError(f"the Hamiltonian acts on {op.num_qubits} qubits, not {num_qubits}")
    return op


def as_mps(source, *, max_bond: int | None = None) -> MPS:
    """An MPS from an :class:`MPS`, a quimb ``MatrixProductState`` or a statevector (Qiskit bit order)."""
    if isinstance(source, MPS):
        return source.copy().normalize()
    if hasattr(source, "site_ind") and hasattr(source, "L"):
        return MPS.from_quimb(source).normalize()
    if isinstance(source, (np.ndarray, list, tuple)) or hasattr(source, "numpy"):
        vec = source.detach().cpu().numpy() if hasattr(source, "detach") else np.asarray(source)
        return MPS.from_statevector(vec, max_bond=max_bond)
    raise TNError(f"cannot make an MPS from {type(source).__name__}")
