"""The interface every single-qubit Clifford+T synthesiser implements, and their registry.

A synthesiser approximates a single-qubit unitary (or an Rz rotation) by a word over a discrete basis. The
accuracy is the phase-invariant distance d(U, V) = sqrt(1 - |tr(U^dag V) / 2|^2) (``unitaries.distance``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from qgen.compiler.synthesis.unitaries import T_NAMES
from qgen.registry import Registry


@dataclass(frozen=True)
class SynthesisResult:
    """A gate word approximating a target.

    Attributes:
        gates: gate names in circuit order (the first is applied first), e.g. ``["h", "t", "h", "s"]``.
        distance: ``unitaries.distance(target, word)`` actually achieved.
        global_phase: phase phi with ``target ~= exp(i phi) * word`` (so compiled circuits keep exact phase).
        seconds: wall time of the synthesis.
        info: synthesiser-specific details (nodes expanded, fall-back used, ...).
    """

    gates: tuple[str, ...]
    distance: float
    global_phase: float = 0.0
    seconds: float = 0.0
    info: dict = field(default_factory=dict)

    @property
    def t_count(self) -> int:
        """Number of T and T-dagger gates."""
        return sum(g in T_NAMES for g in self.gates)

    @property
    def length(self) -> int:
        """Total number of gates."""
        return len(self.gates)


@runtime_checkable
class Synthesizer(Protocol):
    """What the ``clifford_t`` target needs from a synthesiser."""

    name: str

    def synthesize_rz(self, theta: float, eps: float) -> SynthesisResult:
        """Approximate Rz(theta) to distance <= eps (or return the best found, distance > eps)."""
        ...

    def synthesize_unitary(self, unitary: np.ndarray, eps: float) -> SynthesisResult:
        """Approximate a 2x2 unitary to distance <= eps (or return the best found, distance > eps)."""
        ...


SYNTHESIZERS: Registry[type] = Registry("synthesizer")
"""Synthesiser classes by name (``gridsynth``, ``sk``, ``aqstar``); instantiate with keyword options."""
