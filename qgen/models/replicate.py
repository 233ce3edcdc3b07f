"""One structure, many inputs: replicate a compiled one-circuit batch to ``B`` rows without recompiling.

:class:`qgen.sim.CompiledBatch` compiles every row of a batch (it allows a different structure per row), so
compiling ``B`` copies of one circuit costs ``B`` times the work of one. A model runs one circuit on many
samples; :func:`replicate` builds the ``B``-row batch from the compiled single circuit with tensor ops only
(the slot matrices, gate groups and angle tables are tiled, each row reading its own parameter row).
The result is checked against a fresh ``CompiledBatch`` in the tests (tests/models/test_replicate.py).
"""

from __future__ import annotations

import copy

import torch

from qgen.sim.compiled import CompiledBatch, _ParamGroup


def replicate(single: CompiledBatch, rows: int) -> CompiledBatch:
    """A batch of ``rows`` copies of the one-circuit batch ``single`` (same as compiling the copies)."""
    if single.batch_size != 1:
        raise ValueError("replicate() takes a batch compiled from one circuit")
    if rows == 1:
        return single
    out = copy.copy(single)
    dev = single.device
    p = single.num_parameters
    a1 = single._num_angles
    out.batch_size = rows
    out.gatelists = single.gatelists * rows
    out.param_counts = single.param_counts * rows
    out._const = {w: c.expand(-1, rows, -1, -1, -1) for w, c in single._const.items()}
    offsets = torch.arange(rows, device=dev)
    groups = []
    for g in single._groups:
        m1 = g.slot.shape[0]
        groups.append(
            _ParamGroup(
                g.spec_name,
                g.width,
                g.slot.repeat(rows),
                offsets.repeat_interleave(m1),
                g.step.repeat(rows),
                (g.angle_pos[None] + (offsets * a1)[:, None, None]).reshape(rows * m1, -1),
                g.embed.repeat(rows, 1),
            )
        )
    out._groups = groups
    idx, coeff, off = single._angle_idx, single._angle_coeff, single._angle_offset
    zero1, zero = p, rows * p  # the appended zero slot of the flat parameter vector

    def shift(block: torch.Tensor) -> torch.Tensor:
        shifted = block[None] + (offsets * p)[:, None, None]
        return torch.where(block[None] == zero1, torch.full_like(shifted, zero), shifted)

    terms, phase = idx[:a1], idx[a1:]
    width = idx.shape[1]
    out._angle_idx = torch.cat([shift(terms).reshape(-1, width), shift(phase).reshape(-1, width)])
    out._angle_coeff = torch.cat([coeff[:a1].repeat(rows, 1), coeff[a1:].repeat(rows, 1)])
    out._angle_offset = torch.cat([off[:a1].repeat(rows), off[a1:].repeat(rows)])
    out._num_angles = rows * a1
    return out
