"""The canonical gate set and angle grid of the generator: what a generated circuit can contain.

Every corpus circuit is rewritten into this gate set (``qiskit.transpile`` with these basis gates, no
optimisation) before tokenisation, so the model sees one spelling per operation. All gates are in
``qelib1.inc`` and have kernels in ``qgen.sim``. Angles are written either exactly, as ``k*pi/2^m``
(``m <= 3``, any ``k``; or ``+-pi/2^m`` up to ``m = 20``, the QFT's controlled phases), or as the centre of
one of 256 equal bins over ``(-2 pi, 2 pi]`` (width 0.049 rad). Every gate of the set has period ``4 pi`` in
each angle (up to a global phase), so wrapping angles into ``(-2 pi, 2 pi]`` keeps the circuit's unitary.

>>> angle_word(3.141592653589793), angle_word(-0.7853981633974483), angle_word(2 * 3.141592653589793 / 2**10)
('pi', '-pi/4', 'pi/512')
>>> angle_word(1.0), float(angle_word(1.0))
('1.0063', 1.0063)
"""

from __future__ import annotations

import math
from typing import NamedTuple

from qgen.registry import Registry


class GateShape(NamedTuple):
    """How a gate is written: number of angles and number of qubits."""

    num_params: int
    num_qubits: int


GATES: Registry[GateShape] = Registry("generator gate")
for _names, _shape in (
    (("x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg"), GateShape(0, 1)),
    (("rx", "ry", "rz", "p"), GateShape(1, 1)),
    (("u",), GateShape(3, 1)),
    (("cx", "cy", "cz", "ch", "swap"), GateShape(0, 2)),
    (("cp", "crx", "cry", "crz", "rxx", "rzz"), GateShape(1, 2)),
    (("ccx", "cswap"), GateShape(0, 3)),
):
    for _name in _names:
        GATES.register(_name, _shape)

EXACT_DENOMINATOR_POWER = 3  # k * pi / 2^m for m <= 3 and any integer k
SMALL_ANGLE_POWER = 20  # +-pi / 2^m up to m = 20 (controlled phases of a 21-qubit QFT)
ANGLE_BINS = 256  # equal bins over (-2 pi, 2 pi]
_TWO_PI = 2 * math.pi
_TOL = 1e-9


def wrap_angle(value: float) -> float:
    """Map an angle into ``(-2 pi, 2 pi]`` (gates of the set have period 4 pi up to a global phase)."""
    out = math.remainder(float(value), 2 * _TWO_PI)
    return _TWO_PI if out <= -_TWO_PI + 1e-12 else out


def _pi_word(k: int, m: int) -> str:
    """``k*pi/2^m`` with a reduced fraction, QASM-readable (``pi/4``, ``-3*pi/8``, ``2*pi``, ``0``)."""
    if k == 0:
        return "0"
    while m > 0 and k % 2 == 0:
        k //= 2
        m -= 1
    sign = "-" if k < 0 else ""
    head = "pi" if abs(k) == 1 else f"{abs(k)}*pi"
    return f"{sign}{head}" + (f"/{2**m}" if m else "")


def exact_words() -> list[str]:
    """Angle words written exactly, in a fixed order."""
    out: list[str] = []
    top = 2 ** (EXACT_DENOMINATOR_POWER + 1)  # k * pi / 8 with |k| <= 16 covers [-2 pi, 2 pi]
    for k in range(-top + 1, top + 1):
        word = _pi_word(k, EXACT_DENOMINATOR_POWER)
        if word not in out:
            out.append(word)
    for m in range(EXACT_DENOMINATOR_POWER + 1, SMALL_ANGLE_POWER + 1):
        out += [_pi_word(1, m), _pi_word(-1, m)]
    return out


def bin_words() -> list[str]:
    """Angle words of the bins (their centres with 4 decimals), in increasing order."""
    width = 2 * _TWO_PI / ANGLE_BINS
    return [f"{-_TWO_PI + (i + 0.5) * width:.4f}" for i in range(ANGLE_BINS)]


def angle_word(value: float) -> str:
    """The word that writes ``value`` (radians): exact ``k*pi/2^m`` when it is one, else its bin centre."""
    x = wrap_angle(value)
    for m in range(SMALL_ANGLE_POWER + 1):
        y = x * 2**m / math.pi
        k = round(y)
        if abs(y - k) < _TOL * 2**m and (m <= EXACT_DENOMINATOR_POWER or abs(k) == 1):
            return _pi_word(int(k), m)
    width = 2 * _TWO_PI / ANGLE_BINS
    i = min(max(int((x + _TWO_PI) // width), 0), ANGLE_BINS - 1)
    return f"{-_TWO_PI + (i + 0.5) * width:.4f}"


def angle_words() -> list[str]:
    """All angle words: exact ones, then bin centres."""
    return exact_words() + bin_words()
