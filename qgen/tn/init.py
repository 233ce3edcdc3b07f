"""Tensor-network initialisation: the DMRG ground state encoded into a parametrised staircase circuit.

The front door for VQE, dataset builders and search tasks:

- :func:`tn_init`: full result (circuit, values, fidelity per layer, DMRG energy) for the staircase ansatz.
- :func:`tn_initial_parameters`: ``(QuantumCircuit, values)`` for ``ansatz_layers`` staircase layers.
- :func:`initial_values` with the :data:`INITS` registry (``tn``, ``random``, ``small``, ``zeros``): starting
  values for *any* parametrised circuit; ``tn`` on a circuit that is not the staircase ansatz fits the circuit
  to the TN-encoded state by maximising the state fidelity on qgen.sim.

Rudolph et al., "Synergy between quantum circuits and tensor networks: short-cutting the race to practical
quantum advantage", Nat. Commun. 14, 8367 (2023).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit
from qiskit.quantum_info import SparsePauliOp

from qgen.tn.encode import Encoding, encode_mps
from qgen.tn.errors import TNError
from qgen.tn.kak import StaircaseAnsatz
from qgen.tn.mps import MPS
from qgen.tn.sources import DEFAULT_BOND_DIMS, as_mps, dmrg_ground_state, resolve_hamiltonian

IDENTITY_NOISE = 1e-2
"""Std (radians) of the Gaussian noise on extra layers "near the identity" (breaks exact symmetries)."""


@dataclass
class TNInit:
    """A staircase circuit whose initial values prepare the TN-encoded state.

    Attributes:
        ansatz: the :class:`StaircaseAnsatz` (``encoded_layers + extra_layers`` layers).
        circuit: Qiskit circuit with ``Parameter``s; its global phase aligns the state with the MPS.
        values: initial values, ``circuit.parameters`` order.
        fidelities: state fidelity ``|<mps|C_k|0>|^2`` after each encoded layer (non-decreasing).
        encoded_layers, extra_layers: how many layers come from the MPS, how many start near the identity.
        mps: the encoded (normalised) MPS.
        energy: ``<H>`` of the MPS (DMRG energy) when it came from a Hamiltonian.
        hamiltonian: the Pauli sum, when one was given.
        settings: resolved options (for run records).
    """

    ansatz: StaircaseAnsatz
    circuit: QuantumCircuit
    values: np.ndarray
    fidelities: list[float]
    encoded_layers: int
    extra_layers: int
    mps: MPS
    energy: float | None = None
    hamiltonian: SparsePauliOp | None = None
    settings: dict = field(default_factory=dict)

    @property
    def fidelity(self) -> float:
        """State fidelity of the encoded circuit with the MPS (after all encoded layers)."""
        return self.fidelities[-1]

    def gatelist(self):
        """The fused qgen.sim form of :attr:`circuit` (same parameters and order, one gate per block)."""
        return self.ansatz.gatelist(global_phase=float(self.circuit.global_phase))

    def parameter_dict(self) -> dict[str, float]:
        """``{name: value}``."""
        return {p.name: float(v) for p, v in zip(self.circuit.parameters, self.values, strict=True)}

    def bound_circuit(self) -> QuantumCircuit:
        """The circuit with its initial values bound."""
        return self.circuit.assign_parameters(dict(zip(self.circuit.parameters, self.values, strict=True)))

    def to_dict(self) -> dict:
        """JSON-ready record: values by name, fidelity per layer (metric named), energy, settings."""
        return {
            "num_qubits": self.ansatz.num_qubits,
            "layers": self.ansatz.num_layers,
            "encoded_layers": self.encoded_layers,
            "extra_layers": self.extra_layers,
            "metric": "state fidelity |<mps|circuit>|^2",
            "fidelities": self.fidelities,
            "mps_energy": self.energy,
            "mps_max_bond": self.mps.max_bond,
            "global_phase": float(self.circuit.global_phase),
            "parameters": self.parameter_dict(),
            "settings": self.settings,
        }


def tn_init(
    source: str | os.PathLike | SparsePauliOp | MPS | np.ndarray,
    layers: int,
    *,
    num_qubits: int | None = None,
    extra_layers: int = 0,
    bond_dims: tuple[int, ...] | int = DEFAULT_BOND_DIMS,
    sweeps: int = 2,
    identity_noise: float = IDENTITY_NOISE,
    seed: int = 0,
    hamiltonian_params: dict[str, float] | None = None,
) -> TNInit:
    """Encode an MPS (by default the DMRG ground state of a Hamiltonian) into a parametrised circuit.

    Args:
        source: a Hamiltonian (registered name such as ``"tfim"`` / ``"heisenberg"``, a Pauli-sum file, a
            ``SparsePauliOp``), or a state (:class:`MPS`, quimb MPS, statevector in Qiskit bit order).
        layers: number of layers encoded from the MPS (Ran 2020); the fidelity after each is reported.
        num_qubits: qubit count for a registered Hamiltonian name.
        extra_layers: layers appended after the encoded ones, initialised near the identity.
        bond_dims: DMRG bond-dimension schedule (Hamiltonian sources only).
        sweeps: optimisation sweeps over all gates after each added layer (0: Ran's analytic layers only).
        identity_noise: std (radians) of the Gaussian values of the extra layers (0: exact identity).
        seed: seed of DMRG's random start and of the identity noise.
        hamiltonian_params: parameters of a registered Hamiltonian (``coupling``, ``field``).

    Returns:
        A :class:`TNInit`; ``qgen.sim.statevector(result.circuit, result.values)`` is the encoded state.

    Raises:
        TNError, HamiltonianError, UnknownNameError: bad source, sizes or settings.

    >>> init = tn_init("tfim", 1, num_qubits=6)
    >>> init.fidelity > 0.99
    True
    """
    if layers < 1:
        raise TNError(f"layers must be >= 1, got {layers}")
    if extra_layers < 0:
        raise TNError(f"extra_layers must be >= 0, got {extra_layers}")
    op = None
    energy = None
    dmrg_settings: dict = {}
    if isinstance(source, (str, os.PathLike, SparsePauliOp)):
        op = resolve_hamiltonian(source, num_qubits, **(hamiltonian_params or {}))
        ground = dmrg_ground_state(op, bond_dims=bond_dims, seed=seed)
        state, energy, dmrg_settings = ground.mps, ground.energy, ground.settings
    else:
        state = as_mps(source)
        if num_qubits is not None and state.num_sites != num_qubits:
            raise TNError(f"the state has {state.num_sites} qubits, not {num_qubits}")
    encoding = encode_mps(state, layers, sweeps=sweeps)
    return _build(state, encoding, extra_layers, identity_noise, seed, op, energy, dmrg_settings)


def _build(
    state: MPS,
    encoding: Encoding,
    extra_layers: int,
    identity_noise: float,
    seed: int,
    op: SparsePauliOp | None,
    energy: float | None,
    dmrg_settings: dict,
) -> TNInit:
    n = state.num_sites
    encoded = len(encoding.layers)
    ansatz = StaircaseAnsatz(n, encoded + extra_layers)
    values, phase = ansatz.values_from_layers(encoding.layers)
    if extra_layers and identity_noise:
        rng = np.random.default_rng(seed)
        start = 15 * (n - 1) * encoded
        values[start:] = rng.normal(0.0, identity_noise, size=values.size - start)
    phase += encoding.phase
    phase = float(np.angle(np.exp(1j * phase)))
    return TNInit(
        ansatz=ansatz,
        circuit=ansatz.circuit(global_phase=phase),
        values=values,
        fidelities=list(encoding.fidelities),
        encoded_layers=encoded,
        extra_layers=extra_layers,
        mps=state,
        energy=energy,
        hamiltonian=op,
        settings={
            "layers": encoded,
            "extra_layers": extra_layers,
            "identity_noise": identity_noise,
            "seed": seed,
            "encoding": encoding.settings,
            "dmrg": dmrg_settings,
        },
    )


def tn_initial_parameters(
    hamiltonian: str | os.PathLike | SparsePauliOp,
    ansatz_layers: int,
    *,
    encoded_layers: int | None = None,
    num_qubits: int | None = None,
    sweeps: int = 2,
    seed: int = 0,
) -> tuple[QuantumCircuit, np.ndarray]:
    """``(circuit, values)``: a staircase ansatz of ``ansatz_layers`` layers, TN-initialised.

    The first ``encoded_layers`` (default: all) encode the DMRG ground state; the rest start near the
    identity. ``values`` follow ``circuit.parameters``. This is ``init="tn"`` for VQE in dataset builders.

    >>> qc, values = tn_initial_parameters("heisenberg", 2, num_qubits=4)
    >>> qc.num_parameters == len(values) == 2 * 3 * 15
    True
    """
    encoded = ansatz_layers if encoded_layers is None else encoded_layers
    if not 1 <= encoded <= ansatz_layers:
        raise TNError(f"encoded_layers must be in 1..{ansatz_layers}, got {encoded}")
    init = tn_init(
        hamiltonian,
        encoded,
        num_qubits=num_qubits,
        extra_layers=ansatz_layers - encoded,
        sweeps=sweeps,
        seed=seed,
    )
    return init.circuit, init.values


def fit_to_state(
    circuit: QuantumCircuit,
    state: np.ndarray | torch.Tensor,
    *,
    steps: int = 300,
    restarts: int = 4,
    lr: float = 0.05,
    init_scale: float = 0.1,
    seed: int = 0,
) -> tuple[np.ndarray, float]:
    """Fit any parametrised circuit to a state: the values that maximise the state fidelity.

    Args:
        circuit: a Qiskit circuit with ``Parameter``s (e.g. a searched ansatz).
        state: the target, ``2**n`` amplitudes in Qiskit bit order (normalised here).
        steps, lr: Adam steps and step size of :func:`qgen.sim.train` on the infidelity.
        restarts: starts; the first from N(0, ``init_scale``^2), the others uniform in
            ``[-init_scale * pi, init_scale * pi)``.
        seed: seed of the starts.

    Returns:
        ``(values, fidelity)``: values in ``circuit.parameters`` order and ``|<state|circuit>|^2``.

    Raises:
        TNError: no parameters, or a state of the wrong size.
    """
    from qgen.sim import train
    from qgen.sim.losses import infidelity

    if circuit.num_parameters == 0:
        raise TNError("the circuit has no parameters to initialise")
    target = torch.as_tensor(np.asarray(state), dtype=torch.complex128)
    if target.numel() != 2**circuit.num_qubits:
        raise TNError(f"a state of {target.numel()} amplitudes does not fit {circuit.num_qubits} qubits")
    start = torch.randn(1, circuit.num_parameters, generator=torch.Generator().manual_seed(seed)) * init_scale
    res = train(
        [circuit],
        infidelity(target / target.norm()),
        init=start.double(),
        init_scale=init_scale,
        restarts=restarts,
        steps=steps,
        lr=lr,
        seed=seed,
    )
    return res.params[0].numpy().astype(float), float(1.0 - res.loss[0])
