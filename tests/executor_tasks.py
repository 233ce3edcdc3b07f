"""Task functions for the executor tests (importable by spawned workers)."""

from __future__ import annotations

import os
from pathlib import Path

from qgen.executors import tick


def _rows(n: int, scale: int) -> list[int]:
    out = []
    for i in range(n):
        out.append(i * scale)
        tick(1)
    return out


def _die_once(marker: str, value: int) -> int:
    """Kill this worker process the first time (a lost worker), succeed when retried."""
    path = Path(marker)
    if not path.exists():
        path.write_text("died once")
        os._exit(1)
    return value * 10
