"""Run compiled circuits on local emulators; counts always come back in Qiskit's bitstring order.

A bitstring has one character per classical bit of the circuit, classical bit 0 rightmost (Qiskit's
order, registers concatenated without spaces). Backends:

* ``qgen-exact``: exact probabilities from qgen.sim, counts sampled from them with a seeded numpy RNG;
* ``quantinuum-h1-emulator`` / ``quantinuum-h2-emulator``: pytket-quantinuum's local emulators
  ``H1-1LE`` / ``H2-1LE`` (PECOS, ``pytket-quantinuum[pecos]``), no credentials;
* ``ibm-torino-aer`` / ``ibm-sherbrooke-aer``: Qiskit Aer with the noise model of the fake backend.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field

import numpy as np
from qiskit.circuit import QuantumCircuit

from qgen.errors import QgenError
from qgen.optional import require
from qgen.registry import Registry


class BackendError(QgenError):
    """A circuit cannot run on the chosen backend (free parameters, too many qubits, missing package)."""


@dataclass
class RunResult:
    """Counts of one run.

    Attributes:
        counts: bitstring -> shots (classical bit 0 rightmost).
        shots: shots taken.
        backend: backend name.
        seed: the seed used.
        seconds: wall time of the run (conversion and simulation).
        probabilities: exact outcome probabilities (``qgen-exact`` only).
        info: backend details (device name, noise model, qubits simulated).
    """

    counts: dict[str, int]
    shots: int
    backend: str
    seed: int | None
    seconds: float
    probabilities: dict[str, float] | None = None
    info: dict = field(default_factory=dict)

    def most_common(self, k: int = 8) -> list[tuple[str, int]]:
        """The ``k`` most frequent bitstrings."""
        return sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0]))[:k]

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


RunFn = Callable[[QuantumCircuit, int, "int | None"], RunResult]
BACKENDS: Registry[RunFn] = Registry("backend")
"""Backends by name: ``(circuit with measurements, shots, seed) -> RunResult``."""


def measured_pairs(circuit: QuantumCircuit) -> list[tuple[int, int]]:
    """(qubit, clbit) of every measurement."""
    return [
        (circuit.find_bit(inst.qubits[0]).index, circuit.find_bit(inst.clbits[0]).index)
        for inst in circuit.data
        if inst.operation.name == "measure"
    ]


def _bits_to_string(values, width: int) -> str:
    return "".join(str(int(values[i])) for i in reversed(range(width)))


@BACKENDS.register("qgen-exact")
def run_exact(circuit: QuantumCircuit, shots: int, seed: int | None) -> RunResult:
    """Exact probabilities with qgen.sim (only the qubits the circuit touches), seeded sampling."""
    import torch

    from qgen.sim import probabilities

    start = time.perf_counter()
    pairs = measured_pairs(circuit)
    active = sorted({circuit.find_bit(q).index for inst in circuit.data for q in inst.qubits})
    if len(active) > 26:
        raise BackendError(f"qgen-exact simulates up to 26 qubits; the circuit touches {len(active)}")
    local = {p: i for i, p in enumerate(active)}
    small = QuantumCircuit(len(active), global_phase=circuit.global_phase)
    for inst in circuit.data:
        if inst.operation.name in ("measure", "barrier"):
            continue
        small.append(inst.operation, [local[circuit.find_bit(q).index] for q in inst.qubits])
    probs = probabilities(small, dtype=torch.complex128).detach().cpu().numpy()
    idx = np.arange(probs.size)
    outcome = np.zeros(probs.size, dtype=np.int64)
    for q, c in pairs:
        outcome |= ((idx >> local[q]) & 1) << c
    width = circuit.num_clbits
    marginal = np.bincount(outcome, weights=probs, minlength=2**width)
    marginal = np.clip(marginal, 0, None)
    marginal /= marginal.sum()
    rng = np.random.default_rng(seed)
    sampled = rng.multinomial(shots, marginal)
    fmt = f"0{width}b"
    counts = {format(i, fmt): int(k) for i, k in enumerate(sampled) if k}
    exact = {format(i, fmt): float(p) for i, p in enumerate(marginal) if p > 1e-12}
    info = {"qubits_simulated": len(active)}
    return RunResult(counts, shots, "qgen-exact", seed, time.perf_counter() - start, exact, info)


def _quantinuum_runner(name: str, device: str) -> RunFn:
    def run_quantinuum(circuit: QuantumCircuit, shots: int, seed: int | None) -> RunResult:
        """pytket-quantinuum's local emulator (PECOS); circuits are rebased (level 0) first."""
        require("pytket", extra="compile", purpose="pytket compilation")
        from pytket.extensions.qiskit import qiskit_to_tk

        from qgen.compiler.devices import quantinuum_backend
        from qgen.compiler.rewire import rewire

        start = time.perf_counter()
        try:
            import pytket_pecos  # noqa: F401
        except ImportError:
            raise BackendError(
                f"{name} needs the local emulator: pip install 'pytket-quantinuum[pecos]'"
            ) from None
        backend = quantinuum_backend(device + "LE")
        active = max([circuit.find_bit(q).index + 1 for inst in circuit.data for q in inst.qubits] + [1])
        limit = backend.backend_info.n_nodes
        if active > limit:
            raise BackendError(f"{device}LE has {limit} qubits; the circuit uses {active}")
        trimmed = rewire(circuit, range(active), active)  # keeps the classical registers (conditions)
        tk = qiskit_to_tk(trimmed)
        compiled = backend.get_compiled_circuit(tk, optimisation_level=0)
        kwargs = {"n_shots": shots}
        if seed is not None:
            kwargs["seed"] = int(seed)
        handle = backend.process_circuit(compiled, **kwargs)
        result = backend.get_result(handle)
        bits = _tket_bits(trimmed, tk)  # the circuit's clbits in Qiskit order (no tket scratch bits)
        raw = result.get_counts(cbits=bits)
        counts: dict[str, int] = {}
        for values, k in raw.items():
            key = _bits_to_string(values, len(bits))
            counts[key] = counts.get(key, 0) + int(k)
        info = {"device": device + "LE", "qubits": active}
        return RunResult(counts, shots, name, seed, time.perf_counter() - start, None, info)

    return run_quantinuum


