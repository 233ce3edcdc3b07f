"""CircuitModule: a parametrised circuit as a ``torch.nn.Module`` layer of a hybrid model."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from qiskit.circuit import Parameter, QuantumCircuit
from qiskit.quantum_info import SparsePauliOp

from qgen.errors import QgenError
from qgen.sim.compiled import as_gatelist
from qgen.sim.device import resolve_device
from qgen.sim.gatelist import GateList
from qgen.sim.observables import PauliObservables
from qgen.sim.readout import DiagonalReadout
from qgen.sim.structured import StructuredCircuit


def _z_observables(n: int) -> list[SparsePauliOp]:
    return [SparsePauliOp.from_sparse_list([("Z", [q], 1.0)], n) for q in range(n)]


class CircuitModule(torch.nn.Module):
    """A parametrised circuit as a layer: input features bind some parameters, the rest are trainable weights.

    ``forward(x)`` takes features ``(N, len(inputs))`` (or ``(len(inputs),)``) and returns expectation values
    ``(N, K)`` of ``observables`` (default: Z on every qubit), simulated for the whole batch at once.

    Args:
        circuit: a Qiskit circuit with Parameters, or a GateList with named parameters.
        inputs: names (or Parameters) bound to the input features, in feature order.
        observables: the measured Pauli sums (default ``Z_q`` for every qubit q).
        weights: initial weight values in the order of :attr:`weight_names` (default: uniform in [-pi, pi)).
        seed: seed of the default weight initialisation.
        dtype: ``torch.complex64`` (default, fast) or ``torch.complex128``.
        device: where the module lives initially (``"auto"`` picks CUDA); ``.to(device)`` moves it later.

    >>> from qiskit.circuit import QuantumCircuit, Parameter
    >>> x, w = Parameter("x"), Parameter("w")
    >>> qc = QuantumCircuit(1); _ = qc.ry(x, 0); _ = qc.ry(w, 0)
    >>> layer = CircuitModule(qc, inputs=["x"], weights=[0.0])
    >>> layer(torch.tensor([[0.0], [math.pi]])).round(decimals=4).tolist()
    [[1.0], [-1.0]]
    """

    def __init__(
        self,
        circuit: QuantumCircuit | GateList,
        inputs: Sequence[str | Parameter] = (),
        observables: Sequence[SparsePauliOp] | None = None,
        weights: Sequence[float] | torch.Tensor | None = None,
        seed: int | None = 0,
        dtype: torch.dtype = torch.complex64,
        device: str | torch.device = "cpu",
    ) -> None:
        super().__init__()
        self.gatelist = as_gatelist(circuit)
        names = list(self.gatelist.parameters)
        input_names = [p.name if isinstance(p, Parameter) else str(p) for p in inputs]
        missing = [n for n in input_names if n not in names]
        if missing:
            raise QgenError(f"input parameter(s) {missing} are not in the circuit; it has {names}")
        self.input_names = input_names
        self.weight_names = [n for n in names if n not in input_names]
        self._input_cols = torch.tensor([names.index(n) for n in input_names], dtype=torch.long)
        self._weight_cols = torch.tensor([names.index(n) for n in self.weight_names], dtype=torch.long)
        self.num_qubits = self.gatelist.num_qubits
        self.observables = list(observables) if observables is not None else _z_observables(self.num_qubits)
        self.dtype = dtype
        real = torch.float64 if dtype == torch.complex128 else torch.float32
        if weights is None:
            gen = torch.Generator().manual_seed(0 if seed is None else int(seed))
            init = (torch.rand(len(self.weight_names), generator=gen, dtype=torch.float64) * 2 - 1) * math.pi
        else:
            init = torch.as_tensor(weights, dtype=torch.float64).reshape(-1)
            if init.numel() != len(self.weight_names):
                raise QgenError(f"got {init.numel()} weights for {len(self.weight_names)} weight parameters")
        self.weights = torch.nn.Parameter(init.to(real))
        self._engines: dict[str, StructuredCircuit] = {}
        self._obs: dict[str, PauliObservables | DiagonalReadout] = {}
        self.to(resolve_device(device))

    def _compiled(self, device: torch.device) -> StructuredCircuit:
        """One structure, many inputs: the circuit compiled once per device (inputs are per-sample)."""
        key = str(device)
        if key not in self._engines:
            inputs = self._input_cols.tolist()
            self._engines[key] = StructuredCircuit(self.gatelist, inputs, self.dtype, device)
        return self._engines[key]

    def forward(self, x: torch.Tensor | None = None) -> torch.Tensor:
        """Expectation values ``(N, K)`` for features ``x`` ``(N, num_inputs)``."""
        device = self.weights.device
        if x is None:
            if self.input_names:
                raise QgenError(f"this layer needs input features for {self.input_names}")
            x = torch.zeros(1, 0, device=device)
        squeeze = x.dim() == 1
        x = x[None, :] if squeeze else x
        if x.shape[-1] != len(self.input_names):
            raise QgenError(f"expected {len(self.input_names)} input features, got {x.shape[-1]}")
        size = x.shape[0]
        engine = self._compiled(device)
        obs = self._readout(device)
        if isinstance(obs, DiagonalReadout) and engine.uses_lanes(size, readout=True):
            out = engine.expectations_split(
                x, self.weights, self._input_cols, self._weight_cols, obs.table, batched_grad=x.requires_grad
            )
            return out[0] if squeeze else out
        params = torch.zeros(size, self.gatelist.num_parameters, dtype=self.weights.dtype, device=device)
        if len(self.input_names):
            params = params.index_copy(1, self._input_cols.to(device), x.to(params.dtype))
        if len(self.weight_names):
            params = params.index_copy(
                1, self._weight_cols.to(device), self.weights[None, :].expand(size, -1)
            )
        psi = engine.run(params, batched_grad=x.requires_grad)
        out = obs(psi) if isinstance(obs, DiagonalReadout) else obs.expectation(psi, per_circuit=False)
        out = out.to(self.weights.dtype)
        return out[0] if squeeze else out

    def _readout(self, device: torch.device) -> PauliObservables | DiagonalReadout:
        """The observables' evaluator on ``device`` (a probability table when they are all diagonal)."""
        key = str(device)
        if key not in self._obs:
            if DiagonalReadout.accepts(self.observables, self.num_qubits):
                real = self.weights.dtype
                self._obs[key] = DiagonalReadout(self.observables, self.num_qubits, real, device)
            else:
                self._obs[key] = PauliObservables(self.observables, self.num_qubits, self.dtype, device)
        return self._obs[key]

    def extra_repr(self) -> str:
        return (
            f"qubits={self.num_qubits}, inputs={len(self.input_names)}, weights={len(self.weight_names)}, "
            f"outputs={len(self.observables)}"
        )
