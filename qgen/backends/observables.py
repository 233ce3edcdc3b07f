"""Estimate ``<psi|H|psi>`` of a Pauli sum from shots: qubit-wise commuting groups, one basis per group.

Each group of terms that agree letter by letter on every qubit (``I`` matches anything) is measured in one
basis: ``H`` before measuring an ``X`` qubit, ``S^dagger H`` before a ``Y`` qubit. A shot gives every term of
its group the value ``coeff * (-1)^(parity of the measured bits on the term's support)``; the group's
estimate is the mean over its shots and its variance the sample variance of the per-shot group sum over the
shots, so correlations inside a group are counted; groups are independent, so their variances add.

>>> from qiskit import QuantumCircuit
>>> from qiskit.quantum_info import SparsePauliOp
>>> qc = QuantumCircuit(2); _ = qc.h(0); _ = qc.cx(0, 1)
>>> est = estimate(qc, SparsePauliOp.from_list([("ZZ", 1.0), ("XX", 0.5), ("II", 0.25)]), shots=100, seed=1)
>>> round(est.value, 6), est.stderr, [g["basis"] for g in est.groups]   # <ZZ> = <XX> = 1 on a Bell state
(1.75, 0.0, ['ZZ', 'XX'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from qiskit.circuit import ClassicalRegister, QuantumCircuit

from qgen.backends.runners import BackendError, run


@dataclass
class Estimate:
    """An expectation value from shots.

    Attributes:
        value: the estimate of ``<H>`` (identity terms included exactly).
        stderr: its standard error (shot noise).
        shots: shots per measured basis.
        groups: per basis, the Pauli string measured (Qiskit order, qubit 0 rightmost), its terms, value
            and standard error.
        backend: the backend that ran the circuits.
    """

    value: float
    stderr: float
    shots: int
    backend: str
    groups: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


def qubitwise_groups(labels: Sequence[str]) -> list[list[int]]:
    """Indices of ``labels`` in groups whose letters agree on every qubit (greedy, in order)."""
    groups: list[tuple[list[str], list[int]]] = []
    for i, label in enumerate(labels):
        for basis, members in groups:
            if all(a == "I" or b == "I" or a == b for a, b in zip(label, basis, strict=True)):
                for k, a in enumerate(label):
                    if a != "I":
                        basis[k] = a
                members.append(i)
                break
        else:
            groups.append((list(label), [i]))
    return [members for _, members in groups]


def estimate(
    circuit: QuantumCircuit,
    observable,
    *,
    shots: int = 1000,
    backend: str | None = None,
    seed: int | None = None,
    params: Mapping[str, float] | None = None,
    layout: Sequence[int] | None = None,
) -> Estimate:
    """Estimate ``<H>`` of a Pauli sum on the state a circuit prepares, basis by basis with ``shots`` each.

    Args:
        circuit: the circuit (no measurements; compiled or not); its free parameters bound by ``params``.
        observable: a ``SparsePauliOp`` (:func:`qgen.hamiltonians.load_hamiltonian` reads one) on as many
            qubits as the circuit's virtual qubits.
        shots: shots per measured basis (> 1).
        backend: a name in :data:`qgen.backends.BACKENDS` (default ``qgen-exact``).
        seed: seed of the emulator.
        params: values of free parameters by name.
        layout: physical qubit holding virtual qubit ``v`` at the end (a compiled circuit's final layout;
            default: ``0, 1, ...``).

    Raises:
        BackendError: measurements in the circuit, a width mismatch, complex coefficients, too few shots.
    """
    if int(shots) < 2:
        raise BackendError(f"an expectation value needs >= 2 shots per basis, got {shots}")
    if any(inst.operation.name == "measure" for inst in circuit.data):
        raise BackendError("--observable measures the circuit itself: give a circuit without measurements")
    if params:
        circuit = circuit.assign_parameters(
            {p: float(params[p.name]) for p in circuit.parameters if p.name in params}
        )
    n = observable.num_qubits
    layout = list(range(n)) if layout is None else [int(q) for q in layout]
    if len(layout) != n or max(layout, default=0) >= circuit.num_qubits:
        raise BackendError(
            f"the observable acts on {n} qubits; the circuit has {circuit.num_qubits}"
            + (f" (layout {layout})" if layout != list(range(len(layout))) else "")
        )
    coeffs = np.asarray(observable.coeffs)
    if np.max(np.abs(coeffs.imag), initial=0.0) > 1e-12:
        raise BackendError("the observable has complex coefficients: it is not Hermitian")
    labels = [p.to_label()[-n:] for p in observable.paulis]
    constant = sum(float(c.real) for c, lab in zip(coeffs, labels, strict=True) if set(lab) <= {"I"})
    measured = [i for i, lab in enumerate(labels) if not set(lab) <= {"I"}]
    value, var, groups, used = constant, 0.0, [], "qgen-exact"
    for members in qubitwise_groups([labels[i] for i in measured]):
        terms = [measured[m] for m in members]
        basis = ["I"] * n
        for t in terms:
            for k, a in enumerate(labels[t]):
                if a != "I":
                    basis[k] = a
        qc = circuit.copy()
        creg = ClassicalRegister(n, "meas")
        qc.add_register(creg)
        for v in range(n):
            letter, phys = basis[n - 1 - v], layout[v]  # label position n-1-v is virtual qubit v
            if letter == "X":
                qc.h(phys)
            elif letter == "Y":
                qc.sdg(phys)
                qc.h(phys)
            qc.measure(phys, creg[v])
        result = run(qc, shots=int(shots), backend=backend, seed=seed)
        used = result.backend
        outcomes = np.array([int(b, 2) for b in result.counts])
        weights = np.array(list(result.counts.values()), dtype=float)
        per_shot = np.zeros(len(outcomes))
        for t in terms:
            mask = sum(1 << v for v in range(n) if labels[t][n - 1 - v] != "I")
            parity = np.array([bin(o & mask).count("1") & 1 for o in outcomes])
            per_shot += float(coeffs[t].real) * (1 - 2 * parity)
        total = weights.sum()
        mean = float(per_shot @ weights / total)
        g_var = float(((per_shot - mean) ** 2) @ weights / (total - 1)) / total
        value += mean
        var += g_var
        groups.append({"basis": "".join(basis), "terms": [labels[t] for t in terms], "value": mean,
                       "stderr": g_var**0.5})  # fmt: skip
    return Estimate(float(value), float(var**0.5), int(shots), used, groups)
