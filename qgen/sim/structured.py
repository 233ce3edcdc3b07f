"""One circuit structure, many inputs: a batched statevector executor specialised to a fixed circuit.

:class:`qgen.sim.CompiledBatch` runs a batch of *different* circuits (one gather and one small matrix product
per gate slot). QML models run *one* circuit on many samples; :class:`StructuredCircuit` compiles that
circuit into few stages (:mod:`qgen.sim.stages`) and runs them on the state viewed as ``(B, 2**a, 2**g,
2**c)``:

* a run of one-qubit gates becomes one 2x2 matrix per qubit (per sample where an angle reads a per-sample
  column, once for the batch otherwise); the qubits are split into two groups whose Kronecker products are
  applied with one batched matrix product each (a circuit starting from ``|0..0>`` starts from the product
  state directly);
* a run of monomial gates (CX/SWAP/CCX rings, CZ, CP, RZZ, RZ, the CX-P-CX blocks of the ZZ feature map) is
  one index permutation and one phase vector ``exp(i (c + params @ W))``;
* other multi-qubit gates are one ``2**k`` matrix each.

Amplitudes are complex128 (or complex64) in Qiskit's bit order; gradients are exact (torch autograd, with a
gather-by-inverse backward for the permutations).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from qgen.errors import SimulationError
from qgen.sim.blocks import permutation, u3_matrices
from qgen.sim.gatelist import ParamExpr, linear_forms
from qgen.sim.gates import GATES
from qgen.sim.lanes import LaneCircuit, lanes_supported
from qgen.sim.readout import DiagonalReadout
from qgen.sim.stages import (
    DenseStage,
    LocalStage,
    MonomialStage,
    diagonalise,
    gate_matrix,
    one_qubit_angles,
    schedule,
)
from qgen.sim.structured_ops import Permute, PhaseMul, ProductPhaseMul, chain_product, kron

__all__ = ["DiagonalReadout", "StructuredCircuit"]

STRUCTURED_MAX_QUBITS = 16  # above, per-stage tables of 2**n entries cost more than they save: batch engine
CACHE_MAX_ELEMENTS = 2**24  # the data-only prefix state is kept for reuse up to this many amplitudes
COLLAPSE_MAX_DIM = 64  # shared segments of states up to this size become one dense matrix
LANES_MIN_AMPLITUDES = 2**15  # rows x 2**n from which the lanes executor beats the torch stages (measured: a
# 4-qubit VQC on 120 samples is faster on the torch stages, 6 qubits x 1,000 samples twice as fast on lanes)
READOUT_MIN_AMPLITUDES = 0  # expectations in one autograd step: the lanes win at every batch size
GROUP_SPLIT_MAX_QUBITS = 10  # up to here the qubits form two groups (low half, high half); above, groups of 5


_TORCH_STAGES = frozenset({
    "stages", "_consts", "_shared_angles", "_batched_angles", "_batched_pure", "_n_shared_pool",
    "_chain_kinds", "_chain_pos", "_kron_index", "_kron_entries", "_chain_tables", "_segments", "_prefix",
    "_batched_index", "_cache", "_eye", "_phase", "_eye2", "_zero_ket",
})  # fmt: skip
"""Attributes of the torch stages (:meth:`StructuredCircuit._compile`), built on first use."""


def _groups(n: int) -> list[tuple[int, int]]:
    """Qubit groups ``(low, size)`` of a local stage."""
    if n <= 1:
        return [(0, n)]
    if n <= GROUP_SPLIT_MAX_QUBITS:
        return [(0, n // 2), (n // 2, n - n // 2)]
    return [(lo, min(5, n - lo)) for lo in range(0, n, 5)]


class StructuredCircuit:
    """A fixed circuit compiled for batches of parameter rows (one structure, many inputs).

    Args:
        circuit: the circuit as a :class:`GateList` (or a Qiskit circuit, lowered with ``from_qiskit``).
        batched: the parameter columns that differ between rows (data inputs); the other columns must be
            equal in every row (shared weights: they are read from row 0, and their gates are built once).
            None: every column may differ.
        dtype: ``torch.complex128`` (default) or ``torch.complex64``.
        device: where the tensors live.
        lanes: None (default) runs batches of at least ``LANES_MIN_AMPLITUDES`` amplitudes on the numba
            lanes executor (:mod:`qgen.sim.lanes`) where it applies (numba installed, CPU, complex128, up to
            12 qubits, one-qubit gates and CX/CZ/SWAP); True: every batch there; False: the torch stages.

    ``run(params)`` takes ``(B, P)`` values in ``circuit.parameters`` order and returns ``(B, 2**n)``
    amplitudes, equal to :func:`qgen.sim.statevector` of the bound circuits. Registers above
    ``STRUCTURED_MAX_QUBITS`` qubits run on the batch engine (:class:`qgen.sim.CompiledBatch`) instead.

    >>> from qgen.sim import GateList
    >>> gl = GateList(2, [("ry", [0], ["x"]), ("cx", [0, 1])])
    >>> sc = StructuredCircuit(gl)
    >>> sc.run(torch.tensor([[0.0], [np.pi]], dtype=torch.float64)).abs().round(decimals=6).tolist()
    [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
    """

    def __init__(
        self,
        circuit,
        batched: Sequence[int] | None = None,
        dtype: torch.dtype = torch.complex128,
        device: str | torch.device = "cpu",
        lanes: bool | None = None,
    ) -> None:
        from qgen.sim.compiled import as_gatelist

        self.gatelist = as_gatelist(circuit)
        self.num_qubits = n = self.gatelist.num_qubits
        if n > 30:
            raise SimulationError(f"{n} qubits is beyond a statevector simulator")
        self.num_parameters = self.gatelist.num_parameters
        self.dtype = dtype
        self.real_dtype = torch.float64 if dtype == torch.complex128 else torch.float32
        self.device = torch.device(device)
        cols = range(self.num_parameters) if batched is None else batched
        self.batched = frozenset(int(c) for c in cols)
        self._fallback: dict[int, object] | None = None
        self._lanes = None
        if lanes is not False and lanes_supported(self.gatelist, dtype, self.device):
            self._lanes = LaneCircuit(self.gatelist, self.batched)  # numba, CPU: the batch in the SIMD lanes
        self._lanes_forced = lanes is True
        self._readouts: dict[int, tuple] = {}
        if n > STRUCTURED_MAX_QUBITS:
            self.stages = []
            self._fallback = {}
        # the torch stages are compiled on first use (see __getattr__): a circuit that only ever runs on the
        # lanes executor never needs them

    # ------------------------------------------------------------------ compile
    def __getattr__(self, name: str):
        """Compile the torch stages when one of their attributes is first read."""
        if name in _TORCH_STAGES and "gatelist" in self.__dict__ and "stages" not in self.__dict__:
            self.stages = diagonalise(schedule(self.gatelist), self.batched, self.num_qubits)
            self._compile()
            return self.__dict__[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _is_batched(self, exprs: Sequence[ParamExpr]) -> bool:
        return any(i in self.batched for e in exprs for i, _ in e.terms)

    def _tensor(self, a, real: bool = True) -> torch.Tensor:
        dtype = self.real_dtype if real else self.dtype
        return torch.as_tensor(np.asarray(a), dtype=dtype, device=self.device)

    def _compile(self) -> None:
        n, num_p = self.num_qubits, self.num_parameters
        consts = [np.eye(2, dtype=complex)]  # shared pool: identity, constant gates, then shared angles
        shared_exprs: list[ParamExpr] = []
        batched_exprs: list[ParamExpr] = []
        refs: list[list[tuple[str, int]]] = []  # per chain: (pool, index)
        plan: list[tuple[str, object]] = []
        for stage in self.stages:
            if isinstance(stage, LocalStage):
                groups = []
                for lo, size in _groups(n):
                    members = []
                    for q in range(lo + size - 1, lo - 1, -1):  # most significant qubit first (kron order)
                        if q not in stage.chains:
                            members.append((q, False, -1))
                            continue
                        chain = []
                        for op in stage.chains[q]:
                            if op.is_parametric:
                                exprs = one_qubit_angles(op)
                                pool = batched_exprs if self._is_batched(exprs) else shared_exprs
                                chain.append(("b" if pool is batched_exprs else "s", len(pool) // 5))
                                pool.extend(exprs)
                                if pool is batched_exprs and not self._only_batched(exprs):
                                    chain.append(("w", -1))  # marks a per-sample gate that reads a weight
                            else:
                                m = gate_matrix(op)
                                chain.append(("c", len(consts)))
                                consts.append(np.asarray(m, dtype=complex))
                        members.append((q, any(p == "b" for p, _ in chain), len(refs)))
                        refs.append(chain)
                    if any(c >= 0 for _, _, c in members):
                        groups.append((lo, size, members))
                chains = {m[0]: m for g in groups for m in g[2]}
                full = [chains.get(q, (q, False, -1)) for q in range(n - 1, -1, -1)]
                item = {"groups": groups, "all": full}
                plan.append(("local", item, any(m[1] for m in full)))
            elif isinstance(stage, MonomialStage):
                item = self._monomial(stage)
                plan.append(("mono", item, item["batched"]))
            else:
                item = self._dense(stage)
                plan.append(("dense", item, item["batched"]))
        # pools: shared = [consts..., shared u3...]; batched = [batched u3...]; chain index into cat of both
        n_const, n_shared = len(consts), len(shared_exprs) // 5
        self._consts = self._tensor(np.stack(consts), real=False)[None]  # (1, C, 2, 2)
        self._shared_angles = [self._tensor(a) for a in linear_forms(shared_exprs, num_p)]
        self._batched_angles = [self._tensor(a) for a in linear_forms(batched_exprs, num_p)]
        self._batched_pure = self._only_batched(batched_exprs)
        self._n_shared_pool = n_const + n_shared
        length = max((len(c) for c in refs), default=1)
        length = max(length, 1)

        self._chain_kinds = [{p for p, _ in c} for c in refs]
        refs = [[(p, i) for p, i in c if p != "w"] for c in refs]

        def index(p: str, i: int) -> int:
            return i if p == "c" else n_const + i if p == "s" else n_const + n_shared + i

        chain_batched = [any(p == "b" for p, _ in c) for c in refs]
        tables: dict[bool, list[list[int]]] = {False: [], True: []}
        self._chain_pos: list[tuple[bool, int]] = []
        for c, is_b in zip(refs, chain_batched, strict=True):
            row = [index(p, i) for p, i in c] + [0] * (length - len(c))
            self._chain_pos.append((is_b, len(tables[is_b])))
            tables[is_b].append(row)
        # whole-register Kronecker products of the shared local stages (for collapsed segments), built for all
        # of them at once: rows of per-qubit matrix indices (most significant qubit first), identity = last
        n_shared_chains = len(tables[False])
        kron_rows = []
        if 2**n <= COLLAPSE_MAX_DIM:
            for kind, item, is_b in plan:
                if kind == "local" and not is_b:
                    item["kron"] = len(kron_rows)
                    kron_rows.append(
                        [n_shared_chains if m[2] < 0 else self._chain_pos[m[2]][1] for m in item["all"]]
                    )
        self._kron_index = (
            torch.tensor(kron_rows, dtype=torch.long, device=self.device) if kron_rows else None
        )
        # entry (i, j) of a Kronecker product of n 2x2 matrices (most significant first) is the product over
        # positions p of matrix p's entry (bit of i, bit of j): one gather and one product for every stage
        dim, shift = 2**n, n - 1 - np.arange(n)
        rows_bits = (np.arange(dim)[None, :] >> shift[:, None]) & 1  # (n, D)
        entry = 4 * np.arange(n)[:, None, None] + 2 * rows_bits[:, :, None] + rows_bits[:, None, :]
        self._kron_entries = torch.tensor(entry.reshape(-1), dtype=torch.long, device=self.device)
        self._chain_tables = {
            k: torch.tensor(v, dtype=torch.long, device=self.device) if v else None for k, v in tables.items()
        }
        # consecutive shared stages form one segment; small ones are collapsed into one dense matrix
        self._segments: list[tuple[bool, list]] = []
        for kind, item, is_b in plan:
            if is_b or not self._segments or self._segments[-1][0]:
                self._segments.append((is_b, [(kind, item)]))
            else:
                self._segments[-1][1].append((kind, item))
        # leading segments that read no weight: their state depends on the data only and is reused while the
        # same data comes back (full-batch training repeats it every step)
        self._prefix = 0
        for _, items in self._segments:
            if any(self._reads_weights(kind, item) for kind, item in items):
                break
            self._prefix += 1
        self._batched_index = torch.tensor(sorted(self.batched), dtype=torch.long, device=self.device)
        self._cache: tuple[torch.Tensor, torch.Tensor] | None = None
        small = 2**n <= COLLAPSE_MAX_DIM
        self._eye = torch.eye(2**n, dtype=self.dtype, device=self.device) if small else None
        phase = self.gatelist.global_phase
        self._phase = None
        if not phase.is_constant or phase.offset != 0.0:
            off, coeff = linear_forms([phase], num_p)
            self._phase = (self._tensor(off), self._tensor(coeff), self._is_batched([phase]))
        self._eye2 = torch.eye(2, dtype=self.dtype, device=self.device)[None]
        self._zero_ket = torch.tensor([[1.0, 0.0]], dtype=self.dtype, device=self.device)

    def _reads_weights(self, kind: str, item) -> bool:
        """Whether a stage reads a shared (weight) column."""
        if kind == "local":
            return any(m[2] >= 0 and self._chain_kinds[m[2]] & {"s", "w"} for m in item["all"])
        if kind == "mono":
            return item["weight"] is not None and not item["pure"]
        return item["matrix"] is None and not item["pure"]

    def _only_batched(self, exprs: Sequence[ParamExpr]) -> bool:
        """True when the expressions read per-sample columns only (no shared weight)."""
        return all(i in self.batched for e in exprs for i, _ in e.terms)

    def _monomial(self, stage: MonomialStage) -> dict:
        perm = None
        if not np.array_equal(stage.perm, np.arange(stage.dim)):
            perm = (
                torch.tensor(stage.perm, dtype=torch.long, device=self.device),
                torch.tensor(np.argsort(stage.perm), dtype=torch.long, device=self.device),
            )
        cols = sorted(j for j, w in stage.weight.items() if np.any(w != 0.0))
        out = {"perm": perm, "const": None, "cols": None, "weight": None, "batched": False, "pure": False,
               "product": None}  # fmt: skip
        if cols:
            contiguous = cols == list(range(cols[0], cols[-1] + 1))
            out["cols"] = (
                slice(cols[0], cols[-1] + 1)
                if contiguous
                else torch.tensor(cols, dtype=torch.long, device=self.device)
            )
            out["weight"] = self._tensor(np.stack([stage.weight[j] for j in cols]))
            out["const_phase"] = self._tensor(stage.const)
            out["batched"] = any(j in self.batched for j in cols)
            out["pure"] = all(j in self.batched for j in cols)
            out["product"] = self._separable(stage.const, [stage.weight[j] for j in cols])
        elif np.any(np.abs(np.angle(np.exp(1j * stage.const))) > 1e-15):
            out["const"] = self._tensor(np.exp(1j * stage.const), real=False)
        return out

    def _separable(self, const: np.ndarray, weights: list[np.ndarray]):
        """``(c (n, 2), W (cols, 2n), S (D, 2n))`` when every phase is a sum of one-qubit terms
        (``phi[k] = sum_q t_q[bit_q(k)]``): ``exp(i phi)`` is then a Kronecker product of n phase pairs and
        the gradient of the pairs is one product with the bit-indicator matrix ``S``; else None."""
        n = self.num_qubits
        bits = (np.arange(2**n)[:, None] >> np.arange(n)[None, :]) & 1  # (D, n)

        def split(vec: np.ndarray) -> np.ndarray | None:
            base = vec[0]
            slopes = np.array([vec[1 << q] - base for q in range(n)])
            if not np.allclose(vec, base + bits @ slopes, atol=1e-12, rtol=0):
                return None
            table = np.zeros((n, 2))
            table[:, 1] = slopes
            table[0, :] += base
            return table.reshape(-1)

        tables = [split(v) for v in [const, *weights]]
        if any(t is None for t in tables):
            return None
        indicator = np.zeros((2**n, n, 2))
        for q in range(n):
            indicator[np.arange(2**n), q, bits[:, q]] = 1.0
        return (
            self._tensor(tables[0]),
            self._tensor(np.stack(tables[1:])),
            self._tensor(indicator.reshape(2**n, 2 * n)),
        )

    def _dense(self, stage: DenseStage) -> dict:
        op = stage.op
        perm = permutation(self.num_qubits, tuple(op.qubits))
        out = {
            "perm": torch.tensor(perm, dtype=torch.long, device=self.device),
            "inv": torch.tensor(np.argsort(perm), dtype=torch.long, device=self.device),
            "size": 2 ** len(op.qubits),
            "matrix": None,
            "batched": False,
            "pure": False,
        }
        if op.is_parametric:
            off, coeff = linear_forms(op.params, self.num_parameters)
            out.update(spec=GATES[op.name], offset=self._tensor(off), coeff=self._tensor(coeff))
            out["batched"] = self._is_batched(op.params)
            out["pure"] = self._only_batched(op.params)
        else:
            out["matrix"] = self._tensor(gate_matrix(op), real=False)[None]
        return out

    # ------------------------------------------------------------------ run
    def _params(self, params: torch.Tensor | None) -> torch.Tensor:
        if params is None:
            if self.num_parameters:
                raise SimulationError(f"the circuit has {self.num_parameters} parameter(s); pass values")
            return torch.zeros(1, 0, dtype=self.real_dtype, device=self.device)
        params = torch.as_tensor(params, device=self.device)
        if params.dim() == 1:
            params = params[None, :]
        if params.dim() != 2 or params.shape[1] != self.num_parameters:
            raise SimulationError(
                f"parameters must have shape (B, {self.num_parameters}), got {tuple(params.shape)}"
            )
        return params.to(self.real_dtype)

    def _fused(self, params: torch.Tensor, shared_row: torch.Tensor) -> dict[bool, tuple[torch.Tensor, ...]]:
        """The per-qubit products of every local stage: shared ``(1, 2, 2)``, batched ``(B, 2, 2)`` each."""
        pools = [self._consts]
        off, coeff = self._shared_angles
        if off.numel():
            ang = (off + shared_row @ coeff).view(-1, 5)
            pools.append(u3_matrices(ang, self.dtype).view(1, -1, 2, 2))
        shared_pool = torch.cat(pools, 1) if len(pools) > 1 else pools[0]
        out: dict = {False: (), True: (), "stack": self._eye2}
        table = self._chain_tables[False]
        if table is not None:
            prod = chain_product(shared_pool[:, table])
            out[False] = prod.unbind(1)
            out["stack"] = torch.cat([prod[0], self._eye2], 0)
        table = self._chain_tables[True]
        if table is not None:
            off, coeff = self._batched_angles
            rows = params.shape[0]
            src = self._data if self._batched_pure else params
            ang = (off + src @ coeff).view(-1, 5)
            mats = u3_matrices(ang, self.dtype).view(rows, -1, 2, 2)
            pool = torch.cat([shared_pool.expand(rows, -1, -1, -1), mats], 1)
            out[True] = chain_product(pool[:, table]).unbind(1)
        return out

    def run(self, params: torch.Tensor | None = None, batched_grad: bool = True) -> torch.Tensor:
        """Amplitudes ``(B, 2**n)`` for parameter rows ``(B, P)`` (gradients flow back to ``params``).

        ``batched_grad=False`` says that no gradient is wanted through the per-sample columns (data inputs
        that need none): gates that read only those columns are then built outside the autograd graph.
        """
        params = self._params(params)
        if self.uses_lanes(params.shape[0]):
            return self._lanes.run(params, batched_grad)
        if self._fallback is not None:
            return self._run_batch_engine(params)
        self._data = params if batched_grad else params.detach()
        rows = params.shape[0]
        shared_row = params[:1]
        dim = 2**self.num_qubits
        fused = self._fused(params, shared_row)
        self._krons = None
        if self._kron_index is not None:
            mats = fused["stack"][self._kron_index]  # (S, n, 2, 2)
            count, n = mats.shape[0], mats.shape[1]
            flat = mats.reshape(count, 4 * n)[:, self._kron_entries]
            self._krons = flat.view(count, n, dim, dim).prod(1)
        psi = None
        start, key = 0, None
        if not batched_grad and self._prefix and rows * dim <= CACHE_MAX_ELEMENTS:
            key = params.detach()[:, self._batched_index]
            hit = self._cache
            if hit is not None and hit[0].shape == key.shape and torch.equal(hit[0], key):
                psi, start = hit[1], self._prefix
        for s, (is_b, items) in enumerate(self._segments):
            if s < start:
                continue
            if s == self._prefix and key is not None and start == 0:
                self._cache = (key.clone(), psi.detach())
            dense = (
                psi is not None
                and not is_b
                and dim <= COLLAPSE_MAX_DIM
                and any(kind != "mono" for kind, _ in items)
            )
            if dense:
                psi = psi @ self._segment_matrix(items, fused, params, shared_row)
                continue
            for kind, item in items:
                psi = self._apply(kind, item, psi, fused, params, shared_row, rows)
        if key is not None and start == 0 and self._prefix == len(self._segments):
            self._cache = (key.clone(), psi.detach())
        if psi is None:
            psi = torch.zeros(1, dim, dtype=self.dtype, device=self.device)
            psi[0, 0] = 1.0
        if self._phase is not None:
            off, coeff, batched = self._phase
            g = off + (params if batched else shared_row) @ coeff
            psi = psi * torch.polar(torch.ones_like(g), g).to(self.dtype)
        self._data = self._krons = None
        return psi.expand(rows, -1) if psi.shape[0] != rows else psi

    def uses_lanes(self, rows: int, readout: bool = False) -> bool:
        """Whether a batch of ``rows`` runs on the lanes executor (``lanes=None``: from
        ``LANES_MIN_AMPLITUDES`` amplitudes on, or ``READOUT_MIN_AMPLITUDES`` for :meth:`expectations`;
        below, its per-call costs exceed the torch stages')."""
        if self._lanes is None:
            return False
        least = READOUT_MIN_AMPLITUDES if readout else LANES_MIN_AMPLITUDES
        return self._lanes_forced or rows * 2**self.num_qubits >= least

    def probabilities(self, params: torch.Tensor | None = None, batched_grad: bool = True) -> torch.Tensor:
        """``|psi|^2`` ``(B, 2**n)`` (real) for parameter rows ``(B, P)``; on the lanes executor without
        forming the complex amplitudes."""
        params = self._params(params)
        if self.uses_lanes(params.shape[0]):
            return self._lanes.run(params, batched_grad, probs=True)
        psi = self.run(params, batched_grad)
        return psi.real**2 + psi.imag**2

    def expectations(
        self, params: torch.Tensor | None, table: torch.Tensor, batched_grad: bool = True
    ) -> torch.Tensor:
        """Expectation values ``(B, K)`` of diagonal observables given as a table ``(2**n, K)`` over the basis
        states (``|psi|^2 @ table``); on the lanes executor as one autograd step
        (:mod:`qgen.sim.lane_expect`)."""
        params = self._params(params)
        readout = self.lane_readout(table, params.shape[0])
        if readout is not None:
            return readout.expectations(params, batched_grad)
        return self.probabilities(params, batched_grad) @ table.to(self.real_dtype)

    def expectations_split(
        self,
        data: torch.Tensor,
        weights: torch.Tensor,
        data_cols: Sequence[int],
        weight_cols: Sequence[int],
        table: torch.Tensor,
        batched_grad: bool = True,
    ) -> torch.Tensor:
        """:meth:`expectations` of the parameter rows made of per-sample columns ``data`` ``(B, Pd)`` (the
        circuit's parameters ``data_cols``) and weights ``(Pw,)`` shared by every row (``weight_cols``)."""
        data = torch.as_tensor(data, device=self.device).to(self.real_dtype)
        readout = self.lane_readout(table, data.shape[0])
        if readout is not None and weights.dtype == self.real_dtype:
            dc, wc = np.asarray(data_cols, dtype=np.int64), np.asarray(weight_cols, dtype=np.int64)
            return readout.expectations_split(data, weights, dc, wc, batched_grad)
        params = data.new_zeros(data.shape[0], self.num_parameters)
        params = params.index_copy(1, torch.as_tensor(data_cols, dtype=torch.long, device=self.device), data)
        if len(weight_cols):
            idx = torch.as_tensor(weight_cols, dtype=torch.long, device=self.device)
            params = params.index_copy(1, idx, weights.to(params.dtype)[None, :].expand(data.shape[0], -1))
        return self.expectations(params, table, batched_grad)

    def lane_readout(self, table: torch.Tensor, rows: int):
        """The lanes readout of ``table`` (:class:`qgen.sim.lane_expect.LaneReadout`, built once per table)
        when a batch of ``rows`` runs on the lanes executor, else None: its ``run`` / ``gradient`` evaluate
        expectation values and their gradients on numpy arrays, outside autograd."""
        if self._lanes is None or not self._lanes._chains or not self.uses_lanes(rows, readout=True):
            return None
        hit = self._readouts.get(id(table))
        if hit is None or hit[0] is not table:
            from qgen.sim.lane_expect import LaneReadout

            hit = self._readouts[id(table)] = (table, LaneReadout(self._lanes, table.cpu().numpy()))
        return hit[1]

    def _run_batch_engine(self, params: torch.Tensor) -> torch.Tensor:
        """Large registers: qgen.sim's batch engine on ``B`` copies of the circuit (one per batch size)."""
        from qgen.sim.compiled import CompiledBatch

        rows = params.shape[0]
        if rows not in self._fallback:
            if len(self._fallback) > 4:
                self._fallback.clear()
            self._fallback[rows] = CompiledBatch([self.gatelist] * rows, self.dtype, self.device)
        return self._fallback[rows].run(params if self.num_parameters else None)

    def _segment_matrix(self, items, fused, params, shared_row) -> torch.Tensor:
        """``M^T`` of a run of shared stages (row j is the state ``M e_j``), built from whole-register
        Kronecker products and column permutations."""
        m = None
        dim = 2**self.num_qubits
        for kind, item in items:
            if kind == "local":
                k = self._krons[item["kron"]]
                m = k.T if m is None else m @ k.T
            elif kind == "mono":
                if m is None:
                    m = self._eye
                if item["perm"] is not None:
                    m = Permute.apply(m, *item["perm"])
                if item["weight"] is not None:
                    phi = item["const_phase"] + shared_row[:, item["cols"]] @ item["weight"]
                    m = PhaseMul.apply(m, phi)
                elif item["const"] is not None:
                    m = m * item["const"]
            else:
                m = self._apply_dense(self._eye if m is None else m, item, params, shared_row, dim)
        return m

    def _apply(self, kind, item, psi, fused, params, shared_row, rows) -> torch.Tensor:
        if kind == "local":
            return self._apply_local(psi, item["groups"], fused, rows)
        if kind == "mono":
            return self._apply_monomial(psi, item, params, shared_row, rows)
        return self._apply_dense(psi, item, params, shared_row, rows)

    def _qubit_matrix(self, member, fused) -> torch.Tensor:
        _, is_b, chain = member
        if chain < 0:
            return self._eye2
        which, pos = self._chain_pos[chain]
        return fused[which][pos]

    def _apply_local(self, psi, groups, fused, rows) -> torch.Tensor:
        n = self.num_qubits
        if psi is None:  # first stage on |0..0>: the product state of the first columns
            kets = {}
            for _, _, members in groups:
                for m in members:
                    kets[m[0]] = self._qubit_matrix(m, fused)[:, :, 0] if m[2] >= 0 else self._zero_ket
            out = kets.get(n - 1, self._zero_ket)
            for q in range(n - 2, -1, -1):
                k = kets.get(q, self._zero_ket)
                out = (out[:, :, None] * k[:, None, :]).reshape(max(out.shape[0], k.shape[0]), -1)
            return out
        for lo, size, members in groups:
            mats = [self._qubit_matrix(m, fused) for m in members]
            k = mats[0]
            for m in mats[1:]:
                k = kron(k, m)
            batched = k.shape[0] != 1
            if batched and psi.shape[0] != rows:
                psi = psi.expand(rows, -1)
            r = psi.shape[0]
            above, below, g = 2 ** (n - lo - size), 2**lo, 2**size
            if below == 1:
                if batched:
                    psi = torch.bmm(psi.reshape(r, above, g), k.transpose(1, 2)).reshape(r, -1)
                else:
                    psi = (psi.reshape(-1, g) @ k[0].T).reshape(r, -1)
            elif above == 1:
                if batched:
                    psi = torch.bmm(k, psi.reshape(r, g, below)).reshape(r, -1)
                else:  # contract the leading axis: one GEMM on the transposed state
                    x = psi.reshape(r, g, below).transpose(1, 2).reshape(-1, g) @ k[0].T
                    psi = x.reshape(r, below, g).transpose(1, 2).reshape(r, -1)
            else:
                x = psi.reshape(r, above, g, below)
                psi = torch.matmul(k[:, None] if batched else k[0], x).reshape(r, -1)
        return psi

    def _apply_monomial(self, psi, item, params, shared_row, rows) -> torch.Tensor:
        if psi is None:
            psi = torch.zeros(1, 2**self.num_qubits, dtype=self.dtype, device=self.device)
            psi[0, 0] = 1.0
        if item["perm"] is not None:
            psi = Permute.apply(psi, *item["perm"])
        if item["weight"] is not None:
            src = (self._data if item["pure"] else params) if item["batched"] else shared_row
            if item["product"] is not None:
                c, w, indicator = item["product"]
                pairs = c + src[:, item["cols"]] @ w  # (R, 2n): the phase of qubit q's bit b at 2q + b
                psi = ProductPhaseMul.apply(psi, pairs, indicator)
            else:
                phi = item["const_phase"] + src[:, item["cols"]] @ item["weight"]
                psi = PhaseMul.apply(psi, phi)
        elif item["const"] is not None:
            psi = psi * item["const"]
        return psi

    def _apply_dense(self, psi, item, params, shared_row, rows) -> torch.Tensor:
        if psi is None:
            psi = torch.zeros(1, 2**self.num_qubits, dtype=self.dtype, device=self.device)
            psi[0, 0] = 1.0
        if item["matrix"] is not None:
            m = item["matrix"]
        else:
            src = (self._data if item["pure"] else params) if item["batched"] else shared_row
            m = item["spec"].matrices(item["offset"] + src @ item["coeff"], self.dtype)
        if m.shape[0] != 1 and psi.shape[0] != rows:
            psi = psi.expand(rows, -1)
        r, size = psi.shape[0], item["size"]
        x = Permute.apply(psi, item["perm"], item["inv"]).reshape(r, -1, size)
        x = torch.bmm(x, m.transpose(1, 2)) if m.shape[0] != 1 else x @ m[0].T
        return Permute.apply(x.reshape(r, -1), item["inv"], item["perm"])
