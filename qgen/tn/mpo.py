"""Any Pauli sum (a Qiskit ``SparsePauliOp``) as a quimb matrix product operator.

Each Pauli string is a bond-dimension-1 MPO; the strings are summed pairwise (a balanced tree, so bonds stay
small) and compressed after every sum with a tiny relative cutoff, which keeps the MPO exact to ~1e-12.
Site ``k`` of the MPO is Qiskit qubit ``k`` (the ``k``-th character of a label from the right).
"""

from __future__ import annotations

import numpy as np
from qiskit.quantum_info import SparsePauliOp

from qgen.tn.errors import HamiltonianError, require_quimb

# Y is written as -i * [[0, 1], [-1, 0]], so strings with an even number of Y's have real factors.
_REAL_FACTORS = {
    "I": np.eye(2),
    "X": np.array([[0.0, 1.0], [1.0, 0.0]]),
    "Y": np.array([[0.0, 1.0], [-1.0, 0.0]]),
    "Z": np.array([[1.0, 0.0], [0.0, -1.0]]),
}


def pauli_sum_to_mpo(op: SparsePauliOp, *, cutoff: float = 1e-13):
    """Return ``op`` as a ``quimb.tensor.MatrixProductOperator`` (real dtype when the sum is real).

    Args:
        op: the Pauli sum; qubit ``k`` becomes MPO site ``k``.
        cutoff: relative singular-value cutoff of the compressions (exactness ~ ``cutoff``).

    Raises:
        HamiltonianError: fewer than 2 qubits or no non-zero terms.

    >>> from qgen.hamiltonians import tfim
    >>> pauli_sum_to_mpo(tfim(6)).max_bond()
    3
    """
    qtn = require_quimb()

    n = op.num_qubits
    if n < 2:
        raise HamiltonianError(f"an MPO needs at least 2 sites, the Pauli sum has {n} qubit(s)")
    terms: list[tuple[complex, list[np.ndarray]]] = []
    for label, coeff in op.simplify(atol=0.0).to_list():
        if coeff == 0:
            continue
        scale = complex(coeff) * (-1j) ** label.count("Y")
        terms.append((scale, [_REAL_FACTORS[c] for c in reversed(label)]))
    if not terms:
        raise HamiltonianError("the Pauli sum has no non-zero terms")
    real = all(abs(s.imag) <= 1e-14 * max(abs(s), 1.0) for s, _ in terms)
    mpos = []
    for scale, mats in terms:
        first = mats[0] * (scale.real if real else scale)
        mpos.append(qtn.MPO_product_operator([first, *mats[1:]]))
    while len(mpos) > 1:
        paired = []
        for i in range(0, len(mpos) - 1, 2):
            total = mpos[i].add_MPO(mpos[i + 1])
            total.compress(cutoff=cutoff, cutoff_mode="rel")
            paired.append(total)
        if len(mpos) % 2:
            paired.append(mpos[-1])
        mpos = paired
    return mpos[0]


def mpo_to_matrix(mpo) -> np.ndarray:
    """Dense matrix of an MPO in Qiskit bit order (for checks on a few qubits)."""
    n = mpo.L
    dense = mpo.to_dense()  # site 0 is the most significant index in quimb
    t = dense.reshape([2] * (2 * n))
    order = list(range(n - 1, -1, -1)) + list(range(2 * n - 1, n - 1, -1))
    return t.transpose(order).reshape(2**n, 2**n)
