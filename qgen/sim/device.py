"""One device rule for every torch path in qgen: ``"auto"`` picks CUDA when present; and the thread rules.

Threads: :func:`configure_threads` gives torch the free cores. :func:`small_work_threads` narrows that to one
thread for a block whose tensors are tiny (fewer than ``SMALL_WORK_AMPLITUDES`` amplitudes per simulator
call, e.g. a 4-qubit model on a few hundred samples): each operation then takes microseconds, and extra
OpenMP threads only spin waiting for work (the same training took twice the CPU seconds on two threads as on
one, and no less wall time).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import torch

__all__ = ["SMALL_WORK_AMPLITUDES", "configure_threads", "free_cores", "resolve_device", "small_work_threads"]

SMALL_WORK_AMPLITUDES = 2**16
"""Amplitudes per simulator call (rows x ``2**qubits``) below which :func:`small_work_threads` uses one
torch thread."""


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


@contextmanager
def small_work_threads(amplitudes: int, device: str | torch.device = "cpu") -> Iterator[int]:
    """One torch thread inside the block when the work is small (CPU, fewer than ``SMALL_WORK_AMPLITUDES``
    ``amplitudes`` per call); the thread count set before is restored on leaving. Yields the threads used.

    >>> with small_work_threads(120 * 2**4) as n:
    ...     n
    1
    """
    before = torch.get_num_threads()
    small = torch.device(device).type == "cpu" and amplitudes < SMALL_WORK_AMPLITUDES
    if not small or before == 1:
        yield before
        return
    torch.set_num_threads(1)
    try:
        yield 1
    finally:
        torch.set_num_threads(before)
