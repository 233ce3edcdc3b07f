"""QuantumLayer: a model circuit as a torch module, simulated by qgen.sim for a whole batch of samples.

The circuit is lowered once (non-linear angles become derived parameters, see :mod:`qgen.models.encoding`)
and compiled once for qgen.sim's one-structure / many-inputs executor (:class:`qgen.sim.structured.
StructuredCircuit`): the data inputs and derived angles are per-sample columns, the weights are shared by the
batch. ``forward(x)`` returns expectation values of the readout observables; :meth:`states` returns the
statevectors (for kernels).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit
from qiskit.quantum_info import SparsePauliOp

from qgen.models.compiled import compiled, observables_key
from qgen.models.encoding import evaluate_derived
from qgen.models.errors import ModelError
from qgen.sim.device import resolve_device
from qgen.sim.readout import DiagonalReadout
from qgen.sim.structured import StructuredCircuit

DTYPES = {"float64": torch.complex128, "float32": torch.complex64}


def z_observables(num_qubits: int, count: int | None = None) -> list[SparsePauliOp]:
    """``count`` distinct readout observables: Z on each qubit, then ZZ on neighbours, then X, then Y."""
    n = num_qubits
    count = n if count is None else count
    labels: list[tuple[str, list[int]]] = [("Z", [q]) for q in range(n)]
    labels += [("ZZ", [q, q + 1]) for q in range(n - 1)]
    labels += [("X", [q]) for q in range(n)] + [("Y", [q]) for q in range(n)]
    if count > len(labels):
        raise ModelError(f"{count} readout observables asked for, {n} qubit(s) offer {len(labels)}")
    return [SparsePauliOp.from_sparse_list([(p, qs, 1.0)], n) for p, qs in labels[:count]]


class QuantumLayer(torch.nn.Module):
    """A circuit with data inputs ``x0..x{d-1}`` and trainable weights, as a batched torch layer.

    Args:
        circuit: the model circuit (Qiskit); inputs and weights are told apart by name.
        observables: readout Pauli sums (default Z on every qubit).
        weights: initial weights by name or in weight order (default: uniform in [-pi, pi) from ``seed``).
        seed: seed of the default initialisation.
        dtype: ``"float64"`` (complex128 amplitudes) or ``"float32"``.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        trainable: whether the weights get gradients.
    """

    def __init__(
        self,
        circuit: QuantumCircuit,
        observables: Sequence[SparsePauliOp] | None = None,
        weights: dict[str, float] | Sequence[float] | np.ndarray | None = None,
        seed: int | None = 0,
        dtype: str = "float64",
        device: str | torch.device = "cpu",
        trainable: bool = True,
    ) -> None:
        super().__init__()
        if dtype not in DTYPES:
            raise ModelError(f"dtype must be one of {sorted(DTYPES)}, got {dtype!r}")
        self.circuit = circuit
        self.compiled = compiled(circuit)  # lowered and compiled once per circuit structure (see its module)
        self.input_names = list(self.compiled.input_names)
        self.weight_names = list(self.compiled.weight_names)
        self.derived = list(self.compiled.derived)
        self.gatelist = self.compiled.gatelist
        self._cols = self.compiled.cols
        self.num_qubits = circuit.num_qubits
        self.observables = list(observables) if observables is not None else z_observables(self.num_qubits)
        self._readout_key = observables_key(self.observables)
        self.complex_dtype = DTYPES[dtype]
        real = torch.float64 if dtype == "float64" else torch.float32
        self.weights = torch.nn.Parameter(self._initial(weights, seed).to(real), requires_grad=trainable)
        # the per-sample columns lead the parameter matrix: inputs, then derived angles
        self._num_batched = self.compiled.num_batched
        self._derived_reads_weights = self.compiled.derived_reads_weights
        self.to(resolve_device(device))

    def _initial(self, weights, seed) -> torch.Tensor:
        count = len(self.weight_names)
        if weights is None:
            gen = torch.Generator().manual_seed(0 if seed is None else int(seed))
            return (torch.rand(count, generator=gen, dtype=torch.float64) * 2 - 1) * math.pi
        if isinstance(weights, dict):
            missing = [n for n in self.weight_names if n not in weights]
            if missing:
                raise ModelError(f"no initial values for weight(s) {missing[:5]}")
            return torch.tensor([float(weights[n]) for n in self.weight_names], dtype=torch.float64)
        init = torch.as_tensor(np.asarray(weights, dtype=np.float64)).reshape(-1)
        if init.numel() != count:
            raise ModelError(f"got {init.numel()} initial weights for {count} weight parameters")
        return init

    @property
    def num_inputs(self) -> int:
        """Number of data features the circuit reads."""
        return len(self.input_names)

    def engine(self, device: torch.device) -> StructuredCircuit:
        """The circuit compiled for ``device`` (once per circuit structure; any batch size)."""
        return self.compiled.engine(self.complex_dtype, device)

    def parameter_matrix(self, x: torch.Tensor) -> torch.Tensor:
        """The simulator's parameter matrix ``(N, P)``: features, derived angles, weights."""
        data, shared = self._columns(x)
        if shared is None:
            return data
        return torch.cat([data, shared.expand(x.shape[0], -1)], dim=1)

    def _columns(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The per-sample columns ``(N, inputs + derived)`` and the weights the circuit reads (None: none)."""
        w = self.weights
        if x.dtype != w.dtype or x.device != w.device:
            x = x.to(device=w.device, dtype=w.dtype)
        if x.dim() != 2 or x.shape[1] != self.num_inputs:
            raise ModelError(f"expected features of shape (N, {self.num_inputs}), got {tuple(x.shape)}")
        data = self._data_columns(x)
        cols = self._cols["weights"]
        if not cols:
            return data, None
        return data, w if len(cols) == len(self.weight_names) else w[cols]  # all, in order: no gather

    def _data_columns(self, x: torch.Tensor) -> torch.Tensor:
        """Features and derived angles ``(N, inputs + derived)``; when they depend on the features only (and
        need no gradient) they are kept for the next call with the same features (every training step: the
        same tensor, unchanged since, is recognised without comparing values)."""
        constant = not x.requires_grad and not self._derived_reads_weights
        hit = self.__dict__.get("_data_cache")
        if constant and hit is not None:
            if hit[0] is x and hit[1] == x._version:
                return hit[3]
            if hit[2].shape == x.shape and torch.equal(hit[2], x):
                return hit[3]
        parts = [x[:, self._cols["inputs"]]]
        if self.derived:
            derived = evaluate_derived(self.derived, self.input_names, x, self.weight_names, self.weights)
            parts.append(derived[:, self._cols["derived"]])
        data = torch.cat(parts, dim=1) if len(parts) > 1 else parts[0]
        if constant:
            self.__dict__["_data_cache"] = (x, x._version, x.detach().clone(), data.detach())
        return data

    def states(self, x: torch.Tensor) -> torch.Tensor:
        """Statevectors ``(N, 2**n)`` for features ``x`` ``(N, d)``."""
        params = self.parameter_matrix(x)
        return self.engine(params.device).run(params, batched_grad=self._batched_grad(x))

    def _batched_grad(self, x: torch.Tensor) -> bool:
        """Per-sample columns need a gradient when the features do, or when a derived angle reads a weight."""
        return x.requires_grad or (self._derived_reads_weights and self.weights.requires_grad)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Expectation values ``(N, K)`` of the readout observables."""
        device = self.weights.device
        obs = self.compiled.readout(self.observables, self.complex_dtype, device, self._readout_key)
        if isinstance(obs, DiagonalReadout):  # |psi|^2 @ table: on the lanes, one autograd step
            data, shared = self._columns(x)
            shared = self.weights.new_zeros(0) if shared is None else shared
            c = self.compiled
            out = self.engine(device).expectations_split(
                data, shared, c.data_cols, c.sim_weight_cols, obs.table, batched_grad=self._batched_grad(x)
            )
        else:
            out = obs.expectation(self.states(x), per_circuit=False)
        return out.to(self.weights.dtype)

    def bound_circuit(self) -> QuantumCircuit:
        """The circuit with the current weights bound and the data inputs free."""
        values = dict(zip(self.weight_names, self.weights.detach().cpu().tolist(), strict=True))
        return self.circuit.assign_parameters({p: values[p.name] for p in self.circuit.parameters
                                               if p.name in values})

    def extra_repr(self) -> str:
        return (
            f"qubits={self.num_qubits}, inputs={self.num_inputs}, derived={len(self.derived)}, "
            f"weights={len(self.weight_names)}, outputs={len(self.observables)}"
        )
