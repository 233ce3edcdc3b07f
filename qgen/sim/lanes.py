"""One structure, many inputs, batch in the SIMD lanes: a numba executor for small registers on the CPU.

The state of B samples is held as ``(2**n, B)`` (split real and imaginary parts), so every gate is one loop
over amplitude pairs whose inner loop runs over the samples. Runs of one-qubit gates on a qubit are fused into
one 2x2 matrix per sample (runs of shared gates inside them are multiplied once; the angles' cosines and sines
come from torch, so autograd carries their gradients on to the parameters); the chains that open each qubit
make the product state the kernel starts from; CX, CZ and SWAP are in-place permutations and sign flips. The
backward pass is the adjoint method (the state is uncomputed op by op beside its gradient, nothing stored):
exact gradients of every fused matrix in one sweep. :mod:`qgen.sim.lane_expect` runs the whole path from
parameter rows to expectation values as one autograd step.

Used by :class:`qgen.sim.structured.StructuredCircuit` when numba is installed (``pip install 'qgen[fast]'``),
the device is the CPU, the amplitudes are complex128 and the circuit has one- and two-qubit gates of those
kinds only (:func:`lanes_supported`); the torch stages stay the fallback.
"""

from __future__ import annotations

import numpy as np
import torch

from qgen.sim.blocks import U3_FORM_GATES, u3_form
from qgen.sim.gatelist import GateList, Op, ParamExpr, linear_forms

LANES_MAX_QUBITS = 12
_PERMUTATIONS = {"cx": 1, "cz": 2, "swap": 3}


def lanes_supported(gatelist: GateList, dtype: torch.dtype, device: torch.device) -> bool:
    """Whether the lanes executor runs this circuit (numba present, CPU, complex128, known gates)."""
    if device.type != "cpu" or dtype != torch.complex128 or gatelist.num_qubits > LANES_MAX_QUBITS:
        return False
    phase = gatelist.global_phase
    if not phase.is_constant or phase.offset != 0.0:
        return False
    for op in gatelist.ops:
        if len(op.qubits) == 1:
            if op.is_parametric and op.name not in U3_FORM_GATES:
                return False
        elif op.name not in _PERMUTATIONS:
            return False
    from qgen.sim.program import numba_available

    return numba_available()


def _physical(table: list[tuple[int, int, int, int]], n: int) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The op table with CX and SWAP folded into a relabelling of the state's rows (no data moves): kinds
    (0 one-qubit matrix, 2 CZ), references into the row pairs ``(U, D/2, 2)`` of the matrices and the row
    lists ``(Z, D/4)`` of the sign flips, and the final row of every amplitude."""
    dim = 2**n
    idx = np.arange(dim)
    rows = idx.copy()  # logical amplitude k lives in row rows[k]
    kinds, refs, pairs, flips = [], [], [], []
    for kind, qa, qb, _ in table:
        a, b = (idx >> qa) & 1, (idx >> qb) & 1
        if kind == 0:
            low = idx[a == 0]
            kinds.append(0)
            refs.append(len(pairs))
            pairs.append(np.stack([rows[low], rows[low | (1 << qa)]], 1))
        elif kind == 2:
            kinds.append(2)
            refs.append(len(flips))
            flips.append(rows[(a == 1) & (b == 1)])
        elif kind == 1:  # CX: the new amplitude k is the old one at k with the target flipped (control set)
            rows = rows[np.where(a == 1, idx ^ (1 << qb), idx)]
        else:  # SWAP: the old amplitude with bits qa and qb exchanged
            rows = rows[np.where(a != b, idx ^ (1 << qa) ^ (1 << qb), idx)]
    half = max(dim // 2, 1)
    out = (
        np.array(kinds, dtype=np.int64),
        np.array(refs, dtype=np.int64),
        np.array(pairs, dtype=np.int64).reshape(-1, half, 2),
        np.array(flips, dtype=np.int64).reshape(len(flips), -1) if flips else np.full((0, 1), -1, np.int64),
    )
    return out, rows.astype(np.int64)


def state_forward(circuit: LaneCircuit, m: np.ndarray, buf: tuple | None = None) -> tuple:
    """Run the chain matrices ``m`` ``(2, C, 4, B)`` through the circuit (product state of the opening chains,
    then the op table) in the work buffers ``buf`` (:meth:`LaneCircuit._take`); returns them (the final state
    is slot 0 of ``buf[2:4]``) and what :func:`state_backward` needs."""
    from qgen.sim.lane_fused import run_state

    buf = circuit._take(m.shape[3]) if buf is None else buf
    count = len(circuit._table_chains)
    m_table = (m[0, :count], m[1, :count])  # the table's chains lead (see LaneCircuit)
    state = (circuit._openers_np, count, *buf[4:8], buf[2][0], buf[3][0])
    run_state(m, m_table, state, circuit._table)
    return buf, m_table, state


def state_backward(circuit: LaneCircuit, saved: tuple) -> np.ndarray:
    """The chain matrices' gradient ``(2, C, 4, B)`` (in ``buf[0]``) by the adjoint method, from the final
    state's gradient already in ``buf[8:10]`` (lanes layout)."""
    from qgen.sim.lane_fused import state_grad

    buf, m_table, state = saved
    dm = buf[0]
    count = len(circuit._table_chains)
    state_grad(m_table, dm, (dm[0, :count], dm[1, :count]), state, buf[8:12], circuit._table)
    return dm


