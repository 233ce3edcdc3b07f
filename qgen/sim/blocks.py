"""Gate blocks of qgen.sim: fusion of consecutive gates, embedding of gate matrices into blocks, qubit-layout
permutations (the tables :mod:`qgen.sim.compiled` builds its slots from)."""

from __future__ import annotations

import functools

import numpy as np
import torch

from qgen.sim.gatelist import ParamExpr
from qgen.sim.gates import GATES


@functools.lru_cache(maxsize=65536)
def padded_qubits(qubits: tuple[int, ...], width: int) -> tuple[int, ...]:
    """The gate's qubits followed by the lowest other qubits up to ``width`` (identity there)."""
    extra = [q for q in range(width + len(qubits)) if q not in qubits][: width - len(qubits)]
    return tuple(qubits) + tuple(extra)


@functools.lru_cache(maxsize=2048)
def permutation(num_qubits: int, qubits: tuple[int, ...]) -> np.ndarray:
    """Index map ``perm[r * 2**k + l] = i`` that puts ``qubits`` (LSB first) on the last axis."""
    k = len(qubits)
    rest = [q for q in range(num_qubits) if q not in qubits]
    local = np.arange(2**k)
    other = np.arange(2 ** (num_qubits - k))
    idx_local = np.zeros(2**k, dtype=np.int64)
    for j, q in enumerate(qubits):
        idx_local |= ((local >> j) & 1) << q
    idx_rest = np.zeros(2 ** (num_qubits - k), dtype=np.int64)
    for j, q in enumerate(rest):
        idx_rest |= ((other >> j) & 1) << q
    out = (idx_rest[:, None] | idx_local[None, :]).reshape(-1)
    out.setflags(write=False)  # cached: shared by every caller
    return out


