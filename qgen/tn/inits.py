"""Starting values for any parametrised circuit, by name: the :data:`INITS` registry.

``initial_values(circuit, hamiltonian, init="tn")`` is what dataset builders and search tasks call for VQE:

- ``tn``: the staircase ansatz of :mod:`qgen.tn.kak` gets the encoded DMRG state directly (Ran layers);
  any other circuit is fitted to the DMRG ground state on qgen.sim (maximum state fidelity, Adam).
- ``random``: uniform in [-pi, pi) (the usual random start; barren plateaus for deep circuits).
- ``small``: Gaussian with std :data:`SMALL_ANGLE_STD` (near the identity: starts from ``|0...0>``).
- ``zeros``: all zero.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np
from qiskit.circuit import QuantumCircuit
from qiskit.quantum_info import SparsePauliOp

from qgen.registry import Registry
from qgen.tn.errors import TNError
from qgen.tn.kak import BLOCK_PARAMS, StaircaseAnsatz

SMALL_ANGLE_STD = 0.01
"""Std (radians) of the small-angle init."""

InitFn = Callable[[QuantumCircuit, SparsePauliOp | None, int], np.ndarray]
"""``init(circuit, hamiltonian, seed) -> values`` in ``circuit.parameters`` order."""

INITS: Registry[InitFn] = Registry("init")


@INITS.register("random")
def random_init(circuit: QuantumCircuit, hamiltonian: SparsePauliOp | None, seed: int) -> np.ndarray:
    """Uniform in [-pi, pi)."""
    return np.random.default_rng(seed).uniform(-np.pi, np.pi, circuit.num_parameters)


@INITS.register("small")
def small_init(circuit: QuantumCircuit, hamiltonian: SparsePauliOp | None, seed: int) -> np.ndarray:
    """Gaussian with std ``SMALL_ANGLE_STD`` (radians)."""
    return np.random.default_rng(seed).normal(0.0, SMALL_ANGLE_STD, circuit.num_parameters)


@INITS.register("zeros")
def zeros_init(circuit: QuantumCircuit, hamiltonian: SparsePauliOp | None, seed: int) -> np.ndarray:
    """All zero."""
    return np.zeros(circuit.num_parameters)


@INITS.register("tn")
def tn_values(circuit: QuantumCircuit, hamiltonian: SparsePauliOp | None, seed: int) -> np.ndarray:
    """TN-encoded DMRG ground state (staircase ansatz) or a fidelity fit to it (any other circuit)."""
    from qgen.tn.init import fit_to_state, tn_init
    from qgen.tn.sources import dmrg_ground_state

    if hamiltonian is None:
        raise TNError("init='tn' needs the Hamiltonian whose ground state the circuit should start from")
    if hamiltonian.num_qubits != circuit.num_qubits:
        raise TNError(
            f"the Hamiltonian has {hamiltonian.num_qubits} qubits, the circuit {circuit.num_qubits}"
        )
    layers = staircase_layers(circuit)
    if layers is not None:
        return tn_init(hamiltonian, layers, seed=seed).values  # a global phase does not change energies
    ground = dmrg_ground_state(hamiltonian, seed=seed)
    values, _ = fit_to_state(circuit, ground.mps.to_statevector(), seed=seed)
    return values


def staircase_layers(circuit: QuantumCircuit) -> int | None:
    """The layer count when ``circuit`` is qgen.tn's staircase ansatz (same parameter names), else None."""
    n, p = circuit.num_qubits, circuit.num_parameters
    if n < 2 or p == 0 or p % (BLOCK_PARAMS * (n - 1)):
        return None
    layers = p // (BLOCK_PARAMS * (n - 1))
    names = [q.name for q in circuit.parameters]
    return layers if names == StaircaseAnsatz(n, layers).parameter_names else None


def initial_values(
    circuit: QuantumCircuit,
    hamiltonian: SparsePauliOp | str | os.PathLike | None = None,
    init: str = "tn",
    *,
    seed: int = 0,
) -> np.ndarray:
    """Starting values for ``circuit`` (``circuit.parameters`` order) by the registered strategy ``init``.

    Args:
        circuit: any parametrised Qiskit circuit.
        hamiltonian: the cost Hamiltonian (a ``SparsePauliOp``, a registered name or a file); ``tn`` needs it.
        init: a name in :data:`INITS`: ``tn``, ``random``, ``small``, ``zeros``.
        seed: seed (same seed, same values).

    Raises:
        UnknownNameError: ``init`` is not registered (lists the valid names).
        TNError: ``tn`` without a Hamiltonian, or qubit counts that differ.

    >>> from qgen.tn.kak import StaircaseAnsatz
    >>> qc = StaircaseAnsatz(4, 1).circuit()
    >>> initial_values(qc, init="zeros").shape
    (45,)
    """
    from qgen.tn.sources import resolve_hamiltonian

    fn = INITS[init]
    op = None if hamiltonian is None else resolve_hamiltonian(hamiltonian, circuit.num_qubits)
    return np.asarray(fn(circuit, op, seed), dtype=float)