class _Run(torch.autograd.Function):
    """``psi = circuit(chain matrices)`` on the lanes kernels (:func:`state_forward`); backward by the adjoint
    method. The matrices come as ``(2, C, 4, B)`` (real, imaginary)."""

    @staticmethod
    def forward(ctx, mats, circuit, probs):  # noqa: D102
        from qgen.sim.lane_kernels import from_lanes_perm, probs_from_lanes

        m = mats.detach().numpy()
        saved = state_forward(circuit, m)
        sre, sim = saved[0][2:4]
        last, rows, dim = 0, m.shape[3], 2**circuit.num_qubits
        if probs:
            out = np.empty((rows, dim))
            probs_from_lanes(sre[last], sim[last], circuit._final, out)
        else:
            out = np.empty((rows, dim), dtype=np.complex128)
            from_lanes_perm(sre[last], sim[last], circuit._final, out)
        if ctx.needs_input_grad[0]:
            ctx.saved = (circuit, saved, m.shape, probs)
        else:
            circuit._give(saved[0])
        return torch.from_numpy(out)

    @staticmethod
    def backward(ctx, grad):  # noqa: D102
        from qgen.sim.lane_kernels import probs_grad_to_lanes, to_lanes_perm

        circuit, saved, shape, probs = ctx.saved
        ctx.saved = None
        sre, sim = saved[0][2:4]
        gr, gi = saved[0][8:10]
        if probs:
            last = 0
            probs_grad_to_lanes(grad.contiguous().numpy(), circuit._final, sre[last], sim[last], gr, gi)
        else:
            to_lanes_perm(grad.contiguous().numpy(), circuit._final, gr, gi)
        dm = state_backward(circuit, saved).copy()
        circuit._give(saved[0])
        return torch.from_numpy(dm), None, None