def _tket_bits(circuit: QuantumCircuit, tk) -> list:
    """The tket ``Bit`` of each Qiskit clbit, in Qiskit order; conditions add scratch bits, left out."""
    from pytket.circuit import Bit

    regs = [circuit.find_bit(c).registers for c in circuit.clbits]
    if all(regs):
        return [Bit(r[0][0].name, r[0][1]) for r in regs]
    return list(tk.bits)[: circuit.num_clbits]


@functools.lru_cache(maxsize=4)
def aer_simulator(fake_class: str):
    """An ``AerSimulator`` with the fake backend's noise model (built once: seconds for 133 qubits)."""
    AerSimulator = require("qiskit_aer", extra="compile", purpose="the Aer emulators").AerSimulator  # noqa: N806

    from qgen.compiler.devices import fake_backend

    return AerSimulator.from_backend(fake_backend(fake_class))


def _aer_runner(name: str, fake_class: str) -> RunFn:
    def run_aer(circuit: QuantumCircuit, shots: int, seed: int | None) -> RunResult:
        """Qiskit Aer with the fake backend's noise model; circuits not native to it are transpiled first."""
        from qiskit import transpile

        from qgen.compiler.devices import fake_backend

        start = time.perf_counter()
        fake = fake_backend(fake_class)
        sim = aer_simulator(fake_class)
        if circuit.num_qubits != fake.num_qubits or not set(circuit.count_ops()) <= set(fake.operation_names):
            circuit = transpile(circuit, backend=fake, optimization_level=1, seed_transpiler=seed)
        job = sim.run(circuit, shots=shots, seed_simulator=seed)
        raw = job.result().get_counts()
        counts: dict[str, int] = {}
        for key, k in raw.items():
            key = key.replace(" ", "")
            counts[key] = counts.get(key, 0) + int(k)
        info = {"device": fake.name, "noise_model": f"NoiseModel.from_backend({fake_class})"}
        return RunResult(counts, shots, name, seed, time.perf_counter() - start, None, info)

    return run_aer


