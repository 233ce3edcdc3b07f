"""Compiled model circuits, kept for refits of the same circuit.

Building a :class:`qgen.models.layer.QuantumLayer` compiles its circuit: the non-linear angles are lowered to
derived parameters (sympy), the gate list is made, and on first use the simulator
(:class:`qgen.sim.structured.StructuredCircuit`) and the readout tables are built. Refits of the same
circuit (``GridSearchCV``, ``cross_val_score``, a model fitted again) reuse all of it: :func:`compiled` keeps
the last ``CACHE_SIZE`` circuits, keyed by their structure (gates, qubits, parameter expressions, global
phase). What is kept is fixed by the circuit alone: no weights, no optimiser state, no per-model setting;
every model holds its own weights and passes them in. Simulators and readouts are kept per thread, since
they reuse work buffers between calls.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import torch
from qiskit.circuit import ParameterExpression, QuantumCircuit
from qiskit.quantum_info import SparsePauliOp

from qgen.models.encoding import lower_angles, split_parameters
from qgen.sim.gatelist import from_qiskit
from qgen.sim.observables import PauliObservables
from qgen.sim.readout import DiagonalReadout
from qgen.sim.structured import StructuredCircuit

CACHE_SIZE = 16
_CACHE: OrderedDict[tuple, CompiledCircuit] = OrderedDict()
_LOCK = threading.Lock()


def structure_key(circuit: QuantumCircuit) -> tuple | None:
    """A key equal for circuits with the same gates on the same qubits with the same parameter expressions
    (and global phase); None when the circuit holds an operation that is neither a standard gate nor a
    barrier (a custom gate is not told apart from another of the same name without comparing definitions:
    not cached)."""
    index = {q: i for i, q in enumerate(circuit.qubits)}
    ops = []
    for inst in circuit.data:  # name and params without building the gate objects (Qiskit keeps them native)
        if not (inst.is_standard_gate() or (inst.name == "barrier" and inst.is_directive())) or inst.clbits:
            return None
        params = tuple(str(p) if isinstance(p, ParameterExpression) else repr(p) for p in inst.params)
        ops.append((inst.name, tuple(index[q] for q in inst.qubits), params))
    return circuit.num_qubits, str(circuit.global_phase), tuple(ops)


def observables_key(observables: Sequence[SparsePauliOp]) -> tuple:
    """A key of readout observables (labels and coefficients, in order)."""
    return tuple((o.num_qubits, tuple((lb, repr(complex(c))) for lb, c in o.to_list())) for o in observables)


class CompiledCircuit:
    """What a model circuit compiles to, shared by every layer of the same structure (nothing per model).

    Attributes:
        input_names / weight_names: data inputs in feature order, weights in circuit order.
        derived: the derived angles (:func:`qgen.models.encoding.lower_angles`).
        gatelist: the lowered circuit, parameters ordered inputs, derived angles, weights.
        cols: which inputs / derived angles / weights the gate list reads (indices into each list).
        num_batched: per-sample columns leading the parameter matrix (inputs, then derived angles).
        data_cols / sim_weight_cols: the simulator's parameters of the per-sample columns and of the weights.
        derived_reads_weights: whether a derived angle reads a weight.
    """

    def __init__(self, circuit: QuantumCircuit) -> None:
        self.input_names, self.weight_names = split_parameters(circuit)
        lowered, derived = lower_angles(circuit)
        self.derived = tuple(derived)
        by_name = {p.name: p for p in lowered.parameters}
        order = self.input_names + [d.name for d in self.derived] + self.weight_names
        self.gatelist = from_qiskit(lowered, parameters=[by_name[n] for n in order if n in by_name])
        present = set(self.gatelist.parameters)
        self.cols = {
            "inputs": [i for i, n in enumerate(self.input_names) if n in present],
            "derived": [i for i, d in enumerate(self.derived) if d.name in present],
            "weights": [i for i, n in enumerate(self.weight_names) if n in present],
        }
        self.num_batched = nb = len(self.cols["inputs"]) + len(self.cols["derived"])
        # the simulator's parameters: the per-sample columns, then the weights the circuit reads
        self.data_cols = np.arange(nb, dtype=np.int64)
        self.sim_weight_cols = np.arange(nb, nb + len(self.cols["weights"]), dtype=np.int64)
        self.data_cols.flags.writeable = self.sim_weight_cols.flags.writeable = False
        inputs = set(self.input_names)
        self.derived_reads_weights = any(
            {str(sym) for sym in d.expr.free_symbols} - inputs for d in self.derived
        )
        self._engines: dict[tuple, StructuredCircuit] = {}
        self._readouts: dict[tuple, PauliObservables | DiagonalReadout] = {}

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_engines": {}, "_readouts": {}}  # rebuilt on use, for this process

    def engine(self, dtype: torch.dtype, device: torch.device) -> StructuredCircuit:
        """The simulator for ``dtype`` on ``device`` (built once per thread; any batch size)."""
        key = (threading.get_ident(), str(device), dtype)
        engine = self._engines.get(key)
        if engine is None:
            engine = StructuredCircuit(self.gatelist, range(self.num_batched), dtype, device)
            self._engines[key] = engine
        return engine

    def readout(
        self, observables: Sequence[SparsePauliOp], dtype: torch.dtype, device: torch.device, key: tuple
    ) -> PauliObservables | DiagonalReadout:
        """The readout of ``observables`` (a diagonal table when they are all Z strings), once per thread;
        ``key`` is :func:`observables_key` of them."""
        key = (threading.get_ident(), str(device), dtype, key)
        obs = self._readouts.get(key)
        if obs is None:
            n = self.gatelist.num_qubits
            if DiagonalReadout.accepts(observables, n):
                real = torch.float64 if dtype == torch.complex128 else torch.float32
                obs = DiagonalReadout(observables, n, real, device)
            else:
                obs = PauliObservables(observables, n, dtype, device)
            self._readouts[key] = obs
        return obs


def compiled(circuit: QuantumCircuit) -> CompiledCircuit:
    """The compiled form of ``circuit``: from the cache when a circuit of the same structure was compiled
    before (the last ``CACHE_SIZE`` are kept), else compiled now."""
    key = structure_key(circuit)
    if key is None:
        return CompiledCircuit(circuit)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
            return hit
    out = CompiledCircuit(circuit)
    with _LOCK:
        _CACHE[key] = out
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out


def clear_cache() -> None:
    """Forget every compiled circuit."""
    with _LOCK:
        _CACHE.clear()
