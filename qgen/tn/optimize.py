"""Sweeping optimisation of staircase layers: each gate in turn becomes the unitary that maximises the overlap
``|<psi|C|0...0>|`` with every other gate fixed (the polar decomposition of its environment).

This is the "Iter" step of Rudolph et al. ("Decomposition of matrix product states into shallow quantum
circuits", 2022) run after Ran's analytic layers: every update can only raise the overlap, so the fidelity
never decreases along a sweep. Environments are contracted from two MPS: ``ket`` (the gates before, applied to
``|0...0>``) and ``bra`` (the inverse of the gates after, applied to ``|psi>``), both kept exact (only
numerical zeros are dropped, or bonds above ``max_bond`` when one is given). Within a layer the gates run
from site ``n-2`` down to ``0``, so left blocks are computed once per layer and right blocks grow one site
per gate.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qgen.tn.layers import Layer, gate_sequence
from qgen.tn.mps import MPS


def _grow_left(env: np.ndarray, bra: np.ndarray, ket: np.ndarray) -> np.ndarray:
    return np.einsum("ij,isk,jsl->kl", env, bra.conj(), ket, optimize=True)


def _grow_right(env: np.ndarray, bra: np.ndarray, ket: np.ndarray) -> np.ndarray:
    return np.einsum("kl,isk,jsl->ij", env, bra.conj(), ket, optimize=True)


def gate_environment(
    bra: MPS, ket: MPS, k: int, left: np.ndarray | None = None, right: np.ndarray | None = None
) -> np.ndarray:
    """``E[o, i]`` (site-ordered 4 x 4) with ``<bra| G_(k,k+1) |ket> = sum_{o,i} G[o, i] E[o, i]``.

    ``left`` / ``right`` are the contracted blocks of the sites left of ``k`` / right of ``k + 1`` (computed
    when not given)."""
    if left is None:
        left = np.ones((1, 1), dtype=complex)
        for j in range(k):
            left = _grow_left(left, bra.arrays[j], ket.arrays[j])
    if right is None:
        right = np.ones((1, 1), dtype=complex)
        for j in range(bra.num_sites - 1, k + 1, -1):
            right = _grow_right(right, bra.arrays[j], ket.arrays[j])
    b = np.einsum("ism,mtr->istr", bra.arrays[k].conj(), bra.arrays[k + 1].conj(), optimize=True)
    a = np.einsum("jsm,mtr->jstr", ket.arrays[k], ket.arrays[k + 1], optimize=True)
    env = np.einsum("ij,iopr,jstq,rq->opst", left, b, a, right, optimize=True)
    return env.reshape(4, 4)


def best_unitary(env: np.ndarray) -> tuple[np.ndarray, float]:
    """The unitary ``G`` maximising ``|sum G * env|`` and that maximum (the sum of singular values)."""
    w, s, vh = np.linalg.svd(env.T)
    return vh.conj().T @ w.conj().T, float(s.sum())


def optimise_layers(
    target: MPS, layers: Sequence[Layer], *, sweeps: int = 1, max_bond: int | None = None
) -> tuple[list[Layer], float]:
    """Sweep over every gate ``sweeps`` times, replacing it by the best unitary for the current environment.

    Args:
        target: the normalised state ``|psi>``.
        layers: the circuit (application order), not modified.
        sweeps: passes over all gates.
        max_bond: cap on the bonds of the intermediate MPS (``None``: exact).

    Returns:
        The new layers and their fidelity ``|<psi|C|0...0>|^2`` (NaN when ``sweeps`` is 0).
    """
    layers = [list(layer) for layer in layers]
    n = target.num_sites
    fid = float("nan")
    for _ in range(max(0, sweeps)):
        seq = gate_sequence(layers)
        ket = MPS.zeros(n)
        # bra = (g_2^dagger ... g_M^dagger) |psi>: the inverse of every gate after the first
        bra = target.copy().apply_gates([(k, g.conj().T) for k, g in reversed(seq[1:])], max_bond=max_bond)
        j = 0
        for li in range(len(layers)):
            ket.canonicalize(n - 2)
            bra.canonicalize(n - 2)
            lefts = [np.ones((1, 1), dtype=complex)]
            for s in range(n - 2):
                lefts.append(_grow_left(lefts[-1], bra.arrays[s], ket.arrays[s]))
            right = np.ones((1, 1), dtype=complex)
            for k in range(n - 2, -1, -1):
                env = gate_environment(bra, ket, k, lefts[k], right)
                gate, overlap = best_unitary(env)
                layers[li][k] = gate
                fid = overlap**2
                ket.apply_gate(gate, k, absorb="left", max_bond=max_bond)
                right = _grow_right(right, bra.arrays[k + 1], ket.arrays[k + 1])
                if j + 1 < len(seq):
                    nk, ng = seq[j + 1]
                    bra.apply_gate(ng, nk, absorb="left" if nk < k else "right", max_bond=max_bond)
                j += 1
    return layers, fid
