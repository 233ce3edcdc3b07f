"""Encode an MPS into staircase layers of two-qubit unitaries (Ran 2020), with optional sweeping optimisation.

Ran, "Encoding of matrix product states into quantum circuits of one- and two-qubit gates", PRA 101, 032310
(2020): truncate the state to bond dimension 2, encode that exactly as one staircase, apply the inverse of the
layers found so far to the state, and repeat; the circuit is the layers in reverse order of discovery (the
newest layer acts on ``|0...0>`` first). After each new layer, ``sweeps`` passes of
:func:`qgen.tn.optimize.optimise_layers` refine all layers (Rudolph et al. 2022, "Iter[Dec]"). If the new
analytic layer would lower the fidelity, it starts as the identity instead, so the reported fidelity never
decreases as layers are added.

Metric: state fidelity ``F_k = |<psi|C_k|0...0>|^2`` of the normalised MPS and the circuit of ``k`` layers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from qgen.tn.errors import TNError
from qgen.tn.layers import Layer, identity_layer, staircase_from_mps, undo_layers
from qgen.tn.mps import MPS
from qgen.tn.optimize import optimise_layers


@dataclass
class Encoding:
    """Layers that prepare (approximately) an MPS, and the fidelity after each added layer.

    Attributes:
        layers: ``D`` layers in application order (``layers[0]`` acts on ``|0...0>`` first).
        fidelities: ``F_1 ... F_D``, state fidelity ``|<psi|C_k|0...0>|^2`` after each added layer
            (non-decreasing).
        phase: ``arg <0...0|C^dagger|psi>``: the global phase that makes ``e^{i phase} C|0...0>`` overlap
            ``|psi>`` with a real positive amplitude.
        initial_fidelity: ``|<psi|0...0>|^2`` (no layer).
        settings: the options used.
    """

    layers: list[Layer]
    fidelities: list[float]
    phase: float
    initial_fidelity: float
    settings: dict = field(default_factory=dict)

    @property
    def fidelity(self) -> float:
        """Fidelity of the full circuit (``fidelities[-1]``)."""
        return self.fidelities[-1]


def encode_mps(state: MPS, num_layers: int, *, sweeps: int = 2, max_bond: int | None = 256) -> Encoding:
    """Encode ``state`` into ``num_layers`` staircase layers of two-qubit unitaries (Ran 2020).

    Args:
        state: the MPS (normalised internally).
        num_layers: number of layers ``D >= 1``; a bond-dimension-2 MPS is exact with one layer.
        sweeps: optimisation passes over all gates after each added layer (0: Ran's analytic layers only,
            with the identity kept when a layer would lower the fidelity).
        max_bond: cap on intermediate bonds when gates are applied to the MPS (``None``: exact).

    Returns:
        An :class:`Encoding` with the layers and the fidelity after each added layer.

    Raises:
        TNError: fewer than 2 qubits, ``num_layers < 1`` or ``sweeps < 0``.

    >>> from qgen.tn.mps import random_mps
    >>> enc = encode_mps(random_mps(6, 2, seed=0), 1)
    >>> round(enc.fidelity, 9)
    1.0
    """
    n = state.num_sites
    if n < 2:
        raise TNError("encoding needs at least 2 qubits")
    if num_layers < 1:
        raise TNError(f"num_layers must be >= 1, got {num_layers}")
    if sweeps < 0:
        raise TNError(f"sweeps must be >= 0, got {sweeps}")
    psi = state.copy().normalize()
    layers: list[Layer] = []
    residual = psi.copy()  # C^dagger |psi> for the layers so far
    best = abs(residual.zero_amplitude()) ** 2
    initial = best
    fidelities: list[float] = []
    for _ in range(num_layers):
        new = staircase_from_mps(residual.truncate(2))
        fid = abs(undo_layers(residual, [new], max_bond=max_bond).zero_amplitude()) ** 2
        trial = [new, *layers]
        if fid < best:
            trial, fid = [identity_layer(n), *layers], best
        if sweeps:
            tuned, tuned_fid = optimise_layers(psi, trial, sweeps=sweeps, max_bond=max_bond)
            if tuned_fid >= fid:
                trial, fid = tuned, tuned_fid
        layers, best = trial, fid
        residual = undo_layers(psi, layers, max_bond=max_bond)
        fidelities.append(float(min(fid, 1.0)))
    phase = float(np.angle(residual.zero_amplitude()))
    return Encoding(
        layers=layers,
        fidelities=fidelities,
        phase=phase,
        initial_fidelity=float(initial),
        settings={"num_layers": num_layers, "sweeps": sweeps, "max_bond": max_bond},
    )
