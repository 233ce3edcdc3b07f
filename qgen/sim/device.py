"""One device rule for every torch path in qgen: ``"auto"`` picks CUDA when present."""

from __future__ import annotations

import torch

__all__ = ["resolve_device"]


def resolve_device(device: str | torch.device = "auto") -> torch.device:
    """``"auto"`` picks CUDA when present; anything else is passed to ``torch.device``.

    >>> resolve_device("cpu")
    device(type='cpu')
    """
    if isinstance(device, str) and device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def free_cores() -> int:
    """Cores this process may use minus the load other processes put on them (at least 1)."""
    import os

    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except OSError:  # pragma: no cover
        load = 0.0
    return max(1, min(cores, round(cores - load + 1)))


def configure_threads(threads: int | None = None) -> int:
    """Set torch's intra-op threads to ``threads`` or to the free cores (no oversubscription); returns it."""
    n = free_cores() if threads is None or threads <= 0 else int(threads)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n
