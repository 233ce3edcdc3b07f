"""Compile a batch of circuits with different structures into slot tensors that qgen.sim executes at once.

Gate (or fused block) ``s`` of every circuit forms slot ``s``. A slot applies one k-qubit matrix per circuit
(k = the largest arity in the slot; smaller gates are padded with identities on other qubits): the circuit's
amplitudes are reordered so that the slot's qubits become the last axis and multiplied by the circuit's
matrix, one ``bmm`` for the whole batch. :mod:`qgen.sim.evolve` runs the slots (precomputed per-circuit
reorderings for small and mid sizes, permutation tables and the adjoint method for large states).
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit

from qgen.errors import SimulationError
from qgen.sim.blocks import (
    FUSE_FROM_QUBITS,
    FUSE_WIDE_FROM_QUBITS,
    MAX_BLOCK_GATES,
    U3_FORM_GATES,
    U3_GROUP,
    constant_matrix,
    embed_matrix,
    embedding_index,
    fuse,
    padded_qubits,
    permutation,
    u3_form,
    u3_matrices,
    where_in,
)
from qgen.sim.device import resolve_device
from qgen.sim.evolve import EvolveAdjoint, EvolveComposed, Plan, Step
from qgen.sim.gatelist import GateList, ParamExpr, from_qiskit
from qgen.sim.gates import GATES

CircuitLike = QuantumCircuit | GateList


def as_gatelist(circuit: CircuitLike) -> GateList:
    """Return ``circuit`` as a :class:`GateList` (lowering Qiskit circuits)."""
    if isinstance(circuit, GateList):
        return circuit
    if isinstance(circuit, QuantumCircuit):
        return from_qiskit(circuit)
    raise SimulationError(f"expected a QuantumCircuit or GateList, got {type(circuit).__name__}")


@dataclass
class _ParamGroup:
    """All occurrences of one parametric gate kind within slots of one width."""

    spec_name: str
    width: int
    slot: torch.Tensor  # (m,) position among the slots of this width
    row: torch.Tensor  # (m,) circuit index
    step: torch.Tensor  # (m,) position of the gate within its fused block
    angle_pos: torch.Tensor  # (m, num_params) rows into the flat angle vector
    embed: torch.Tensor | None  # (m, K*K) index into the gate's flattened matrix (+1 zero entry)


@dataclass
class _Slot:
    width: int
    pos: int  # position among slots of this width
    uniform: tuple[int, ...] | None  # the shared padded qubits, or None
    tuple_ids: torch.Tensor | None  # (B,) into the permutation table of this width
    trainable: bool = True  # some circuit has a parametric gate here


class CompiledBatch:
    """A batch of same-size circuits (different structures allowed) ready to run on a device.

    Build with :func:`compile_batch`. ``num_parameters`` is the width of the parameter matrix
    ``(batch_size, num_parameters)`` that :meth:`run` takes (rows of circuits with fewer parameters are
    padded; the padding is ignored). ``fuse`` merges runs of consecutive gates acting within that many
    qubits into one block matrix (``"auto"``: blocks of at most 2 gates on 2 qubits from 6 qubits up, of
    at most 4 gates on 3 qubits from 10 qubits up, else one gate per block). ``engine`` picks the executor:
    ``"program"`` (every circuit runs its own op list in numba kernels, :mod:`qgen.sim.program`; needs the
    ``fast`` extra and the CPU; it computes in complex128, also for complex64 batches, whose states it rounds
    at the end), ``"torch"`` (the slot executors of :mod:`qgen.sim.evolve`) or
    ``"auto"`` (the op-table engine where it runs and the circuits have at most
    :data:`~qgen.sim.program.PROGRAM_MAX_QUBITS` qubits, else torch).
    """

    def __init__(
        self,
        gatelists: Sequence[GateList],
        dtype: torch.dtype,
        device: torch.device,
        fuse: int | None | str = "auto",
        engine: str = "auto",
    ) -> None:
        if not gatelists:
            raise SimulationError("cannot compile an empty batch of circuits")
        sizes = {g.num_qubits for g in gatelists}
        if len(sizes) != 1:
            raise SimulationError(f"a batch needs circuits of one size; got qubit counts {sorted(sizes)}")
        self.num_qubits = sizes.pop()
        if self.num_qubits > 30:
            raise SimulationError(f"{self.num_qubits} qubits is beyond a statevector simulator")
        self.gatelists = list(gatelists)
        self.batch_size = len(gatelists)
        self.param_counts = [g.num_parameters for g in gatelists]
        self.num_parameters = max(self.param_counts)
        self.dtype = dtype
        self.real_dtype = torch.float64 if dtype == torch.complex128 else torch.float32
        self.device = device
        self.max_block_gates = MAX_BLOCK_GATES
        if fuse == "auto":
            # fusing gates into blocks saves passes over the state; below ~6 qubits the state is as small as
            # a block matrix and the per-block products cost more than they save. Blocks are padded to the
            # longest block of their slot, so short blocks keep the padding (and its products) small.
            fuse, self.max_block_gates = None, 1
            if self.num_qubits >= FUSE_FROM_QUBITS:
                fuse, self.max_block_gates = 2, 2
            if self.num_qubits >= FUSE_WIDE_FROM_QUBITS:
                fuse, self.max_block_gates = 3, 4
        self.fuse = fuse
        widest = max((len(op.qubits) for g in gatelists for op in g.ops), default=1)
        self.engine = _resolve_engine(engine, self.num_qubits, dtype, device, widest)
        self._program = None
        if self.engine == "program":
            from qgen.sim.program import Program

            self._program = Program(self.gatelists, self.num_parameters, dtype)
            return
        enabled = gc.isenabled()
        gc.disable()  # the build allocates many small objects and no cycles: collector passes cost ~half
        try:
            self._build()
        finally:
            if enabled:
                gc.enable()

    # ------------------------------------------------------------------ compile
    def _build(self) -> None:
        n, batch = self.num_qubits, self.batch_size
        blocks = [fuse(g.ops, self.fuse, self.max_block_gates) for g in self.gatelists]
        num_slots = max((len(b) for b in blocks), default=0)
        widths, lengths = [], []
        for s in range(num_slots):
            present = [blk[s] for blk in blocks if s < len(blk)]
            widths.append(min(max(len(q) for q, _ in present), n))
            lengths.append(max(len(ops) for _, ops in present))
        by_width: dict[int, int] = {}
        max_len: dict[int, int] = {}
        for w, length in zip(widths, lengths, strict=True):
            max_len[w] = max(max_len.get(w, 1), length)
        self.slots: list[_Slot] = []
        tables: dict[int, dict[tuple[int, ...], int]] = {}
        consts: dict[int, list[np.ndarray]] = {}
        angle_terms: list[ParamExpr] = []
        angle_rows: list[int] = []
        const_cache: dict[tuple, np.ndarray] = {}
        groups: dict[tuple[str, int], dict[str, list]] = {}
        for s, width in enumerate(widths):
            pos = by_width.get(width, 0)
            by_width[width] = pos + 1
            dim = 2**width
            mats = np.broadcast_to(np.eye(dim, dtype=complex), (batch, max_len[width], dim, dim)).copy()
            tuples = []
            trainable = False
            for b, blk in enumerate(blocks):
                if s >= len(blk):
                    tuples.append(tuple(range(width)))
                    continue
                qubits, ops = blk[s]
                padded = padded_qubits(qubits, width)
                tuples.append(padded)
                for j, op in enumerate(ops):
                    where = where_in(op.qubits, padded)
                    if op.name == "unitary":
                        mats[b, j] = embed_matrix(op.matrix, where, width)
                    elif not op.is_parametric:
                        key = (op.name, width, where, tuple(p.offset for p in op.params))
                        if key not in const_cache:
                            const_cache[key] = embed_matrix(constant_matrix(op), where, width)
                        mats[b, j] = const_cache[key]
                    else:
                        mats[b, j] = 0.0  # filled at run time
                        trainable = True
                        kind, exprs = op.name, op.params
                        if kind in U3_FORM_GATES:  # every one-qubit kind in one builder call
                            kind, exprs = U3_GROUP, u3_form(op.name, op.params)
                        grp = groups.setdefault(
                            (kind, width), {"slot": [], "row": [], "step": [], "angle": [], "embed": []}
                        )
                        grp["slot"].append(pos)
                        grp["row"].append(b)
                        grp["step"].append(j)
                        grp["embed"].append(embedding_index(len(op.qubits), where, width))
                        start = len(angle_terms)
                        angle_terms.extend(exprs)
                        angle_rows.extend([b] * len(exprs))
                        grp["angle"].append(list(range(start, start + len(exprs))))
            consts.setdefault(width, []).append(mats)
            uniform = tuples[0] if tuples.count(tuples[0]) == len(tuples) else None
            ids = None
            if uniform is None:
                table = tables.setdefault(width, {})
                ids = torch.tensor([table.setdefault(t, len(table)) for t in tuples], dtype=torch.long)
            self.slots.append(_Slot(width, pos, uniform, ids, trainable))

        dev = self.device
        self._const = {w: torch.tensor(np.stack(m), dtype=self.dtype, device=dev) for w, m in consts.items()}
        self._perm: dict[int, torch.Tensor] = {}
        self._inv: dict[int, torch.Tensor] = {}
        for w, table in tables.items():
            perms = np.stack([permutation(n, t) for t in table])
            self._perm[w] = torch.tensor(perms, device=dev)
            self._inv[w] = torch.tensor(np.argsort(perms, axis=1), device=dev)
        self._plan = self._composed_plan(tables)
        self.slots = [
            _Slot(sl.width, sl.pos, sl.uniform, _to(sl.tuple_ids, dev), sl.trainable) for sl in self.slots
        ]
        self._groups = [
            _ParamGroup(
                name,
                w,
                torch.tensor(g["slot"], dtype=torch.long, device=dev),
                torch.tensor(g["row"], dtype=torch.long, device=dev),
                torch.tensor(g["step"], dtype=torch.long, device=dev),
                torch.tensor(g["angle"], dtype=torch.long, device=dev),
                torch.tensor(np.stack(g["embed"]), dtype=torch.long, device=dev),
            )
            for (name, w), g in groups.items()
        ]
        # per width: the (slot, row[, step]) positions every group's matrices fill, in group order; the step
        # axis is dropped where no block holds more than one gate
        self._single = {w: c.shape[2] == 1 for w, c in self._const.items()}
        for w, single in self._single.items():
            if single:
                self._const[w] = self._const[w][:, :, 0].contiguous()
        self._fill: dict[int, tuple[torch.Tensor, ...]] = {}
        for w in {grp.width for grp in self._groups}:
            mine = [grp for grp in self._groups if grp.width == w]
            parts = [torch.cat([grp.slot for grp in mine]), torch.cat([grp.row for grp in mine])]
            if not self._single[w]:
                parts.append(torch.cat([grp.step for grp in mine]))
            self._fill[w] = tuple(parts)
        self._groups.sort(key=lambda grp: grp.width)  # stable: group order within a width is kept
        for grp in self._groups:
            k = 2**grp.width
            arity = 1 if grp.spec_name == U3_GROUP else GATES[grp.spec_name].num_qubits
            plain = torch.arange(k * k, device=dev).expand_as(grp.embed)
            if arity == grp.width and bool((grp.embed == plain).all()):
                grp.embed = None  # the gate fills its block as it is
        # Angles (and global phases) = offset + sum_t coeff_t * flat_params[idx_t]; the row of circuit b's
        # parameter j is b * P + j in the flattened (B, P) matrix; the extra last slot is a zero.
        phases = [g.global_phase for g in self.gatelists]
        all_terms = angle_terms + phases
        self._num_angles = len(angle_terms)
        width_t = max((len(t.terms) for t in all_terms), default=0)
        width_t = max(width_t, 1)
        zero_slot = batch * self.num_parameters
        idx = np.full((len(all_terms), width_t), zero_slot, dtype=np.int64)
        coeff = np.zeros((len(all_terms), width_t))
        offset = np.zeros(len(all_terms))
        for a, (expr, b) in enumerate(zip(all_terms, angle_rows + list(range(batch)), strict=True)):
            offset[a] = expr.offset
            for t, (i, c) in enumerate(expr.terms):
                idx[a, t] = b * self.num_parameters + i
                coeff[a, t] = c
        self._angle_idx = torch.tensor(idx, device=dev)
        self._angle_coeff = torch.tensor(coeff, dtype=self.real_dtype, device=dev)
        self._angle_offset = torch.tensor(offset, dtype=self.real_dtype, device=dev)
        self._has_phase = any(not p.is_constant or p.offset != 0.0 for p in phases)

    def _composed_plan(self, tables: dict[int, dict[tuple[int, ...], int]]) -> Plan | None:
        """Per-circuit gather indices between consecutive slot layouts, when they fit the memory budget."""
        n, batch, num = self.num_qubits, self.batch_size, len(self.slots)
        if num == 0 or num * batch * 2**n > COMPOSED_MAX_ELEMENTS:
            return None
        dev = self.device
        stacked = {w: np.stack([permutation(n, t) for t in table]) for w, table in tables.items()}
        prev: np.ndarray | None = None  # (B, D) or (1, D): the permutation of the previous layout
        prev_inv: np.ndarray | None = None
        steps = []
        for slot in self.slots:
            if slot.uniform is not None:
                perm = permutation(n, slot.uniform)[None, :]
            else:
                perm = stacked[slot.width][slot.tuple_ids.numpy()]
            inv = np.argsort(perm, axis=1)
            if prev is None:
                fwd, bwd = perm, inv
            else:
                # local_s[i] = std[perm[i]] = local_{s-1}[prev_inv[perm[i]]]
                shape = (max(len(prev), len(perm)), 2**n)
                fwd = np.take_along_axis(np.broadcast_to(prev_inv, shape), np.broadcast_to(perm, shape), 1)
                bwd = np.take_along_axis(np.broadcast_to(inv, shape), np.broadcast_to(prev, shape), 1)
            fwd_t, bwd_t = _rows_index(fwd, batch, dev), _rows_index(bwd, batch, dev)
            steps.append(Step(slot.width, slot.pos, fwd_t, bwd_t, slot.trainable))
            prev, prev_inv = perm, inv
        final, final_inv = _rows_index(prev_inv, batch, dev), _rows_index(prev, batch, dev)
        return Plan(steps, final, final_inv)

    # ------------------------------------------------------------------ run
    def _check_params(self, params: torch.Tensor | None) -> torch.Tensor:
        shape = (self.batch_size, self.num_parameters)
        if params is None:
            if self.num_parameters:
                raise SimulationError(
                    f"the circuits have {self.num_parameters} free parameter(s); pass values for them"
                )
            return torch.zeros(shape, dtype=self.real_dtype, device=self.device)
        params = torch.as_tensor(params, device=self.device)
        if params.dim() == 1 and self.batch_size == 1:
            params = params[None, :]
        if tuple(params.shape) != shape:
            raise SimulationError(f"parameters must have shape {shape}, got {tuple(params.shape)}")
        return params.to(self.real_dtype)

    def angles(self, params: torch.Tensor) -> torch.Tensor:
        """All runtime angles (then the global phases) as one vector."""
        flat = torch.cat([params.reshape(-1), params.new_zeros(1)])
        return (flat[self._angle_idx] * self._angle_coeff).sum(-1) + self._angle_offset

    def matrices(self, angles: torch.Tensor) -> dict[int, torch.Tensor]:
        """Slot matrices per width, ``(slots, B, 2**w, 2**w)``: the product of each fused block's gates."""
        steps = dict(self._const)  # (slots, B[, L], K, K): the gates of each block, identity-padded
        filled: dict[int, list[torch.Tensor]] = {}
        for grp in self._groups:
            if grp.spec_name == U3_GROUP:
                u = u3_matrices(angles[grp.angle_pos], self.dtype)
            else:
                u = GATES[grp.spec_name].matrices(angles[grp.angle_pos], self.dtype)  # (m, A, A)
            if grp.embed is not None:
                flat = torch.cat([u.reshape(u.shape[0], -1), u.new_zeros(u.shape[0], 1)], dim=1)
                k = 2**grp.width
                u = flat.gather(1, grp.embed).view(-1, k, k)  # embedded in the block's qubits
            filled.setdefault(grp.width, []).append(u)
        for width, parts in filled.items():
            values = parts[0] if len(parts) == 1 else torch.cat(parts)
            steps[width] = steps[width].index_put(self._fill[width], values)
        mats = {}
        for width, st in steps.items():
            if self._single[width]:
                mats[width] = st
                continue
            gates = st.unbind(2)  # one backward node, not one per step
            m = gates[0]
            for g in gates[1:]:
                m = g @ m  # later gates act after earlier ones
            mats[width] = m
        return mats

    def run(
        self, params: torch.Tensor | None = None, initial_state: torch.Tensor | None = None
    ) -> torch.Tensor:
        """Final statevectors ``(B, 2**n)`` for parameter matrix ``params`` ``(B, num_parameters)``."""
        params = self._check_params(params)
        batch, dim = self.batch_size, 2**self.num_qubits
        if self._program is not None:
            init = None
            if initial_state is not None:
                init = torch.as_tensor(initial_state, dtype=self.dtype, device=self.device)
            return self._program.run(params, init)
        if initial_state is None:
            psi = torch.zeros(batch, dim, dtype=self.dtype, device=self.device)
            psi[:, 0] = 1.0
        else:
            psi = torch.as_tensor(initial_state, dtype=self.dtype, device=self.device)
            psi = psi.expand(batch, dim) if psi.dim() == 1 else psi
        angles = self.angles(params)
        mats = self.matrices(angles)
        widths = sorted(mats)
        if self._plan is not None:
            psi = EvolveComposed.apply(self._plan, widths, psi, *[mats[w] for w in widths])
        else:
            psi = EvolveAdjoint.apply(self, widths, psi, *[mats[w] for w in widths])
        if self._has_phase:
            phase = angles[self._num_angles :]
            psi = psi * torch.polar(torch.ones_like(phase), phase).to(self.dtype)[:, None]
        return psi