BACKENDS.register("quantinuum-h1-emulator", _quantinuum_runner("quantinuum-h1-emulator", "H1-1"))
BACKENDS.register("quantinuum-h2-emulator", _quantinuum_runner("quantinuum-h2-emulator", "H2-1"))
BACKENDS.register("ibm-torino-aer", _aer_runner("ibm-torino-aer", "FakeTorino"))
BACKENDS.register("ibm-sherbrooke-aer", _aer_runner("ibm-sherbrooke-aer", "FakeSherbrooke"))


def run(
    compiled,
    shots: int = 1024,
    backend: str | None = None,
    seed: int | None = None,
    params: Mapping[str, float] | None = None,
    layout: list[int] | tuple[int, ...] | None = None,
) -> RunResult:
    """Run a compiled circuit on a local emulator and return counts in Qiskit bitstring order.

    Args:
        compiled: a :class:`qgen.compiler.CompileResult` (its target picks the default backend and its final
            layout tells which physical qubits to measure when the circuit has no measurements), a Qiskit
            circuit, or OpenQASM text / a path.
        shots: number of shots (> 0).
        backend: a name in ``BACKENDS``; default: the compile target's emulator, else ``qgen-exact``.
        seed: seed of the sampler / emulator.
        params: values of free parameters by name.
        layout: for a circuit without measurements, the physical qubit holding virtual qubit ``v`` (measured
            into clbit ``v``); default: the final layout a compiled program (``qgen compile -o``,
            ``CompileResult.qasm()``) states in its first line, else every qubit in order.

    Returns:
        A :class:`RunResult`.

    Raises:
        UnknownNameError: unknown backend.
        BackendError: free parameters left, bad shots, too many qubits.

    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(2, 2); _ = qc.x(0); _ = qc.measure([0, 1], [0, 1])
    >>> run(qc, shots=10, seed=1).counts
    {'01': 10}
    """
    from qgen.circuits import load
    from qgen.compiler.api import CompileResult
    from qgen.compiler.gates import standardize_gates

    if int(shots) <= 0:
        raise BackendError(f"shots must be positive, got {shots}")
    if isinstance(compiled, CompileResult):
        circuit = compiled.circuit
        backend = backend or compiled.target.backend or "qgen-exact"
        final = compiled.final_layout
    else:
        if isinstance(compiled, QuantumCircuit):
            circuit = compiled
        else:
            from qgen.backends.layout import read_layout
            from qgen.circuits import read_source

            text, _ = read_source(compiled)
            layout = layout if layout is not None else read_layout(text)
            circuit = load(compiled)
        circuit = standardize_gates(circuit)
        backend = backend or "qgen-exact"
        final = tuple(layout) if layout is not None else tuple(range(circuit.num_qubits))
    runner = BACKENDS[backend]
    if params:
        unknown = sorted(set(params) - {p.name for p in circuit.parameters})
        if unknown:
            raise BackendError(f"the circuit has no parameters named {unknown}")
        circuit = circuit.assign_parameters(
            {p: float(params[p.name]) for p in circuit.parameters if p.name in params}
        )
    if circuit.parameters:
        names = sorted(p.name for p in circuit.parameters)
        raise BackendError(
            f"free parameters {names} need values (params={{name: value}} / --param NAME=VALUE)"
        )
    if not any(inst.operation.name == "measure" for inst in circuit.data):
        measured = circuit.copy()  # keeps physical qubits ($51) and registers alike
        measured.add_register(_creg(len(final)))
        for v, p in enumerate(final):
            measured.measure(p, v)
        circuit = measured
    return runner(circuit, int(shots), seed)


def _creg(size: int):
    from qiskit.circuit import ClassicalRegister

    return ClassicalRegister(size, "meas")
