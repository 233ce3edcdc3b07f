"""Quanvolution (Henderson, Shakya, Pradhan, Cook 2019, arXiv:1904.04767): image patches through a small
circuit, one output channel per measured qubit.

``Quanvolution(kernel_size=2)`` cuts ``(N, C, H, W)`` images into ``k x k`` patches (stride ``k``), encodes
each patch's ``C * k * k`` pixels (expected in ``[0, 1]``, mapped to ``[0, pi]``) into as many qubits of a
circuit (a fixed random ``reservoir`` circuit by default, as in the paper; ``trainable=True`` learns an
ansatz instead) and returns ``<Z_q>`` for every qubit: ``(N, qubits, H/k, W/k)``. All patches of a batch run
in one qgen.sim call, so it composes with ``torch.nn.Conv2d`` / ``Linear`` layers like any layer.
"""

from __future__ import annotations

import math

import torch

from qgen.models.builders import build, compose
from qgen.models.layer import QuantumLayer


class Quanvolution(torch.nn.Module):
    """Quantum convolution over image patches (see the module docstring).

    Args:
        kernel_size: patch side ``k`` (stride ``k``).
        in_channels: image channels ``C`` (qubits = ``C * k * k``).
        reps: layers of the circuit.
        trainable: a trainable ``hardware-efficient`` ansatz after angle encoding instead of the random
            reservoir circuit.
        seed: seed of the random circuit / initial weights.
        dtype, device: simulation precision and device.

    >>> q = Quanvolution(2)
    >>> q(torch.rand(3, 1, 4, 4)).shape
    torch.Size([3, 4, 2, 2])
    """

    def __init__(
        self,
        kernel_size: int = 2,
        in_channels: int = 1,
        reps: int = 1,
        trainable: bool = False,
        seed: int = 0,
        dtype: str = "float64",
        device: str = "cpu",
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        n = in_channels * kernel_size * kernel_size
        if trainable:
            circuit = compose(build("angle", n), build("hardware-efficient", n, reps, seed))
        else:
            circuit = build("reservoir", n, reps, seed)
        self.quantum = QuantumLayer(circuit, None, None, seed, dtype, device, trainable=trainable)
        self.out_channels = n

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """``(N, C, H, W)`` -> ``(N, C*k*k, H//k, W//k)``."""
        k = self.kernel_size
        n, _, h, w = images.shape
        patches = torch.nn.functional.unfold(images.double(), kernel_size=k, stride=k)  # (N, C*k*k, L)
        flat = patches.transpose(1, 2).reshape(-1, patches.shape[1]) * math.pi
        out = self.quantum(flat).to(images.dtype)  # (N*L, q)
        out = out.reshape(n, -1, self.out_channels).transpose(1, 2)
        return out.reshape(n, self.out_channels, h // k, w // k)
