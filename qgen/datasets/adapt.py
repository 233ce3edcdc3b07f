"""ADAPT-VQE for diagonal cost Hamiltonians with a pool of RX, RY, RZ, CRX, CRY, CRZ rotations.

Grimsley, Economou, Barnes, Mayhall, "An adaptive variational algorithm for exact molecular simulations on a
quantum computer", Nat. Commun. 10, 3007 (2019); pool as in Agent-Q (Jern et al. 2025, arXiv:2504.11109).
The circuit starts from ``|+>^n`` (a Hadamard layer: at ``|0...0>`` every pool gradient of a diagonal
Hamiltonian vanishes). Each step appends the pool operator with the largest energy gradient at angle 0 and
re-optimises all angles (warm start, qgen.sim); it stops when the gradient norm over the pool is below
``grad_tol`` (3e-3) or after ``max_ops`` operators. Many instances of one qubit count run together.

The gradient of appending ``exp(-i theta G / 2)`` is ``dE/dtheta = -Im <G psi | H psi>``: ``G`` is a Pauli
``P_t`` (``RP``) or ``|1><1|_c P_t`` (``CRP``, control ``c``); all of them come from ``3 n`` vectors.
Z-type gradients vanish for diagonal ``H`` ([Z, H] = 0), so RZ and CRZ are in the pool but never chosen
first; they are kept for fidelity to the pool of the paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch
from qiskit.circuit import Parameter, QuantumCircuit
from qiskit.quantum_info import SparsePauliOp

from qgen.datasets.ansatze import AnsatzCircuit, param_names
from qgen.datasets.optimize import TrainSettings, optimise_group
from qgen.datasets.problems.exact import ExactSolution
from qgen.sim import CompiledBatch, GateList
from qgen.sim.gatelist import Op, ParamExpr


@dataclass(frozen=True)
class PoolOp:
    """One operator of the ADAPT pool: a rotation gate name and its qubits (control first)."""

    gate: str
    qubits: tuple[int, ...]


def operator_pool(num_qubits: int) -> list[PoolOp]:
    """RX, RY, RZ on every qubit, then CRX, CRY, CRZ on every ordered pair (control, target)."""
    pool = []
    for axis in "xyz":
        pool += [PoolOp(f"r{axis}", (t,)) for t in range(num_qubits)]
    for axis in "xyz":
        pool += [PoolOp(f"cr{axis}", (c, t)) for t in range(num_qubits) for c in range(num_qubits) if c != t]
    return pool


def pool_gradients(psi: torch.Tensor, diag: torch.Tensor) -> torch.Tensor:
    """``dE/dtheta`` at ``theta = 0`` of every pool operator, ``(B, len(pool))``, in pool order.

    Args:
        psi: statevectors ``(B, 2**n)`` (complex128).
        diag: energies of the basis states ``(B, 2**n)``.
    """
    batch, dim = psi.shape
    n = dim.bit_length() - 1
    basis = torch.arange(dim)
    bits = ((basis[:, None] >> torch.arange(n)[None, :]) & 1).to(torch.float64)  # (D, n)
    h_psi = psi * diag.to(psi.dtype)
    singles, controlled = [], []
    for axis in "xyz":
        single = torch.empty(batch, n, dtype=torch.float64)
        ctrl = torch.empty(batch, n, n, dtype=torch.float64)  # [b, target, control]
        for t in range(n):
            flip = basis ^ (1 << t)
            bit_t = bits[:, t]
            if axis == "x":
                g_psi = psi[:, flip]
            elif axis == "y":  # (Y psi)[b] = -i psi[b^m] if bit 0 else +i psi[b^m]
                g_psi = psi[:, flip] * (1j * (2 * bit_t - 1)).to(psi.dtype)
            else:
                g_psi = psi * (1 - 2 * bit_t).to(psi.dtype)
            im = (g_psi.conj() * h_psi).imag  # (B, D)
            single[:, t] = -im.sum(-1)
            ctrl[:, t, :] = -(im @ bits)
        singles.append(single)
        controlled.append(ctrl)
    out = list(singles)
    for ctrl in controlled:
        cols = [ctrl[:, t, c] for t in range(n) for c in range(n) if c != t]
        out.append(torch.stack(cols, dim=1))
    return torch.cat(out, dim=1)


def adapt_circuit(num_qubits: int, ops: Sequence[PoolOp]) -> AnsatzCircuit:
    """The ADAPT circuit (Hadamard layer, then the chosen operators with parameters ``t000...``)."""
    names = param_names(len(ops))
    qc = QuantumCircuit(num_qubits)
    gl_ops = [Op("h", (q,)) for q in range(num_qubits)]
    qc.h(range(num_qubits))
    for i, op in enumerate(ops):
        getattr(qc, op.gate)(Parameter(names[i]), *op.qubits)
        gl_ops.append(Op(op.gate, op.qubits, (ParamExpr(((i, 1.0),)),)))
    return AnsatzCircuit("adapt", len(ops), qc, GateList(num_qubits, gl_ops, names))


@dataclass
class AdaptResult:
    """ADAPT-VQE outcome per instance."""

    circuits: list[AnsatzCircuit]
    params: list[np.ndarray]
    grad_norm: np.ndarray  # pool gradient norm when it stopped
    converged: np.ndarray  # stopped on the gradient norm (not the operator cap)
    steps: np.ndarray


def adapt_vqe(
    hamiltonians: Sequence[SparsePauliOp],
    diag: np.ndarray,
    solutions: Sequence[ExactSolution],
    settings: TrainSettings,
    seed: int,
) -> AdaptResult:
    """Run ADAPT-VQE on instances of one qubit count together (see the module docstring).

    Args:
        hamiltonians: cost Hamiltonians (diagonal).
        diag: their basis-state energies ``(B, 2**n)``.
        solutions: exact solutions (unused by the algorithm; kept for the inner optimiser's bookkeeping).
        settings: ``adapt_max_ops`` (per qubit), ``adapt_grad_tol``, ``adapt_steps`` and the optimiser.
        seed: seed (the inner optimisations start from the previous angles and 0 for the new one).
    """
    num = len(hamiltonians)
    n = hamiltonians[0].num_qubits
    pool = operator_pool(n)
    max_ops = max(1, int(round(settings.adapt_max_ops * n)))
    ops: list[list[PoolOp]] = [[] for _ in range(num)]
    params: list[np.ndarray] = [np.zeros(0) for _ in range(num)]
    grad_norm = np.full(num, np.inf)
    converged = np.zeros(num, dtype=bool)
    steps = np.zeros(num, dtype=np.int64)
    active = list(range(num))
    diag_t = torch.as_tensor(diag)
    for it in range(max_ops + 1):
        if not active:
            break
        circuits = [adapt_circuit(n, ops[i]).trainable for i in active]
        batch = CompiledBatch(circuits, torch.complex128, torch.device("cpu"))
        width = batch.num_parameters
        values = torch.zeros(len(active), width, dtype=torch.float64)
        for k, i in enumerate(active):
            values[k, : len(params[i])] = torch.as_tensor(params[i])
        with torch.no_grad():
            psi = batch.run(values if width else None)
        grads = pool_gradients(psi, diag_t[active])
        norms = grads.norm(dim=1).numpy()
        still = []
        for k, i in enumerate(active):
            grad_norm[i] = norms[k]
            if norms[k] < settings.adapt_grad_tol:
                converged[i] = True
            elif it < max_ops:
                ops[i].append(pool[int(grads[k].abs().argmax())])
                params[i] = np.append(params[i], 0.0)
                still.append(i)
        active = still
        if not active:
            break
        group = [adapt_circuit(n, ops[i]) for i in active]
        res = optimise_group(
            group,
            [hamiltonians[i] for i in active],
            [solutions[i] for i in active],
            np.zeros(len(active)),
            settings,
            seed=seed * 1009 + it,
            init=[params[i] for i in active],
            use_stop=False,
            steps=settings.adapt_steps,
            rounds=1,
            restarts=1,
        )
        for k, i in enumerate(active):
            params[i] = res.params[k]
            steps[i] += int(res.steps[k])
    circuits = [adapt_circuit(n, ops[i]) for i in range(num)]
    return AdaptResult(circuits, params, grad_norm, converged, steps)
