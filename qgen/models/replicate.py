"""One structure, many inputs: a compiled one-circuit batch widened to ``B`` rows.

:class:`qgen.sim.CompiledBatch` compiles every row of a batch (each row may have its own structure); a model
runs one circuit on many samples, so it compiles the ``B`` copies once per batch size and caches the result
(:class:`qgen.models.layer.QuantumLayer`). The simulator's compile step is cheap enough for this (tables are
cached per gate), and going through the public constructor keeps the models independent of the simulator's
internal layout. The result equals compiling the copies (tests/models/test_replicate.py).
"""

from __future__ import annotations

from qgen.sim.compiled import CompiledBatch


def replicate(single: CompiledBatch, rows: int) -> CompiledBatch:
    """A batch of ``rows`` copies of the one-circuit batch ``single`` (same as compiling the copies)."""
    if single.batch_size != 1:
        raise ValueError("replicate() takes a batch compiled from one circuit")
    if rows == 1:
        return single
    return CompiledBatch(single.gatelists * rows, single.dtype, single.device, fuse=single.fuse)