class LaneCircuit:
    """A circuit compiled for the lanes kernels: fused one-qubit chains, an op table, the opening product."""

    def __init__(self, gatelist: GateList, batched: frozenset[int]) -> None:
        self.num_qubits = n = gatelist.num_qubits
        self.num_parameters = gatelist.num_parameters
        self.batched = batched
        exprs: list[ParamExpr] = []  # five u3 angles per parametric gate
        self._gates: list[tuple[str, object]] = []  # ("p", first angle column) | ("c", constant matrix)
        self._chains: list[list[int]] = []  # gate indices, first applied first
        pending: dict[int, list[int]] = {q: [] for q in range(n)}
        opened = [False] * n
        self._openers: dict[int, int] = {}  # qubit -> chain making its initial one-qubit state
        table: list[tuple[int, int, int, int]] = []  # (kind, qa, qb, chain)

        def flush(q: int) -> None:
            chain = pending[q]
            pending[q] = []
            if not opened[q]:
                opened[q] = True
                if chain:
                    self._openers[q] = self._add_chain(chain)
            elif chain:
                table.append((0, q, 0, self._add_chain(chain)))

        for op in gatelist.ops:
            if len(op.qubits) == 1:
                pending[op.qubits[0]].append(self._add_gate(op, exprs))
                continue
            for q in op.qubits:
                flush(q)
            table.append((_PERMUTATIONS[op.name], op.qubits[0], op.qubits[1], -1))
        for q in range(n):
            flush(q)
        # renumber the chains: the table's in table order first, then the openers (the table's matrices are
        # then the leading block of the chain products: a view, no copy)
        order = [t[3] for t in table if t[0] == 0] + sorted(self._openers.values())
        new_id = {old: i for i, old in enumerate(order)}
        self._chains = [self._chains[c] for c in order]
        self._openers = {q: new_id[c] for q, c in self._openers.items()}
        table = [(k, a, b, new_id[c] if c >= 0 else c) for k, a, b, c in table]
        self._table, self._final = _physical(table, n)
        self._table_chains = [t[3] for t in table if t[0] == 0]
        self._pool: list[tuple[np.ndarray, ...]] = []
        offset, coeff = linear_forms(exprs, self.num_parameters)
        self._offset, self._coeff = torch.from_numpy(offset), torch.from_numpy(coeff)
        cols = [set(i for e in exprs[5 * g : 5 * g + 5] for i, _ in e.terms) for g in range(len(exprs) // 5)]
        self._gate_batched = [bool(c & batched) for c in cols]
        param_gates = [i for i, (k, _) in enumerate(self._gates) if k == "p"]
        b_g = [i for i in param_gates if self._gate_batched[self._gates[i][1] // 5]]
        s_g = [i for i in param_gates if not self._gate_batched[self._gates[i][1] // 5]]
        c_g = [i for i, (k, _) in enumerate(self._gates) if k == "c"]
        order = b_g + s_g + c_g  # the pool of gate matrices the chains index

        def angle_cols(gs: list[int]) -> torch.Tensor | None:
            cols = [self._gates[i][1] + k for i in gs for k in range(5)]
            return torch.tensor(cols, dtype=torch.long) if cols else None

        self._b_cols, self._s_cols = angle_cols(b_g), angle_cols(s_g)
        self._b_pure = all(c <= batched for c in cols if c & batched)  # per-sample gates read data only
        scale = [0.5, 1.0, 1.0, 1.0, 1.0] * max(len(b_g), len(s_g), 1)  # theta / 2, then the phases
        self._scale = torch.tensor(scale, dtype=torch.float64)
        if self._b_cols is not None:  # per-sample gates: columns with constant angles are evaluated once
            reads = self._coeff[:, self._b_cols].abs().sum(0) > 0
            var = torch.nonzero(reads).reshape(-1)
            const = self._offset[self._b_cols] * self._scale[: len(self._b_cols)]
            self._b_var = (var, torch.cos(const), torch.sin(const))
        consts = [self._gates[i][1].numpy().reshape(4) for i in c_g]
        self._consts = np.array(consts, dtype=np.complex128).reshape(-1, 4)
        src = [0] * len(b_g) + [1] * len(s_g) + [2] * len(c_g)
        offs = [5 * i for i in range(len(b_g))] + [5 * i for i in range(len(s_g))] + list(range(len(c_g)))

        slot = {g: i for i, g in enumerate(order)}
        # level 1: maximal runs of non-per-sample gates in a chain, multiplied once per call (virtual gates
        # appended to the table with src 3); level 2: per-sample gates and virtual gates
        batched_set = set(b_g)
        runs: list[list[int]] = []
        level2: list[list[int]] = []
        for chain in self._chains:
            row: list[int] = []
            for g in chain:
                if g in batched_set:
                    row.append(slot[g])
                elif row and row[-1] < 0 and runs[-row[-1] - 1] is not None:
                    runs[-row[-1] - 1].append(slot[g])
                else:
                    runs.append([slot[g]])
                    row.append(-len(runs))
            level2.append(row)
        base = len(order)
        level2 = [[m if m >= 0 else base + (-m - 1) for m in row] for row in level2]
        src += [3] * len(runs)
        offs += list(range(len(runs)))

        def packed(chains: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
            start = np.cumsum([0] + [len(c) for c in chains]).astype(np.int64)
            return start, np.array([m for c in chains for m in c], dtype=np.int64)

        self._levels = (packed(runs), packed(level2))
        self._gate_table = (np.array(src, dtype=np.int64), np.array(offs, dtype=np.int64))
        self._table_np = np.array(self._table_chains, dtype=np.int64)
        self._openers_np = np.array([self._openers.get(q, -1) for q in range(n)], dtype=np.int64)

    def __getstate__(self) -> dict:
        return {**self.__dict__, "_pool": []}  # work buffers are not state (and may come back read-only)

    def _take(self, rows: int) -> tuple[np.ndarray, ...]:
        """Work buffers for ``rows`` samples, reused between calls (page faults cost more than the kernels):
        the chain products' gradient and the products ``(2, C, 4, B)``, the state slots ``(U + 1, D, B)``,
        the opening qubits' states and their product levels, the state's gradient and the openers'."""
        for i, buf in enumerate(self._pool):
            if buf[0].shape[3] == rows:
                return self._pool.pop(i)
        from qgen.sim.lane_kernels import empty_slots

        n, dim, chains = self.num_qubits, 2**self.num_qubits, len(self._chains)
        mats = (np.empty((2, chains, 4, rows)), np.empty((2, chains, 4, rows)))
        kets = (np.empty((n, 2, rows)), np.empty((n, 2, rows)), np.empty((2 * dim, rows)),
                np.empty((2 * dim, rows)))  # fmt: skip
        grads = (np.empty((dim, rows)), np.empty((dim, rows)), np.empty((n, 2, rows)), np.empty((n, 2, rows)))
        return (*mats, *empty_slots(1, dim, rows), *kets, *grads)

    def _give(self, buf: tuple[np.ndarray, ...]) -> None:
        if len(self._pool) < 2:
            self._pool.append(buf)

    def _add_gate(self, op: Op, exprs: list[ParamExpr]) -> int:
        from qgen.sim.stages import gate_matrix

        if op.is_parametric:
            self._gates.append(("p", len(exprs)))
            exprs.extend(u3_form(op.name, op.params))
        else:
            self._gates.append(("c", torch.from_numpy(np.asarray(gate_matrix(op), dtype=np.complex128))))
        return len(self._gates) - 1

    def _add_chain(self, gates: list[int]) -> int:
        self._chains.append(gates)
        return len(self._chains) - 1

    def run(self, params: torch.Tensor, batched_grad: bool = True, probs: bool = False) -> torch.Tensor:
        """Amplitudes ``(B, 2**n)`` (Qiskit bit order) for parameter rows ``(B, P)`` (float64), or their
        probabilities ``|psi|^2`` with ``probs=True``; ``batched_grad=False``: no gradient through the
        per-sample columns."""
        rows, n = params.shape[0], self.num_qubits
        if not self._chains:
            psi = torch.zeros(rows, 2**n, dtype=torch.float64 if probs else torch.complex128)
            psi[:, 0] = 1.0
            return psi
        return _Run.apply(self._chain_matrices(params, batched_grad), self, probs)

    def _chain_matrices(self, params: torch.Tensor, batched_grad: bool = True) -> torch.Tensor:
        """The fused chain matrices ``(B, C, 2, 2)``: per-sample gates from all rows, shared ones row 0."""
        rows = params.shape[0]
        trig = []
        data = params if batched_grad or not self._b_pure else params.detach()
        for idx, src in ((self._b_cols, data), (self._s_cols, params[0])):
            if idx is None:
                zero = params.new_zeros((0, rows) if src.dim() == 2 else (0,))
                trig += [zero, zero]
                continue
            if src.dim() == 2:  # per-sample angles ``(A, B)``: only the columns that read parameters vary
                var, cos0, sin0 = self._b_var
                cols = idx[var]
                angles = (self._offset[cols, None] + self._coeff[:, cols].T @ src.T) * self._scale[var, None]
                cos_, sin_ = torch.cos(angles), torch.sin(angles)
                trig.append(cos0[:, None].expand(-1, rows).index_copy(0, var, cos_))
                trig.append(sin0[:, None].expand(-1, rows).index_copy(0, var, sin_))
                continue
            # theta / 2 for the first of each gate's five angles, the phases themselves for the others
            angles = (self._offset[idx] + src @ self._coeff[:, idx]) * self._scale[: len(idx)]
            trig += [torch.cos(angles), torch.sin(angles)]
        return _Fuse.apply(*trig, self)


def fuse_forward(circuit: LaneCircuit, b, bsn, s, ssn, out: np.ndarray | None = None) -> tuple:
    """The chain products ``(2, C, 4, B)`` (into ``out`` when given) from the cosines and sines of the
    per-sample gates' angles ``(A, B)`` and the shared ones' ``(A',)``; also the shared runs' products (kept
    for the backward)."""
    from qgen.sim.lane_chains import fuse_chains, fuse_lanes

    rows = b.shape[1]
    (start1, members1), (start2, members2) = circuit._levels
    virt = np.empty((1, len(start1) - 1, 4), dtype=np.complex128)
    none, dummy = np.empty((0, 4), dtype=np.complex128), np.empty((1, 0))
    table = circuit._gate_table
    fuse_chains(*table, dummy, dummy, s, ssn, circuit._consts, none, start1, members1, virt)
    out = np.empty((2, len(start2) - 1, 4, rows)) if out is None else out
    fuse_lanes(*table, b, bsn, virt[0], start2, members2, out[0], out[1])
    return out, virt


def fuse_backward(
    circuit: LaneCircuit, b, bsn, s, ssn, virt, d: np.ndarray, out: tuple | None = None, need_b: bool = True
) -> tuple:
    """Gradients of the cosines and sines (per-sample ``(A, B)``, into ``out`` when given, left unset unless
    ``need_b``; shared ``(A',)``) from those of the chain products ``d`` ``(2, C, 4, B)``."""
    from qgen.sim.lane_chains import fuse_chains_backward, fuse_lanes_backward

    (start1, members1), (start2, members2) = circuit._levels
    db, dbs = (np.empty_like(b), np.empty_like(bsn)) if out is None else out
    ds, dss = np.zeros_like(s), np.zeros_like(ssn)
    dvirt = np.zeros_like(virt)
    table = circuit._gate_table
    fuse_lanes_backward(*table, b, bsn, virt[0], start2, members2, d[0], d[1], db, dbs, dvirt[0], need_b)
    none, dummy = np.empty((0, 4), dtype=np.complex128), np.empty((1, 0))
    level1 = (circuit._consts, none, start1, members1, dvirt)
    fuse_chains_backward(*table, dummy, dummy, s, ssn, *level1, dummy, dummy, ds, dss, none)
    return db, dbs, ds, dss


class _Fuse(torch.autograd.Function):
    """Gate matrices from the cosines and sines of their angles, and their chain products ``(2, C, 4, B)``
    (numba, exact backward). Runs of shared gates are multiplied once (level 1); each sample then multiplies
    its own gates with those products (level 2, batch in the lanes)."""

    @staticmethod
    def forward(ctx, bc, bs, sc, ss, circuit):  # noqa: D102
        trig = [a.detach().contiguous().numpy() for a in (bc, bs, sc, ss)]
        out, virt = fuse_forward(circuit, *trig)
        ctx.saved = (circuit, trig, virt)
        return torch.from_numpy(out)

    @staticmethod
    def backward(ctx, grad):  # noqa: D102
        circuit, trig, virt = ctx.saved
        ctx.saved = None
        grads = fuse_backward(circuit, *trig, virt, grad.contiguous().numpy())
        return (*(torch.from_numpy(g) for g in grads), None)