@functools.lru_cache(maxsize=65536)
def where_in(qubits: tuple[int, ...], padded: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(padded.index(q) for q in qubits)


def constant_matrix(op) -> np.ndarray:
    """Matrix of a gate with constant angles."""
    spec = GATES[op.name]
    if spec.constant is not None:
        return spec.constant
    angles = torch.tensor([[p.offset for p in op.params]], dtype=torch.float64)
    return spec.matrices(angles, torch.complex128)[0].numpy()


MAX_BLOCK_GATES = 16
FUSE_FROM_QUBITS = 6
FUSE_WIDE_FROM_QUBITS = 10


def fuse(ops, max_qubits: int | None, max_gates: int = MAX_BLOCK_GATES) -> list[tuple[tuple[int, ...], list]]:
    """Cut a gate list into blocks of consecutive gates acting within at most ``max_qubits`` qubits.

    Each block becomes one matrix per run (the product of its gates), so the state is touched once per
    block instead of once per gate. ``None`` keeps one gate per block.
    """
    if not max_qubits:
        return [(tuple(op.qubits), [op]) for op in ops]
    blocks: list[tuple[tuple[int, ...], list]] = []
    cur: set[int] = set()
    cur_ops: list = []
    limit = max_qubits
    for op in ops:
        union = cur | set(op.qubits)
        if cur_ops and len(union) <= limit and len(cur_ops) < max_gates:
            cur_ops.append(op)
            cur = union
            continue
        if cur_ops:
            blocks.append((_block_qubits(cur_ops, cur), cur_ops))
        cur, cur_ops = set(op.qubits), [op]
    if cur_ops:
        blocks.append((_block_qubits(cur_ops, cur), cur_ops))
    return blocks


def _block_qubits(ops: list, qubits: set[int]) -> tuple[int, ...]:
    return tuple(ops[0].qubits) if len(ops) == 1 else tuple(sorted(qubits))


@functools.lru_cache(maxsize=4096)
def embedding_index(arity: int, where: tuple[int, ...], width: int) -> np.ndarray:
    """Index map that embeds a ``2**arity`` matrix acting on local positions ``where`` of a ``width``-qubit
    block: ``E.flat[i] = U.flat[index[i]]``, with ``index = 4**arity`` pointing at an appended zero."""
    k, a = 2**width, 2**arity
    local = np.arange(k)
    sub = np.zeros(k, dtype=np.int64)
    for j, p in enumerate(where):
        sub |= ((local >> p) & 1) << j
    mask = 0
    for p in where:
        mask |= 1 << p
    rest = local & ~mask
    index = sub[:, None] * a + sub[None, :]
    index[rest[:, None] != rest[None, :]] = a * a
    index = index.reshape(-1)
    index.setflags(write=False)  # cached: shared by every caller
    return index


def embed_matrix(u: np.ndarray, where: tuple[int, ...], width: int) -> np.ndarray:
    """The ``2**width`` matrix of ``u`` acting on local positions ``where`` (identity elsewhere)."""
    arity = len(where)
    flat = np.concatenate([np.asarray(u, dtype=complex).reshape(-1), [0.0]])
    return flat[embedding_index(arity, where, width)].reshape(2**width, 2**width)


# -------------------------------------------------------------------- one-qubit gates in one U3 form
U3_GROUP = "_u3"
"""Group name of the one-qubit parametric gates built by :func:`u3_matrices` (all kinds in one call)."""


def _comb(*pairs: tuple[float, ParamExpr], const: float = 0.0) -> ParamExpr:
    """``const + sum(k * expr)`` as one ParamExpr."""
    acc: dict[int, float] = {}
    offset = const
    for k, expr in pairs:
        offset += k * expr.offset
        for i, c in expr.terms:
            acc[i] = acc.get(i, 0.0) + k * c
    return ParamExpr(tuple(sorted((i, c) for i, c in acc.items() if c != 0.0)), offset)


def _u3_angles(name: str, params: tuple[ParamExpr, ...]) -> tuple[ParamExpr, ParamExpr, ParamExpr, ParamExpr]:
    """(theta, phi, lambda, gamma) with gate = exp(i gamma) U3(theta, phi, lambda), linear in the params."""
    zero = ParamExpr()
    half_pi = np.pi / 2
    if name == "rx":
        return params[0], _comb(const=-half_pi), _comb(const=half_pi), zero
    if name == "ry":
        return params[0], zero, zero, zero
    if name == "rz":
        return zero, zero, params[0], _comb((-0.5, params[0]))
    if name in ("p", "u1"):
        return zero, zero, params[0], zero
    if name in ("u", "u3"):
        return params[0], params[1], params[2], zero
    if name == "u2":
        return _comb(const=half_pi), params[0], params[1], zero
    if name == "r":
        phi = params[1]
        return params[0], _comb((1.0, phi), const=-half_pi), _comb((-1.0, phi), const=half_pi), zero
    raise KeyError(name)


U3_FORM_GATES = frozenset({"rx", "ry", "rz", "p", "u1", "u", "u3", "u2", "r"})


def u3_form(name: str, params: tuple[ParamExpr, ...]) -> tuple[ParamExpr, ...]:
    """The five angles :func:`u3_matrices` takes: theta and the phases of the four matrix entries."""
    theta, phi, lam, gamma = _u3_angles(name, params)
    return (
        theta,
        gamma,
        _comb((1.0, gamma), (1.0, lam)),
        _comb((1.0, gamma), (1.0, phi)),
        _comb((1.0, gamma), (1.0, phi), (1.0, lam)),
    )


def u3_matrices(angles: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``(m, 2, 2)`` matrices ``[[c e^{i a0}, -s e^{i a1}], [s e^{i a2}, c e^{i a3}]]`` for angles
    ``(m, 5)`` = (theta, a0..a3), c = cos(theta/2), s = sin(theta/2)."""
    half = angles[:, 0] / 2
    c, s = torch.cos(half), torch.sin(half)
    mag = torch.stack([c, -s, s, c], dim=1)
    return (torch.polar(torch.ones_like(mag), angles[:, 1:]) * mag).to(dtype).view(-1, 2, 2)
