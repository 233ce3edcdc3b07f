"""One device rule for every torch path in qgen: ``"auto"`` picks CUDA when present."""

from __future__ import annotations

import os

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


def _busy_cores(interval: float = 0.1) -> float | None:
    """Cores kept busy by other processes right now: /proc/stat sampled over ``interval`` seconds (Linux)."""
    import time

    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        return sum(fields), idle

    try:
        total0, idle0 = sample()
        time.sleep(interval)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    total = total1 - total0
    if total <= 0:
        return None
    return (os.cpu_count() or 1) * (1.0 - (idle1 - idle0) / total)


def free_cores() -> int:
    """Cores this process may use minus what other processes use (at least 1).

    The busier of two estimates counts: the one-minute load average (which lags) and the CPU time other
    processes take over the next 0.1 s (which sees a job that has just started).
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    try:
        load = max(0.0, os.getloadavg()[0] - 1.0)  # this process counts in the load average
    except OSError:  # pragma: no cover
        load = 0.0
    busy = _busy_cores()
    if busy is not None:
        load = max(load, busy)
    return max(1, min(cores, round(cores - load)))


def configure_threads(threads: int | None = None) -> int:
    """Set torch's intra-op threads to ``threads`` or to the free cores (no oversubscription); returns it."""
    n = free_cores() if threads is None or threads <= 0 else int(threads)
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n
