"""The op-table engine of qgen.sim: each circuit of a batch runs its own gate list in a numba kernel.

The torch executors (:mod:`qgen.sim.evolve`) pad every circuit of a batch to a common sequence of slots and
pay one torch call per slot and pass; at a few qubits those calls, not the arithmetic, are the cost. Here a
batch compiles to flat op tables (:mod:`qgen.sim.kernels`): one kernel call evolves every circuit (forward)
and one call returns the parameter gradients by the adjoint method (Jones and Gacon, 2020,
arXiv:2009.02823), so a step costs what the circuits' gates cost. One-qubit rotations and their controlled
versions are built from their angles inside the kernel; other parametric gates are built by torch and
their gradients flow back through autograd.

Optional: it needs numba (``pip install 'qgen[fast]'``); :func:`numba_available` says whether it runs.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import torch

from qgen.sim.blocks import U3_FORM_GATES, constant_matrix, u3_form
from qgen.sim.gatelist import GateList, ParamExpr
from qgen.sim.gates import GATES

CONST, MONO, U3, CU3, RZZ, RUNTIME = 0, 1, 2, 3, 4, 5  # as in qgen.sim.kernels
_CONTROLLED = {"crx": "rx", "cry": "ry", "crz": "rz", "cp": "p", "cu1": "u1", "cu3": "u3"}
# "auto" runs circuits of up to this many qubits on the op-table engine (measured with one thread, 4-16
# qubits: 1.6-4x faster than the torch executors); beyond, torch's multi-threaded fused slots
PROGRAM_MAX_QUBITS = 16
# the op tables in the order the kernels unpack them
_TABLES = [
    "ptr",
    "kind",
    "nq",
    "qs",
    "bid",
    "bases",
    "off",
    "arg",
    "form",
    "forms",
    "form_np",
    "form_diag",
    "consts",
    "mono_act",
    "mono_src",
    "mono_phase",
    "mono_nact",
    "mono_pure",
    "mono_full",
    "mono_swap",
    "ang_idx",
    "ang_coeff",
    "ang_off",
    "phase",
    "cid",
]


@functools.cache
def numba_available() -> bool:
    """Whether numba imports (the op-table engine's kernels need it)."""
    try:
        import qgen.sim.kernels  # noqa: F401
    except ImportError:
        return False
    return True


def _monomial(u: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``(perm, phase)`` with ``u[i, perm[i]] = phase[i]`` the only non-zero of row ``i``, else None."""
    nz = np.abs(u) > 1e-14
    if not (nz.sum(axis=1) == 1).all():
        return None
    perm = nz.argmax(axis=1)
    if len(set(perm.tolist())) != len(perm):
        return None
    return perm, u[np.arange(len(perm)), perm]


@functools.cache
def u3_forms() -> tuple[dict[str, int], np.ndarray, np.ndarray]:
    """Per one-qubit kind: its row in ``forms`` ``(F, 5, 4)`` that maps the gate's own angles (and a 1) to the
    five angles of :func:`qgen.sim.blocks.u3_form`, and its angle count ``(F,)``."""
    names = sorted(U3_FORM_GATES)
    forms = np.zeros((len(names), 5, 4))
    counts = np.zeros(len(names), dtype=np.int64)
    for f, name in enumerate(names):
        k = GATES[name].num_params
        counts[f] = k
        for j, expr in enumerate(u3_form(name, tuple(ParamExpr(((r, 1.0),)) for r in range(k)))):
            forms[f, j, 3] = expr.offset
            for r, c in expr.terms:
                forms[f, j, r] = c
    return {n: f for f, n in enumerate(names)}, forms, counts


class Program:
    """Op tables of a batch of circuits (one qubit count) for the numba kernels."""

    def __init__(
        self, gatelists: Sequence[GateList], num_parameters: int, dtype: torch.dtype = torch.complex128
    ) -> None:
        batch = len(gatelists)
        self.batch_size, self.num_parameters = batch, num_parameters
        self.dtype = dtype  # of the states run() returns (the kernels compute in complex128)
        self.num_qubits = gatelists[0].num_qubits
        form_ids, self.forms, self.form_np = u3_forms()
        # forms without a theta (rz, p, u1): diagonal matrices
        self.form_diag = np.all(self.forms[:, 0, :] == 0.0, axis=1)
        ptr = [0]
        kind: list[int] = []
        qs: list[tuple[int, ...]] = []
        arg: list[int] = []
        form: list[int] = []
        consts: list[np.ndarray] = []
        monos: list[tuple[np.ndarray, np.ndarray]] = []
        constant_ops: dict[tuple, tuple[int, int]] = {}  # (name, angles) -> (kind, arg)
        exprs: list[ParamExpr] = []  # the gates' own angles, then global phases
        rows: list[int] = []
        runtime: dict[str, list[tuple[int, list[int]]]] = {}  # gate -> (op index, angle rows)
        phase: list[int] = []
        pad = {1: (0, 0), 2: (0,), 3: ()}
        parametric: dict[str, tuple[int, int]] = {}  # gate -> (kind, form)
        for b, gl in enumerate(gatelists):
            for op in gl.ops:
                name, params, qubits = op.name, op.params, op.qubits
                qs.append(qubits + pad[len(qubits)])
                if params and (params[0].terms or any(p.terms for p in params[1:])) and name != "unitary":
                    spec = parametric.get(name)
                    if spec is None:
                        single = _CONTROLLED.get(name, name)
                        if single in form_ids:
                            spec = (U3 if single == name else CU3, form_ids[single])
                        else:
                            spec = (RZZ if name == "rzz" else RUNTIME, 0)
                        parametric[name] = spec
                    if spec[0] == RUNTIME:
                        start = len(exprs)
                        runtime.setdefault(name, []).append(
                            (len(kind), list(range(start, start + len(params))))
                        )
                    kind.append(spec[0])
                    form.append(spec[1])
                    arg.append(len(exprs))
                    exprs.extend(params)
                    if len(params) == 1:
                        rows.append(b)
                    else:
                        rows.extend([b] * len(params))
                    continue
                if name == "unitary":
                    key = (name, op.matrix.tobytes())
                else:
                    key = (name, *(p.offset for p in params)) if params else name
                entry = constant_ops.get(key)
                if entry is None:
                    u = np.asarray(op.matrix if name == "unitary" else constant_matrix(op), dtype=complex)
                    mono = _monomial(u)
                    if mono is not None:
                        entry = (MONO, len(monos))
                        monos.append(mono)
                    else:
                        entry = (CONST, len(consts))
                        consts.append(u)
                    constant_ops[key] = entry
                kind.append(entry[0])
                arg.append(entry[1])
                form.append(0)
            ph = gl.global_phase
            if ph.terms or ph.offset != 0.0:
                phase.append(len(exprs))
                exprs.append(ph)
                rows.append(b)
            else:
                phase.append(-1)
            ptr.append(len(kind))

        num_ops = len(kind)
        self.ptr = np.array(ptr, dtype=np.int64)
        self.kind = np.array(kind, dtype=np.int64)
        self.form = np.array(form, dtype=np.int64)
        self.nq = np.fromiter(map(len, (op.qubits for gl in gatelists for op in gl.ops)), np.int64, num_ops)
        self.qs = np.array(qs, dtype=np.int64).reshape(num_ops, 3)
        # local offsets of every op's 2**k amplitudes and its qubits sorted (for the index arithmetic)
        local = np.arange(8)
        self.off = np.zeros((num_ops, 8), dtype=np.int64)
        for j in range(3):
            bit = (self.nq > j) * (1 << self.qs[:, j])
            self.off |= ((local >> j) & 1)[None, :] * bit[:, None]
        # per set of qubits (of ops on 2 or 3): the amplitude indices whose bits there are zero
        n = self.num_qubits
        sets = np.sort(np.where(np.arange(3)[None, :] < self.nq[:, None], self.qs, n), axis=1)
        self.bid = np.zeros(num_ops, dtype=np.int64)
        multi = self.nq > 1
        uniq, inv = np.unique(sets[multi], axis=0, return_inverse=True)
        self.bid[multi] = inv.reshape(-1)
        self.bases = np.zeros((max(len(uniq), 1), max(2**n >> 2, 1)), dtype=np.int64)
        every = np.arange(2**n)
        for i, row in enumerate(uniq):
            mask = sum(1 << int(q) for q in row if q < n)
            free = every[(every & mask) == 0]
            self.bases[i, : len(free)] = free
        self.phase = np.array(phase, dtype=np.int64)
        self.consts = np.zeros((max(len(consts), 1), 8, 8), dtype=complex)
        for i, u in enumerate(consts):
            self.consts[i, : len(u), : len(u)] = u
        size = max(len(monos), 1)
        self.mono_act = np.zeros((size, 8), dtype=np.int64)
        self.mono_src = np.zeros((size, 8), dtype=np.int64)
        self.mono_phase = np.zeros((size, 8), dtype=complex)
        self.mono_nact = np.zeros(size, dtype=np.int64)
        self.mono_pure = np.ones(size, dtype=np.bool_)
        self.mono_full = np.ones((size, 8), dtype=complex)  # one-qubit monomials: phases and swap
        self.mono_swap = np.zeros(size, dtype=np.bool_)
        for i, (perm, ph_) in enumerate(monos):
            act = [j for j in range(len(perm)) if perm[j] != j or ph_[j] != 1.0]
            pos = {j: p for p, j in enumerate(act)}
            self.mono_nact[i] = len(act)
            self.mono_act[i, : len(act)] = act
            self.mono_src[i, : len(act)] = [pos[int(perm[j])] for j in act]
            self.mono_phase[i, : len(act)] = ph_[act]
            self.mono_pure[i] = bool(np.all(ph_ == 1.0))
            self.mono_full[i, : len(perm)] = ph_
            self.mono_swap[i] = perm[0] != 0
        # angles: offset + sum coeff * flat[idx], flat = params.reshape(-1) plus one zero at the end
        terms = max(1, max((len(e.terms) for e in exprs), default=0))
        zero = batch * num_parameters
        num = len(exprs)
        off = np.fromiter((e.offset for e in exprs), dtype=np.float64, count=num)
        if terms == 1:
            one = [e.terms[0] if e.terms else (0, 0.0) for e in exprs]
            col = np.fromiter((t[0] for t in one), dtype=np.int64, count=num)
            coeff = np.fromiter((t[1] for t in one), dtype=np.float64, count=num)[:, None]
            has = coeff[:, 0] != 0.0
            idx = np.where(has, np.array(rows, dtype=np.int64) * num_parameters + col, zero)[:, None]
        else:
            idx = np.full((num, terms), zero, dtype=np.int64)
            coeff = np.zeros((num, terms))
            for a, (e, b) in enumerate(zip(exprs, rows, strict=True)):
                for t, (i, c) in enumerate(e.terms):
                    idx[a, t] = b * num_parameters + i
                    coeff[a, t] = c
        self.ang_idx, self.ang_coeff, self.ang_off = idx, coeff, off
        # runtime matrices: one torch builder call per gate kind, stacked in that order
        self.runtime: list[tuple[str, torch.Tensor]] = []
        arg_arr = np.array(arg, dtype=np.int64)
        count = 0
        for name, items in runtime.items():
            ops = np.array([o for o, _ in items], dtype=np.int64)
            arg_arr[ops] = np.arange(count, count + len(items))
            count += len(items)
            self.runtime.append((name, torch.tensor([r for _, r in items], dtype=torch.long)))
        self.arg = arg_arr
        self.runtime_dim = max((2 ** GATES[name].num_qubits for name, _ in self.runtime), default=1)
        # U3-form gates keep their phases and cos / sin between the passes: their rows in the cache
        cached = np.isin(self.kind, (U3, CU3))
        self.cid = np.where(cached, np.cumsum(cached) - 1, 0).astype(np.int32)
        self.num_cached = max(int(cached.sum()), 1)
        # compact dtypes: the per-op tables stay small enough for the CPU caches
        for name, dt in (("kind", np.int8), ("form", np.int8), ("nq", np.int8), ("qs", np.int8)):
            setattr(self, name, getattr(self, name).astype(dt))
        for name in ("off", "bid", "arg", "bases"):
            setattr(self, name, getattr(self, name).astype(np.int32))
        self.tables = tuple(getattr(self, name) for name in _TABLES)
        self._ang_idx_t = torch.from_numpy(idx)
        self._ang_coeff_t = torch.from_numpy(coeff)
        self._ang_off_t = torch.from_numpy(off)

    def runtime_matrices(self, params: torch.Tensor) -> torch.Tensor:
        """Matrices ``(R, K, K)`` of the parametric gates the kernels do not build (torch, differentiable)."""
        if not self.runtime:
            return torch.zeros(0, 1, 1, dtype=torch.complex128)
        flat = torch.cat([params.reshape(-1), params.new_zeros(1)]).to(torch.float64)
        k = self.runtime_dim
        parts = []
        for name, rows in self.runtime:
            a = (flat[self._ang_idx_t[rows]] * self._ang_coeff_t[rows]).sum(-1) + self._ang_off_t[rows]
            u = GATES[name].matrices(a, torch.complex128)
            if u.shape[-1] < k:
                pad = k - u.shape[-1]
                u = torch.nn.functional.pad(u, (0, pad, 0, pad))
            parts.append(u)
        return torch.cat(parts)

    def gate_cache(self, flat: np.ndarray) -> np.ndarray:
        """``(e0..e3, cos, sin)`` of every U3-form op ``(C, 6)``: the angles from the kernels, their cosines
        and sines in one vectorised torch call each (the kernels' scalar ones cost more than the gates)."""
        from qgen.sim import kernels

        angles = np.zeros((self.num_cached, 5))
        kernels.gate_angles(self.tables, flat, angles)
        a = torch.from_numpy(angles)
        cos, sin = torch.cos(a).numpy(), torch.sin(a).numpy()
        cache = np.empty((self.num_cached, 6), dtype=complex)
        cache[:, :4].real, cache[:, :4].imag = cos[:, 1:], sin[:, 1:]
        cache[:, 4], cache[:, 5] = cos[:, 0], sin[:, 0]
        return cache

    def run(self, params: torch.Tensor, initial: torch.Tensor | None) -> torch.Tensor:
        """Final statevectors ``(B, 2**n)`` (differentiable in ``params`` and ``initial``)."""
        rt = self.runtime_matrices(params)
        return RunProgram.apply(self, params, rt, initial)


class RunProgram(torch.autograd.Function):
    """Forward and adjoint backward of a :class:`Program` in the numba kernels."""

    @staticmethod
    def forward(ctx, prog: Program, params: torch.Tensor, rt: torch.Tensor, initial: torch.Tensor | None):
        from qgen.sim import kernels

        flat = np.concatenate([params.detach().reshape(-1).to(torch.float64).numpy(), [0.0]])
        if initial is None:  # |0...0>
            psi = np.zeros((prog.batch_size, 2**prog.num_qubits), dtype=complex)
            psi[:, 0] = 1.0
        else:
            psi = initial.detach().expand(prog.batch_size, -1).to(torch.complex128).numpy().copy()
        rt_np = rt.detach().numpy()
        if rt_np.shape[0] == 0:
            rt_np = np.zeros((1, 1, 1), dtype=complex)
        cache = prog.gate_cache(flat)
        kernels.forward(prog.tables, cache, rt_np, flat, psi)
        out = torch.from_numpy(psi)
        ctx.final = None
        if prog.dtype != torch.complex128:  # computed in complex128, rounded to the batch's dtype
            out = out.to(prog.dtype)
            ctx.final = psi  # the backward pass un-computes from the unrounded states
        ctx.prog, ctx.flat, ctx.rt, ctx.cache = prog, flat, rt_np, cache
        ctx.save_for_backward(out)
        ctx.initial_shape = None if initial is None else initial.shape
        ctx.param_dtype = params.dtype
        return out

    @staticmethod
    @torch.autograd.function.once_differentiable
    def backward(ctx, grad: torch.Tensor):
        from qgen.sim import kernels

        prog = ctx.prog
        (out,) = ctx.saved_tensors
        psi = out.numpy().copy() if ctx.final is None else ctx.final
        ctx.final = None
        g = grad.resolve_conj().to(torch.complex128).contiguous().numpy().copy()
        grad_flat = np.zeros(prog.batch_size * prog.num_parameters + 1)
        grad_rt = np.zeros_like(ctx.rt)
        kernels.backward(prog.tables, ctx.cache, ctx.rt, ctx.flat, psi, g, grad_flat, grad_rt)
        d_params = torch.from_numpy(grad_flat[:-1].reshape(prog.batch_size, prog.num_parameters))
        d_params = d_params.to(ctx.param_dtype)
        d_rt = torch.from_numpy(grad_rt) if ctx.needs_input_grad[2] and prog.runtime else None
        d_init = None
        if ctx.needs_input_grad[3]:
            d_init = torch.from_numpy(g).to(prog.dtype)
            if len(ctx.initial_shape) == 1:
                d_init = d_init.sum(0)
        return None, d_params if ctx.needs_input_grad[1] else None, d_rt, d_init
