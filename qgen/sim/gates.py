"""Gate kernels of qgen.sim: a registry of gates with batched, differentiable torch matrices.

Matrices follow Qiskit's convention: the gate's first qubit is the least significant bit of the local index,
so ``cx`` on ``(control, target)`` is ``[[1,0,0,0],[0,0,0,1],[0,0,1,0],[0,1,0,0]]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

from qgen.registry import Registry


@dataclass(frozen=True)
class GateSpec:
    """A gate qgen.sim simulates natively.

    Attributes:
        name: Qiskit / OpenQASM name.
        num_qubits: arity.
        num_params: number of real angle parameters.
        builder: maps angles of shape ``(m, num_params)`` to matrices ``(m, 2**k, 2**k)``; ``None`` for a
            constant gate, whose matrix is ``constant``.
        constant: the fixed matrix of a parameter-free gate.
    """

    name: str
    num_qubits: int
    num_params: int
    builder: Callable[[torch.Tensor, torch.dtype], torch.Tensor] | None = None
    constant: np.ndarray | None = None

    def matrices(self, angles: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        """Matrices for ``m`` occurrences; ``angles`` has shape ``(m, num_params)``."""
        if self.builder is None:
            assert self.constant is not None
            mat = torch.as_tensor(self.constant, dtype=dtype, device=angles.device)
            return mat.expand(angles.shape[0], *mat.shape)
        return self.builder(angles, dtype)


GATES: Registry[GateSpec] = Registry("gate")

_S2 = 1 / np.sqrt(2)
_CONSTANTS: dict[str, np.ndarray] = {
    "id": np.eye(2),
    "h": np.array([[_S2, _S2], [_S2, -_S2]]),
    "x": np.array([[0, 1], [1, 0]]),
    "y": np.array([[0, -1j], [1j, 0]]),
    "z": np.diag([1, -1]),
    "s": np.diag([1, 1j]),
    "sdg": np.diag([1, -1j]),
    "t": np.diag([1, np.exp(1j * np.pi / 4)]),
    "tdg": np.diag([1, np.exp(-1j * np.pi / 4)]),
    "sx": 0.5 * np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]]),
    "sxdg": 0.5 * np.array([[1 - 1j, 1 + 1j], [1 + 1j, 1 - 1j]]),
    "cx": np.array([[1, 0, 0, 0], [0, 0, 0, 1], [0, 0, 1, 0], [0, 1, 0, 0]]),
    "cy": np.array([[1, 0, 0, 0], [0, 0, 0, -1j], [0, 0, 1, 0], [0, 1j, 0, 0]]),
    "cz": np.diag([1, 1, 1, -1]),
    "ch": np.array([[1, 0, 0, 0], [0, _S2, 0, _S2], [0, 0, 1, 0], [0, _S2, 0, -_S2]]),
    "swap": np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]),
    "iswap": np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]]),
    "ecr": _S2 * np.array([[0, 1, 0, 1j], [1, 0, -1j, 0], [0, 1j, 0, 1], [-1j, 0, 1, 0]]),
}
_ccx = np.eye(8)
_ccx[[3, 7]] = _ccx[[7, 3]]
_CONSTANTS["ccx"] = _ccx
_ccz = np.eye(8)
_ccz[7, 7] = -1
_CONSTANTS["ccz"] = _ccz
_cswap = np.eye(8)
_cswap[[3, 5]] = _cswap[[5, 3]]
_CONSTANTS["cswap"] = _cswap

for _name, _mat in _CONSTANTS.items():
    _k = int(np.log2(_mat.shape[0]))
    GATES.register(_name, GateSpec(_name, _k, 0, constant=np.asarray(_mat, dtype=complex)))


def _cis(x: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """exp(i x) as a complex tensor of ``dtype``."""
    return torch.polar(torch.ones_like(x), x).to(dtype)


def _stack(rows: list[list[torch.Tensor | float]], like: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """Stack a nested list of ``(m,)`` tensors / scalars into ``(m, r, c)``."""
    m = like.shape[0]
    out = []
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, torch.Tensor):
                cells.append(cell.to(dtype))
            else:
                cells.append(torch.full((m,), complex(cell), dtype=dtype, device=like.device))
        out.append(torch.stack(cells, dim=-1))
    return torch.stack(out, dim=-2)


def _rx(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    c, s = torch.cos(a[:, 0] / 2).to(dtype), torch.sin(a[:, 0] / 2).to(dtype)
    return _stack([[c, -1j * s], [-1j * s, c]], a, dtype)


def _ry(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    c, s = torch.cos(a[:, 0] / 2), torch.sin(a[:, 0] / 2)
    return _stack([[c, -s], [s, c]], a, dtype)


def _rz(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    return _stack([[_cis(-a[:, 0] / 2, dtype), 0.0], [0.0, _cis(a[:, 0] / 2, dtype)]], a, dtype)


def _p(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    return _stack([[1.0, 0.0], [0.0, _cis(a[:, 0], dtype)]], a, dtype)


def _u(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    theta, phi, lam = a[:, 0], a[:, 1], a[:, 2]
    c, s = torch.cos(theta / 2).to(dtype), torch.sin(theta / 2).to(dtype)
    return _stack([[c, -_cis(lam, dtype) * s], [_cis(phi, dtype) * s, _cis(phi + lam, dtype) * c]], a, dtype)


def _u2(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    half = torch.full_like(a[:, :1], np.pi / 2)
    return _u(torch.cat([half, a], dim=1), dtype)


def _r(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    theta, phi = a[:, 0], a[:, 1]
    c, s = torch.cos(theta / 2).to(dtype), torch.sin(theta / 2).to(dtype)
    return _stack([[c, -1j * _cis(-phi, dtype) * s], [-1j * _cis(phi, dtype) * s, c]], a, dtype)


def _controlled(single: Callable[[torch.Tensor, torch.dtype], torch.Tensor]):
    """Controlled version (control = first qubit = least significant bit) of a 1-qubit builder."""

    def build(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        u = single(a, dtype)
        one = torch.ones(a.shape[0], dtype=dtype, device=a.device)
        zero = torch.zeros_like(one)
        return torch.stack(
            [
                torch.stack([one, zero, zero, zero], -1),
                torch.stack([zero, u[:, 0, 0], zero, u[:, 0, 1]], -1),
                torch.stack([zero, zero, one, zero], -1),
                torch.stack([zero, u[:, 1, 0], zero, u[:, 1, 1]], -1),
            ],
            -2,
        )

    return build


_XX = torch.tensor(np.fliplr(np.eye(4)).copy(), dtype=torch.complex128)
_YY = torch.tensor([[0, 0, 0, -1], [0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0]], dtype=torch.complex128)
_ZZ = torch.tensor(np.diag([1.0, -1.0, -1.0, 1.0]), dtype=torch.complex128)
_I4 = torch.eye(4, dtype=torch.complex128)


def _pauli_rotation(pauli: torch.Tensor):
    """exp(-i theta/2 P) for a two-qubit Pauli product P."""

    def build(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
        c = torch.cos(a[:, 0] / 2).to(dtype)[:, None, None]
        s = torch.sin(a[:, 0] / 2).to(dtype)[:, None, None]
        eye, pp = _I4.to(dtype=dtype, device=a.device), pauli.to(dtype=dtype, device=a.device)
        return c * eye - 1j * s * pp

    return build


def _rzz(a: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    minus, plus = _cis(-a[:, 0] / 2, dtype), _cis(a[:, 0] / 2, dtype)
    return torch.diag_embed(torch.stack([minus, plus, plus, minus], -1))


_PARAMETRIC = {
    "rx": (1, 1, _rx),
    "ry": (1, 1, _ry),
    "rz": (1, 1, _rz),
    "p": (1, 1, _p),
    "u1": (1, 1, _p),
    "u": (1, 3, _u),
    "u3": (1, 3, _u),
    "u2": (1, 2, _u2),
    "r": (1, 2, _r),
    "crx": (2, 1, _controlled(_rx)),
    "cry": (2, 1, _controlled(_ry)),
    "crz": (2, 1, _controlled(_rz)),
    "cp": (2, 1, _controlled(_p)),
    "cu1": (2, 1, _controlled(_p)),
    "cu3": (2, 3, _controlled(_u)),
    "rzz": (2, 1, _rzz),
    "rxx": (2, 1, _pauli_rotation(_XX)),
    "ryy": (2, 1, _pauli_rotation(_YY)),
}
for _name, (_k, _np, _fn) in _PARAMETRIC.items():
    GATES.register(_name, GateSpec(_name, _k, _np, builder=_fn))