ENGINES = ("auto", "program", "torch")


# the op-table kernels apply gates on at most this many qubits (wider ones, e.g. a 5-qubit QFT block: torch)
PROGRAM_MAX_GATE_QUBITS = 3


def _resolve_engine(
    engine: str, num_qubits: int, dtype: torch.dtype, device: torch.device, gate_qubits: int = 1
) -> str:
    """The executor a batch runs on (see :class:`CompiledBatch`); ``gate_qubits``: its widest gate."""
    from qgen.sim.program import PROGRAM_MAX_QUBITS, numba_available

    if engine not in ENGINES:
        raise SimulationError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if engine == "torch":
        return "torch"
    fits = device.type == "cpu" and gate_qubits <= PROGRAM_MAX_GATE_QUBITS
    if engine == "program":
        if device.type != "cpu":
            raise SimulationError(f"the op-table engine runs on the CPU, not {device}; use engine='torch'")
        if gate_qubits > PROGRAM_MAX_GATE_QUBITS:
            raise SimulationError(
                f"the op-table engine applies gates on at most {PROGRAM_MAX_GATE_QUBITS} qubits; this batch "
                f"has a {gate_qubits}-qubit gate: use engine='torch' (or 'auto')"
            )
        from qgen.optional import require

        require("numba", extra="fast", purpose="qgen.sim's op-table engine")
        return "program"
    return "program" if fits and num_qubits <= PROGRAM_MAX_QUBITS and numba_available() else "torch"


