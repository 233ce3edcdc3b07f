"""Circuit builders by name: feature maps, ansätze and whole model circuits (``qgen models`` lists them).

Every builder returns a Qiskit circuit whose data inputs are ``Parameter("x0") ..`` and whose weights are
``Parameter("w0") ..`` (plain names survive a QASM 3 round trip unchanged).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from qiskit.circuit import Parameter, QuantumCircuit

from qgen.models.errors import ModelError
from qgen.registry import Registry


@dataclass(frozen=True)
class CircuitBuilder:
    """A named circuit family: ``kind`` is ``feature_map`` (inputs only), ``ansatz`` (weights only) or
    ``model`` (both); ``build(num_qubits, reps, seed)`` returns the circuit."""

    name: str
    kind: str
    build: Callable[..., QuantumCircuit]
    description: str


CIRCUITS: Registry[CircuitBuilder] = Registry("model circuit")


def _register(name: str, kind: str, description: str):
    def add(fn):
        CIRCUITS.register(name, CircuitBuilder(name, kind, fn, description))
        return fn

    return add


def rename_vectors(circuit: QuantumCircuit) -> QuantumCircuit:
    """Rename ParameterVector elements ``x[i]`` -> ``x{i}`` (and ``θ[i]`` -> ``θ{i}``)."""
    mapping = {}
    for p in circuit.parameters:
        if p.name.endswith("]") and "[" in p.name:
            base, idx = p.name[:-1].split("[", 1)
            mapping[p] = Parameter(f"{base}{idx}")
    return circuit.assign_parameters(mapping) if mapping else circuit


def _xs(n: int) -> list[Parameter]:
    return [Parameter(f"x{i}") for i in range(n)]


class _Weights:
    """Hands out ``w0, w1, ...`` in order."""

    def __init__(self, prefix: str = "w") -> None:
        self.prefix, self.count = prefix, 0

    def __call__(self) -> Parameter:
        self.count += 1
        return Parameter(f"{self.prefix}{self.count - 1}")


@_register("angle", "feature_map", "RY(x_i) on qubit i (angle encoding)")
def angle_map(num_qubits: int, reps: int = 1, seed: int = 0) -> QuantumCircuit:
    """Angle encoding: ``RY(x_i)`` on qubit ``i``."""
    qc = QuantumCircuit(num_qubits)
    for q, x in enumerate(_xs(num_qubits)):
        qc.ry(x, q)
    return qc


@_register("zz", "feature_map", "Qiskit's ZZ feature map (Havlicek et al. 2019, arXiv:1804.11326), 2 reps")
def zz_map(num_qubits: int, reps: int = 2, seed: int = 0) -> QuantumCircuit:
    """Qiskit's ``zz_feature_map`` (full entanglement) with inputs renamed ``x0..``; one qubit: its
    single-qubit part (Qiskit's ``z_feature_map``)."""
    from qiskit.circuit.library import z_feature_map, zz_feature_map

    if num_qubits == 1:
        return rename_vectors(z_feature_map(1, reps=reps))
    return rename_vectors(zz_feature_map(num_qubits, reps=reps))


@_register("hardware-efficient", "ansatz", "layers of RY, RZ on every qubit and a CX chain; final RY layer")
def hardware_efficient(num_qubits: int, reps: int = 2, seed: int = 0) -> QuantumCircuit:
    """Hardware-efficient ansatz: ``reps`` x (RY, RZ per qubit; CX chain), then RY per qubit."""
    qc, w = QuantumCircuit(num_qubits), _Weights()
    for _ in range(reps):
        for q in range(num_qubits):
            qc.ry(w(), q)
            qc.rz(w(), q)
        for q in range(num_qubits - 1):
            qc.cx(q, q + 1)
    for q in range(num_qubits):
        qc.ry(w(), q)
    return qc


@_register("real-amplitudes", "ansatz", "Qiskit's RealAmplitudes (RY layers, reverse-linear CX)")
def real_amplitudes_ansatz(num_qubits: int, reps: int = 2, seed: int = 0) -> QuantumCircuit:
    """Qiskit's ``real_amplitudes`` with weights named ``w0..``."""
    from qiskit.circuit.library import real_amplitudes

    return rename_vectors(real_amplitudes(num_qubits, reps=reps, parameter_prefix="w"))


@_register(
    "re-uploading",
    "model",
    "data re-uploading (Perez-Salinas et al. 2020, arXiv:1907.02085): reps x (RY(s*x+b), RZ(w), CZ ring)",
)
def reuploading(num_qubits: int, reps: int = 3, seed: int = 0) -> QuantumCircuit:
    """Data re-uploading: each layer re-encodes ``x_q`` as ``RY(s_lq * x_q + b_lq)`` with trainable scale
    ``s`` (named ``s{l}_{q}``) and offset, then ``RZ(w)`` and a CZ ring."""
    qc, w = QuantumCircuit(num_qubits), _Weights()
    xs = _xs(num_qubits)
    for layer in range(reps):
        for q in range(num_qubits):
            scale = Parameter(f"s{layer}_{q}")
            qc.ry(scale * xs[q] + w(), q)
            qc.rz(w(), q)
        if num_qubits > 1:
            for q in range(num_qubits if num_qubits > 2 else 1):
                qc.cz(q, (q + 1) % num_qubits)
    for q in range(num_qubits):
        qc.ry(w(), q)
    return qc


def conv_block(qc: QuantumCircuit, a: int, b: int, w: _Weights) -> None:
    """Two-qubit convolution unit of a QCNN (a general SO(4)-like block of 6 rotations and 3 CNOTs)."""
    qc.ry(w(), a)
    qc.ry(w(), b)
    qc.cx(a, b)
    qc.ry(w(), a)
    qc.rz(w(), b)
    qc.cx(b, a)
    qc.ry(w(), a)
    qc.ry(w(), b)
    qc.cx(a, b)


def pool_block(qc: QuantumCircuit, source: int, sink: int, w: _Weights) -> None:
    """Pooling unit: the measured-out qubit ``source`` controls a rotation of the kept qubit ``sink``
    (the coherent form of measure-and-rotate)."""
    qc.crz(w(), source, sink)
    qc.x(source)
    qc.crx(w(), source, sink)
    qc.x(source)


def qcnn_layers(num_qubits: int) -> list[list[int]]:
    """Active qubits before each convolution + pooling stage (halving until one qubit is left)."""
    stages, active = [], list(range(num_qubits))
    while len(active) > 1:
        stages.append(active)
        active = active[1::2]
    return stages


@_register(
    "qcnn",
    "model",
    "QCNN (Cong, Choi, Lukin 2019, arXiv:1810.03787): angle encoding, conv + pool stages to one qubit",
)
def qcnn(num_qubits: int, reps: int = 1, seed: int = 0) -> QuantumCircuit:
    """QCNN: RY angle encoding, then stages of convolutions on neighbouring pairs and pooling of every other
    qubit (the kept ones are ``active[1::2]``) until one qubit remains; read it out with Z."""
    if num_qubits < 2:
        raise ModelError("a QCNN needs at least 2 qubits")
    qc, w = angle_map(num_qubits), _Weights()
    for active in qcnn_layers(num_qubits):
        for _ in range(reps):
            pairs = [(active[i], active[i + 1]) for i in range(0, len(active) - 1, 2)]
            pairs += [(active[i], active[i + 1]) for i in range(1, len(active) - 1, 2)]
            for a, b in pairs:
                conv_block(qc, a, b, w)
        for i in range(0, len(active) - 1, 2):
            pool_block(qc, active[i], active[i + 1], w)
    return qc


def qcnn_output_qubit(num_qubits: int) -> int:
    """The qubit a QCNN reads out."""
    active = list(range(num_qubits))
    while len(active) > 1:
        active = active[1::2]
    return active[0]


@_register("reservoir", "feature_map", "fixed random circuit: reps x (RY(x_q), random U3, CX ring) (seeded)")
def reservoir(num_qubits: int, reps: int = 3, seed: int = 0) -> QuantumCircuit:
    """A fixed random reservoir: each layer encodes ``RY(x_q)``, applies seeded random U3 rotations and a CX
    ring; it has no trainable weights."""
    rng = np.random.default_rng(seed)
    qc, xs = QuantumCircuit(num_qubits), _xs(num_qubits)
    for _ in range(reps):
        for q in range(num_qubits):
            qc.ry(xs[q], q)
            qc.u(*rng.uniform(-np.pi, np.pi, 3), q)
        if num_qubits > 1:
            for q in range(num_qubits if num_qubits > 2 else 1):
                qc.cx(q, (q + 1) % num_qubits)
    return qc


def build(name: str, num_qubits: int, reps: int | None = None, seed: int = 0) -> QuantumCircuit:
    """Build the registered circuit ``name`` on ``num_qubits`` qubits (``reps`` None: its default)."""
    if num_qubits < 1:
        raise ModelError(f"a circuit needs at least 1 qubit, got {num_qubits}")
    builder = CIRCUITS[name]
    return builder.build(num_qubits, seed=seed) if reps is None else builder.build(num_qubits, reps, seed)


def compose(feature_map: QuantumCircuit, ansatz: QuantumCircuit) -> QuantumCircuit:
    """Feature map followed by ansatz (same qubit count)."""
    if feature_map.num_qubits != ansatz.num_qubits:
        raise ModelError(
            f"the feature map has {feature_map.num_qubits} qubits, the ansatz {ansatz.num_qubits}"
        )
    return feature_map.compose(ansatz)
