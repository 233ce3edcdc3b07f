"""The front door of qgen.sim: statevectors, probabilities, expectation values, sampled counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit
from qiskit.quantum_info import SparsePauliOp

from qgen.errors import SimulationError
from qgen.sim.compiled import CircuitLike, CompiledBatch, compile_batch
from qgen.sim.gatelist import GateList
from qgen.sim.observables import expectation


def _single(circuits: object) -> bool:
    return isinstance(circuits, (QuantumCircuit, GateList))


def _compiled(circuits, dtype: torch.dtype, device: str | torch.device) -> CompiledBatch:
    if isinstance(circuits, CompiledBatch):
        return circuits
    return compile_batch(circuits, dtype=dtype, device=device)


def _params_matrix(batch: CompiledBatch, params) -> torch.Tensor | None:
    """Accept None, a (B, P) tensor, a (P,) vector for one circuit, or a list of per-circuit vectors."""
    if params is None or isinstance(params, torch.Tensor):
        return params
    if isinstance(params, np.ndarray):
        return torch.as_tensor(params)
    rows = list(params)
    if rows and all(isinstance(r, (int, float)) for r in rows):
        return torch.tensor(rows, dtype=batch.real_dtype)
    if len(rows) != batch.batch_size:
        raise SimulationError(f"got parameters for {len(rows)} circuits, the batch has {batch.batch_size}")
    out = []
    for r, count in zip(rows, batch.param_counts, strict=True):
        r = torch.as_tensor(r, dtype=batch.real_dtype, device=batch.device).reshape(-1)
        if r.numel() != count:
            raise SimulationError(f"a circuit with {count} parameters got {r.numel()} values")
        out.append(torch.nn.functional.pad(r, (0, batch.num_parameters - count)))
    return torch.stack(out)


def statevector(
    circuits: CircuitLike | Sequence[CircuitLike] | CompiledBatch,
    params: torch.Tensor | Sequence | None = None,
    *,
    dtype: torch.dtype = torch.complex128,
    device: str | torch.device = "cpu",
) -> torch.Tensor:
    """Final statevector(s), Qiskit bit order: ``(2**n,)`` for one circuit, ``(B, 2**n)`` for a batch.

    Args:
        circuits: a Qiskit circuit or GateList, a list of them (same qubit count, any structures), or a
            :class:`CompiledBatch` (compile once with :func:`compile_batch`, run many times).
        params: parameter values, ``(B, P)`` (rows padded to the largest P), or one vector per circuit;
            ``circuit.parameters`` order for Qiskit circuits. Gradients flow back to it.
        dtype: ``torch.complex128`` (default) or ``torch.complex64``.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.

    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(2); _ = qc.h(0); _ = qc.cx(0, 1)
    >>> statevector(qc).abs().pow(2).round(decimals=3).tolist()
    [0.5, 0.0, 0.0, 0.5]
    """
    batch = _compiled(circuits, dtype, device)
    psi = batch.run(_params_matrix(batch, params))
    return psi[0] if _single(circuits) else psi


def probabilities(
    circuits: CircuitLike | Sequence[CircuitLike] | CompiledBatch,
    params: torch.Tensor | Sequence | None = None,
    *,
    dtype: torch.dtype = torch.complex128,
    device: str | torch.device = "cpu",
) -> torch.Tensor:
    """Measurement probabilities of the computational basis states (same shapes as :func:`statevector`)."""
    psi = statevector(circuits, params, dtype=dtype, device=device)
    return psi.real**2 + psi.imag**2


def expectation_values(
    circuits: CircuitLike | Sequence[CircuitLike] | CompiledBatch,
    observables: SparsePauliOp | Sequence[SparsePauliOp],
    params: torch.Tensor | Sequence | None = None,
    *,
    per_circuit: bool | None = None,
    dtype: torch.dtype = torch.complex128,
    device: str | torch.device = "cpu",
) -> torch.Tensor:
    """<O> after each circuit; see :func:`qgen.sim.observables.expectation` for the observable forms."""
    psi = statevector(circuits, params, dtype=dtype, device=device)
    single = psi.dim() == 1
    vals = expectation(psi[None] if single else psi, observables, per_circuit=per_circuit)
    return vals[0] if single else vals


@dataclass
class SimulationResult:
    """Outcome of :func:`simulate`: the state, its probabilities and (with shots) sampled counts."""

    num_qubits: int
    statevector: np.ndarray
    probabilities: np.ndarray
    counts: dict[str, int] | None = None
    shots: int | None = None
    seed: int | None = None
    parameters: dict[str, float] = field(default_factory=dict)

    def top(self, k: int = 8) -> list[tuple[str, float]]:
        """The ``k`` most probable bitstrings (Qiskit order: qubit 0 rightmost) with probabilities."""
        order = np.argsort(-self.probabilities, kind="stable")[:k]
        return [
            (format(int(i), f"0{self.num_qubits}b"), float(self.probabilities[i]))
            for i in order
            if self.probabilities[i] > 1e-12
        ]

    def to_dict(self, top: int = 16) -> dict:
        """JSON-ready summary (top probabilities, counts, settings)."""
        return {
            "num_qubits": self.num_qubits,
            "top_probabilities": dict(self.top(top)),
            "counts": self.counts,
            "shots": self.shots,
            "seed": self.seed,
            "parameters": self.parameters,
        }


def simulate(
    circuit: QuantumCircuit | GateList,
    *,
    shots: int | None = None,
    seed: int | None = None,
    parameters: Mapping[str, float] | None = None,
    device: str | torch.device = "cpu",
) -> SimulationResult:
    """Simulate one circuit: statevector, probabilities and, with ``shots``, seeded sampled counts.

    Args:
        circuit: the circuit; final measurements are ignored (all qubits are sampled).
        shots: number of samples; ``None`` for exact probabilities only.
        seed: seed of the sampler (same seed, same counts).
        parameters: values of the circuit's free parameters by name.

    Raises:
        SimulationError: unbound parameters, unknown parameter names, mid-circuit measurement.
    """
    batch = compile_batch(circuit, device=device)
    names = list(batch.gatelists[0].parameters)
    parameters = dict(parameters or {})
    unknown = sorted(set(parameters) - set(names))
    if unknown:
        raise SimulationError(f"unknown parameter(s) {unknown}; the circuit has {names}")
    missing = [n for n in names if n not in parameters]
    if missing:
        raise SimulationError(f"the circuit has unbound parameter(s) {missing}; give their values")
    params = torch.tensor([[float(parameters[n]) for n in names]], dtype=torch.float64) if names else None
    with torch.no_grad():
        psi = batch.run(params)[0].cpu().numpy()
    probs = np.abs(psi) ** 2
    counts = None
    if shots is not None:
        if shots <= 0:
            raise SimulationError(f"shots must be positive, got {shots}")
        rng = np.random.default_rng(seed)
        p = probs / probs.sum()
        drawn = rng.multinomial(shots, p)
        n = batch.num_qubits
        counts = {format(int(i), f"0{n}b"): int(c) for i, c in enumerate(drawn) if c}
    return SimulationResult(batch.num_qubits, psi, probs, counts, shots, seed, parameters)
