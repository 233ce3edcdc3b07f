"""AQ* synthesiser: Clifford+T words for single-qubit unitaries and Rz rotations, registered as ``aqstar``.

``AQStarSynthesizer`` implements ``qgen.compiler.synthesis.base.Synthesizer``. It searches prefixes with
batched weighted A* (``search.py``), a table of every Clifford+T unitary up to T-count ``table_t`` as the
goal test (meet-in-the-middle), and optionally a trained deep-Q network (``rl.model.DeepQModel``) as the
heuristic. With the default ``weight=0`` the search is uniform-cost by T-count and its first level with a
hit is T-optimal for the chosen eps (``info["proven_optimal"]``).

>>> synth = AQStarSynthesizer(table_t=8)
>>> res = synth.synthesize_rz(np.pi / 4, 1e-2)   # exactly a T gate up to phase
>>> res.gates, res.t_count
(('t',), 1)
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from qgen.compiler.synthesis.aqstar.search import SearchOutcome, aqstar_search
from qgen.compiler.synthesis.aqstar.table import WordTable, bfs_table, normal_form_table
from qgen.compiler.synthesis.base import SYNTHESIZERS, SynthesisResult
from qgen.compiler.synthesis.bases import get_basis
from qgen.compiler.synthesis.errors import SynthesisError
from qgen.compiler.synthesis.unitaries import check_eps, check_unitary, distance, phase_between, rz_matrix
from qgen.compiler.synthesis.words import simplify

METRIC = "d(U, V) = sqrt(1 - |tr(U^dag V) / 2^n|^2)"


class AQStarSynthesizer:
    """Learned-heuristic A* synthesis over Clifford+T (or another registered basis).

    Args:
        basis: a name in ``bases.BASES``: ``clifford_t`` (T-count optimal normal-form search; the default),
            or ``ht``, ``hrc``, ``clifford_t_cx``, ... (gate-by-gate search over a breadth-first word table).
        model: a trained deep-Q model (path to ``model.safetensors`` / a run folder, or a ``DeepQModel``) used
            as the heuristic; ``None`` searches without one.
        weight: heuristic weight in f = g + weight * h (0 ignores the model: uniform-cost, optimal).
        table_t: T-count of the normal-form table (Clifford+T); 15 holds 2.36 M unitaries (~3 s to build once
            per process, ~200 MB); 12 builds in ~0.3 s and needs more search.
        table_length: word length of the breadth-first table (other bases).
        table_entries: cap on breadth-first table entries.
        cost: ``"t"`` or ``"gate"`` for gate-by-gate search (normal-form search always minimises T-count).
        batch_size: nodes expanded per A* iteration.
        max_nodes: node budget per target.
        time_limit: seconds per target (``None``: only the node budget).
        first_solution: stop at the first word instead of proving T-optimality.
        fallback: registered single-qubit synthesiser used when the search runs out of budget
            (``info["fallback"]`` names it; ``None``: return the closest table word instead, d > eps).
        device: torch device for the model.
    """

    name = "aqstar"

    def __init__(
        self,
        *,
        basis: str = "clifford_t",
        model: str | Path | object | None = None,
        weight: float = 0.0,
        table_t: int = 15,
        table_length: int = 8,
        table_entries: int = 500_000,
        cost: str = "t",
        batch_size: int = 64,
        max_nodes: int = 2_000_000,
        time_limit: float | None = None,
        first_solution: bool = False,
        fallback: str | None = "gridsynth",
        device: str = "cpu",
    ) -> None:
        self.basis = get_basis(basis)
        self.basis.costs(cost)
        if weight < 0:
            raise SynthesisError(f"weight must be >= 0, got {weight}")
        if batch_size < 1 or max_nodes < 1:
            raise SynthesisError("batch_size and max_nodes must be >= 1")
        self.normal_form = self.basis.normal_form
        self.model = _load_model(model, device)
        if self.model is not None and self.model.basis.num_qubits != self.basis.num_qubits:
            raise SynthesisError(
                f"model was trained on {self.model.basis.name!r} ({self.model.basis.num_qubits} qubit(s)); "
                f"basis {basis!r} has {self.basis.num_qubits}"
            )
        self.weight = weight
        self.table_t = table_t
        self.table_length = table_length
        self.table_entries = table_entries
        self.cost = cost
        self.batch_size = batch_size
        self.max_nodes = max_nodes
        self.time_limit = time_limit
        self.first_solution = first_solution
        self.fallback = fallback

    @property
    def table(self) -> WordTable:
        """The suffix table (built on first use, then shared within the process)."""
        if self.normal_form:
            return normal_form_table(self.table_t)
        return bfs_table(self.basis.name, self.cost, self.table_length, self.table_entries)

    def synthesize_rz(self, theta: float, eps: float) -> SynthesisResult:
        """Approximate Qiskit's Rz(theta) = diag(e^{-i theta/2}, e^{i theta/2}) to distance <= eps.

        Raises:
            SynthesisError: non-finite angle, eps outside (0, 1), or a non-single-qubit basis.
        """
        if not np.isfinite(theta):
            raise SynthesisError(f"rotation angle must be finite, got {theta!r}")
        if self.basis.num_qubits != 1:
            raise SynthesisError(
                f"synthesize_rz needs a single-qubit basis, {self.basis.name!r} has two qubits"
            )
        return self.synthesize_unitary(rz_matrix(float(theta)), eps)

    def synthesize_unitary(self, unitary: np.ndarray, eps: float) -> SynthesisResult:
        """Approximate a unitary of the basis' width to distance <= eps (best found otherwise).

        Returns:
            ``SynthesisResult``: gates in circuit order, the exact achieved distance, the global phase
            with target ~= e^{i phase} word; ``info`` holds ``success``, ``proven_optimal``, the stop
            reason and the search effort.

        Raises:
            SynthesisError: target not a unitary of the right size, or eps outside (0, 1).
        """
        start = time.perf_counter()
        eps = check_eps(eps)
        u = check_unitary(unitary, self.basis.num_qubits)
        table = self.table
        heuristic = self.model.cost_to_go if (self.model is not None and self.weight > 0) else None
        out = aqstar_search(
            u,
            table,
            eps,
            heuristic=heuristic,
            weight=self.weight,
            batch_size=self.batch_size,
            max_nodes=self.max_nodes,
            time_limit=self.time_limit,
            first_solution=self.first_solution,
            normal_form=self.normal_form,
            cost=self.cost,
        )
        if not out.success:
            rescued = self._rescue(u, out, eps, start)
            if rescued is not None:
                return rescued
        return self._result(u, out, eps, time.perf_counter() - start)

    def _rescue(self, u: np.ndarray, out: SearchOutcome, eps: float, start: float) -> SynthesisResult | None:
        """After a failed search: the fallback synthesiser's word, or the closest table word."""
        single_ct = self.basis.clifford_t and self.basis.num_qubits == 1
        if self.fallback and single_ct and self.fallback in SYNTHESIZERS:
            res = SYNTHESIZERS[self.fallback]().synthesize_unitary(u, eps)
            w = self.basis.label_matrix(list(res.gates))
            dist = float(distance(u, w))
            info = {**self._info(out, eps, dist), "success": dist <= eps, "fallback": self.fallback}
            if info["success"]:
                info["message"] = f"AQ* ran out of budget ({out.reason}); word from {self.fallback!r}"
            phase = phase_between(u, w)
            return SynthesisResult(tuple(res.gates), dist, phase, time.perf_counter() - start, info)
        nearest = self.table.nearest(u)
        if nearest is None:
            return None
        out.labels = self.table.word(nearest)
        return self._result(u, out, eps, time.perf_counter() - start)

    def _result(self, u: np.ndarray, out: SearchOutcome, eps: float, seconds: float) -> SynthesisResult:
        labels = simplify(out.labels) if self.basis.num_qubits == 1 else out.labels
        w = self.basis.label_matrix(labels)
        dist = float(distance(u, w))
        phase = phase_between(u, w)
        info = self._info(out, eps, dist)
        return SynthesisResult(tuple(labels), dist, phase, seconds, info)

    def _info(self, out: SearchOutcome, eps: float, dist: float) -> dict:
        info = {
            "success": bool(out.success and dist <= eps),
            "metric": METRIC,
            "eps": eps,
            "basis": self.basis.name,
            "proven_optimal": out.proven_optimal,
            "reason": out.reason,
            "nodes_expanded": out.nodes_expanded,
            "nodes_generated": out.nodes_generated,
            "network_calls": out.network_calls,
            "table_size": len(self.table),
            "table_cost": self.table.complete_cost,
            "heuristic": "deep-q" if out.network_calls else "none",
        }
        if not out.success:
            info["message"] = (
                f"no word within eps={eps:g} found ({out.reason}: {out.nodes_generated} nodes); "
                "raise max_nodes / time_limit or table_t, or use a larger eps"
            )
        return info


def _load_model(model: object, device: str):
    if model is None:
        return None
    from qgen.compiler.synthesis.rl.model import DeepQModel

    if isinstance(model, DeepQModel):
        return model
    if isinstance(model, (str, Path)):
        return DeepQModel.load(model, device=device)
    raise SynthesisError(f"model must be a path or a DeepQModel, got {type(model).__name__}")


SYNTHESIZERS.register("aqstar", AQStarSynthesizer)
