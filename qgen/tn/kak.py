"""Two-qubit unitaries as fixed 15-parameter KAK blocks, and the staircase ansatz built from them.

Every ``U`` in U(4) is ``e^{i g} (K1_a (x) K1_b) exp(i(a XX + b YY + c ZZ)) (K2_a (x) K2_b)`` (Qiskit's
``TwoQubitWeylDecomposition``, without its specialisation, so the identity holds to ~1e-14). A block on sites
``(k, k + 1)`` is, in order of application::

    rz ry rz on k, rz ry rz on k+1      (K2, ZYZ Euler angles)
    rxx(-2a) ryy(-2b) rzz(-2c)           (exp(i(a XX + b YY + c ZZ)))
    rz ry rz on k, rz ry rz on k+1      (K1)

15 parameters, all zero = identity. The constant phases go into the circuit's global phase. Two forms of the
same circuit: a Qiskit ``QuantumCircuit`` with ``Parameter``s (for files, Qiskit and users), and a qgen.sim
``GateList`` in which each block is one fused 15-parameter gate ``kak15`` (15x fewer slots to simulate;
identical state, tested).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from qiskit.circuit import Parameter, QuantumCircuit
from qiskit.synthesis import OneQubitEulerDecomposer, TwoQubitWeylDecomposition

from qgen.sim.gatelist import GateList
from qgen.sim.gates import GATES, GateSpec
from qgen.tn.errors import TNError
from qgen.tn.layers import Layer

BLOCK_PARAMS = 15
_ZYZ = OneQubitEulerDecomposer("ZYZ")


def kak_angles(unitary: np.ndarray) -> tuple[np.ndarray, float]:
    """The 15 block angles and the global phase of a site-ordered ``4 x 4`` unitary.

    Returns:
        ``(angles, phase)``: angles in block order (K2 site k: rz, ry, rz; K2 site k+1; rxx, ryy, rzz;
        K1 site k; K1 site k+1) with ``U = e^{i phase} * block(angles)``.
    """
    u = np.asarray(unitary, dtype=complex)
    if u.shape != (4, 4) or not np.allclose(u.conj().T @ u, np.eye(4), atol=1e-9):
        raise TNError("kak_angles needs a 4 x 4 unitary")
    # site order (index 2 s_k + s_k+1) is Qiskit's order for the qubit list [k+1, k]: K*l acts on site k
    d = TwoQubitWeylDecomposition(u, fidelity=None)
    phase = float(d.global_phase)
    angles = []
    for mat in (d.K2l, d.K2r):
        theta, phi, lam, ph = _ZYZ.angles_and_phase(mat)
        angles += [lam, theta, phi]
        phase += ph
    angles += [-2 * d.a, -2 * d.b, -2 * d.c]
    for mat in (d.K1l, d.K1r):
        theta, phi, lam, ph = _ZYZ.angles_and_phase(mat)
        angles += [lam, theta, phi]
        phase += ph
    return np.asarray(angles, dtype=float), phase


def _rz(a: torch.Tensor) -> torch.Tensor:
    e = torch.polar(torch.ones_like(a), a / 2)
    zero = torch.zeros_like(e)
    return torch.stack([torch.stack([e.conj(), zero], -1), torch.stack([zero, e], -1)], -2)


def _ry(a: torch.Tensor) -> torch.Tensor:
    c, s = torch.cos(a / 2), torch.sin(a / 2)
    return torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2)


def _zyz(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``Rz(a2) Ry(a1) Rz(a0)`` for angles ``(m, 3)``."""
    return _rz(a[:, 2]).to(dtype) @ _ry(a[:, 1]).to(dtype) @ _rz(a[:, 0]).to(dtype)


