"""A test-only dataset kind for the executor tests (importable by name by local and Ray workers).

``test_arch`` builds the rows of the ``architectures`` kind, optionally slowly or dying once; the settings
come from the environment, which local and Ray workers inherit from the driver.
"""

from __future__ import annotations

import os
from pathlib import Path

from qgen.executors import tick

SLOW_ENV = "QGEN_TEST_SHARD_SECONDS"  # seconds each shard takes (ticking row by row)
DIE_ENV = "QGEN_TEST_DIE_DIR"  # the first attempt at shard 1 kills its worker (a marker file remembers it)


def arch_shard(config, shard: int) -> tuple[list[dict], dict]:
    """The ``architectures`` rows of ``shard``; slow or dying once as the environment says."""
    import time

    from qgen.search.architectures import run_shard

    die = os.environ.get(DIE_ENV)
    if die and shard == 1:
        marker = Path(die) / "died-1"
        if not marker.exists():
            marker.write_text("worker killed once")
            os._exit(1)
    rows, notes = run_shard(config, shard)
    pause = float(os.environ.get(SLOW_ENV, "0")) / max(1, len(rows))
    for _ in rows:
        time.sleep(pause)
        tick(1)
    return rows, notes


def _register() -> None:
    from dataclasses import replace

    from qgen.datasets import BUILDERS, register_kind
    from qgen.search.architectures import KIND

    if "test_arch" not in BUILDERS:
        register_kind(replace(KIND, name="test_arch", run_shard=arch_shard))


_register()