def _rows_index(index: np.ndarray, batch: int, device: torch.device) -> torch.Tensor | None:
    """A ``(B, D)`` gather index as a tensor (``(D,)`` when every row is the same); None for the identity."""
    if (index == np.arange(index.shape[1])).all():
        return None
    if index.shape[0] == 1:
        return torch.from_numpy(np.array(index[0], dtype=np.int64)).to(device)
    rows = np.array(np.broadcast_to(index, (batch, index.shape[1])), dtype=np.int64)  # a writable copy
    return torch.from_numpy(rows).to(device)


def _to(t: torch.Tensor | None, device: torch.device) -> torch.Tensor | None:
    return None if t is None else t.to(device)


# the composed executor keeps two int64 gather indices per amplitude and slot (and, during a backward pass,
# the local states): up to this many amplitudes x slots x circuits (256 MB), else the adjoint executor runs
COMPOSED_MAX_ELEMENTS = 2**23


def compile_batch(
    circuits: Sequence[CircuitLike] | CircuitLike,
    *,
    dtype: torch.dtype = torch.complex128,
    device: str | torch.device = "cpu",
    fuse: int | None | str = "auto",
    engine: str = "auto",
) -> CompiledBatch:
    """Compile one circuit or a batch (Qiskit circuits or GateLists, same qubit count) for qgen.sim.

    Args:
        circuits: the circuits; structures may differ, qubit counts may not.
        dtype: ``torch.complex128`` or ``torch.complex64``.
        device: ``"cpu"``, ``"cuda"`` or ``"auto"``.
        fuse: gate fusion (see :class:`CompiledBatch`): ``"auto"``, a qubit count, or ``None`` (off).
        engine: ``"auto"``, ``"program"`` (numba op tables) or ``"torch"`` (see :class:`CompiledBatch`).
    """
    if isinstance(circuits, (QuantumCircuit, GateList)):
        circuits = [circuits]
    if dtype not in (torch.complex128, torch.complex64):
        raise SimulationError(f"dtype must be torch.complex128 or torch.complex64, got {dtype}")
    return CompiledBatch(
        [as_gatelist(c) for c in circuits], dtype, resolve_device(device), fuse=fuse, engine=engine
    )