def _kron(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.einsum("mij,mkl->mikjl", a, b).reshape(a.shape[0], 4, 4)


def _entangler(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``rzz(a2) ryy(a1) rxx(a0)`` = exp(-i/2 (a0 XX + a1 YY + a2 ZZ)), in closed form (m, 4, 4)."""
    x, y, z = a[:, 0] / 2, a[:, 1] / 2, a[:, 2] / 2
    # XX, YY, ZZ commute; in the Bell basis they are diagonal. Direct form in the computational basis:
    e_m = torch.polar(torch.ones_like(z), -z)  # on |00>, |11> (ZZ = +1)
    e_p = torch.polar(torch.ones_like(z), z)  # on |01>, |10> (ZZ = -1)
    c1, s1 = torch.cos(x - y), torch.sin(x - y)  # |00>,|11> block: XX - YY couples them with (x - y)
    c2, s2 = torch.cos(x + y), torch.sin(x + y)  # |01>,|10> block: XX + YY with (x + y)
    zero = torch.zeros_like(e_m)
    m00, m03 = e_m * c1, e_m * (-1j * s1)
    m11, m12 = e_p * c2, e_p * (-1j * s2)
    rows = [
        torch.stack([m00, zero, zero, m03], -1),
        torch.stack([zero, m11, m12, zero], -1),
        torch.stack([zero, m12, m11, zero], -1),
        torch.stack([m03, zero, zero, m00], -1),
    ]
    return torch.stack(rows, -2).to(dtype)


def _kak15(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """The block matrix, Qiskit convention on qubits ``(k, k+1)`` (k = least significant), ``(m, 4, 4)``."""
    k2 = _kron(_zyz(a[:, 3:6], dtype), _zyz(a[:, 0:3], dtype))  # site k+1 (x) site k
    k1 = _kron(_zyz(a[:, 12:15], dtype), _zyz(a[:, 9:12], dtype))
    return k1 @ _entangler(a[:, 6:9], dtype) @ k2


FUSED_GATE = "kak15"
"""Name of the fused 15-parameter block gate in :data:`qgen.sim.GATES` (registered on first use)."""


def ensure_fused_gate() -> None:
    """Register the fused block gate ``kak15`` in qgen.sim's gate registry (once, when first needed).

    Registration is deferred to the first fused GateList, so importing qgen.tn leaves the registry of
    Qiskit-named gates unchanged.
    """
    if FUSED_GATE not in GATES:
        GATES.register(FUSED_GATE, GateSpec(FUSED_GATE, 2, BLOCK_PARAMS, builder=_kak15))


@dataclass(frozen=True)
class StaircaseAnsatz:
    """``num_layers`` staircase layers of 15-parameter KAK blocks on ``num_qubits`` qubits.

    Layer ``l`` applies blocks on ``(n-2, n-1), (n-3, n-2), ..., (0, 1)`` in that order (the order that
    prepares an MPS, Ran 2020). Parameters are named ``t{layer}_{block}_{j}`` (zero-padded), so the sorted
    order of ``QuantumCircuit.parameters`` is the order of application.
    """

    num_qubits: int
    num_layers: int

    def __post_init__(self) -> None:
        if self.num_qubits < 2:
            raise TNError(f"a staircase ansatz needs at least 2 qubits, got {self.num_qubits}")
        if self.num_layers < 1:
            raise TNError(f"a staircase ansatz needs at least 1 layer, got {self.num_layers}")

    @property
    def num_parameters(self) -> int:
        """``15 * (num_qubits - 1) * num_layers``."""
        return BLOCK_PARAMS * (self.num_qubits - 1) * self.num_layers

    def blocks(self) -> list[tuple[int, int, int]]:
        """``(layer, block index, site k)`` in application order."""
        n = self.num_qubits
        return [(li, b, n - 2 - b) for li in range(self.num_layers) for b in range(n - 1)]

    @property
    def parameter_names(self) -> list[str]:
        """Names in parameter-vector order (= application order = sorted order)."""
        wl, wb = len(str(self.num_layers - 1)), len(str(self.num_qubits - 2))
        return [f"t{li:0{wl}d}_{b:0{wb}d}_{j:02d}" for li, b, _ in self.blocks() for j in range(BLOCK_PARAMS)]

    def circuit(self, global_phase: float = 0.0) -> QuantumCircuit:
        """The Qiskit circuit with ``Parameter``s (rz/ry/rz, rxx/ryy/rzz, rz/ry/rz per block)."""
        names = self.parameter_names
        params = [Parameter(name) for name in names]
        qc = QuantumCircuit(self.num_qubits, global_phase=global_phase)
        for i, (_, _, k) in enumerate(self.blocks()):
            p = params[i * BLOCK_PARAMS : (i + 1) * BLOCK_PARAMS]
            _euler(qc, p[0:3], k)
            _euler(qc, p[3:6], k + 1)
            qc.rxx(p[6], k, k + 1)
            qc.ryy(p[7], k, k + 1)
            qc.rzz(p[8], k, k + 1)
            _euler(qc, p[9:12], k)
            _euler(qc, p[12:15], k + 1)
        return qc

    def gatelist(self, global_phase: float = 0.0) -> GateList:
        """The same circuit for qgen.sim with one fused ``kak15`` gate per block (same parameter order)."""
        ensure_fused_gate()
        names = self.parameter_names
        ops = [
            (FUSED_GATE, [k, k + 1], names[i * BLOCK_PARAMS : (i + 1) * BLOCK_PARAMS])
            for i, (_, _, k) in enumerate(self.blocks())
        ]
        return GateList(self.num_qubits, ops, parameters=names, global_phase=global_phase)

    def values_from_layers(self, layers: Sequence[Layer]) -> tuple[np.ndarray, float]:
        """Parameter values (and total global phase) that make the ansatz equal ``layers`` (application
        order); layers beyond ``len(layers)`` get zeros (identity)."""
        if len(layers) > self.num_layers:
            raise TNError(f"{len(layers)} layers do not fit an ansatz of {self.num_layers}")
        values = np.zeros(self.num_parameters)
        phase = 0.0
        for i, (li, _, k) in enumerate(self.blocks()):
            if li >= len(layers):
                break
            gate = layers[li][k]
            if len(layers[li]) != self.num_qubits - 1:
                raise TNError(f"layer {li} has {len(layers[li])} gates for {self.num_qubits} qubits")
            angles, ph = kak_angles(gate)
            values[i * BLOCK_PARAMS : (i + 1) * BLOCK_PARAMS] = angles
            phase += ph
        return values, phase


def _euler(qc: QuantumCircuit, p: Sequence[Parameter], qubit: int) -> None:
    qc.rz(p[0], qubit)
    qc.ry(p[1], qubit)
    qc.rz(p[2], qubit)
