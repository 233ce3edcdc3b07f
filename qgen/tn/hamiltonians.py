"""Spin-chain Hamiltonians as Qiskit ``SparsePauliOp`` (Qiskit bit order), Pauli-sum files, exact energies.

The registry :data:`HAMILTONIANS` maps a name to a factory ``(num_qubits, **params) -> SparsePauliOp``; the
dataset and search issues pass their own ``SparsePauliOp`` (any Pauli sum works with qgen.tn).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
from qiskit.quantum_info import SparsePauliOp

from qgen.registry import Registry
from qgen.tn.errors import HamiltonianError

HamiltonianFactory = Callable[..., SparsePauliOp]

HAMILTONIANS: Registry[HamiltonianFactory] = Registry("hamiltonian")


def _check_size(num_qubits: int) -> None:
    if int(num_qubits) < 2:
        raise HamiltonianError(f"a spin chain needs at least 2 qubits, got {num_qubits}")


@HAMILTONIANS.register("tfim")
def tfim(num_qubits: int, *, coupling: float = 1.0, field: float = 1.0) -> SparsePauliOp:
    """Open transverse-field Ising chain ``H = -J sum Z_i Z_{i+1} - h sum X_i`` (critical at h = J = 1).

    Args:
        num_qubits: chain length.
        coupling: J.
        field: h.
    """
    _check_size(num_qubits)
    terms = [("ZZ", [i, i + 1], -coupling) for i in range(num_qubits - 1)]
    terms += [("X", [i], -field) for i in range(num_qubits)]
    return SparsePauliOp.from_sparse_list(terms, num_qubits).simplify()


@HAMILTONIANS.register("heisenberg")
def heisenberg(num_qubits: int, *, coupling: float = 1.0, field: float = 0.0) -> SparsePauliOp:
    """Open Heisenberg XXX chain ``H = J sum (X_i X_{i+1} + Y_i Y_{i+1} + Z_i Z_{i+1}) + h sum Z_i``.

    Args:
        num_qubits: chain length.
        coupling: J (> 0: antiferromagnetic).
        field: h, a longitudinal field (0 by default).
    """
    _check_size(num_qubits)
    terms = [(p + p, [i, i + 1], coupling) for i in range(num_qubits - 1) for p in "XYZ"]
    if field:
        terms += [("Z", [i], field) for i in range(num_qubits)]
    return SparsePauliOp.from_sparse_list(terms, num_qubits).simplify()


def hamiltonian(name: str, num_qubits: int, **params: float) -> SparsePauliOp:
    """The registered Hamiltonian ``name`` on ``num_qubits`` qubits (``params``: coupling, field, ...).

    Raises:
        UnknownNameError: ``name`` is not in :data:`HAMILTONIANS` (lists the valid names).
        HamiltonianError: bad size or parameters.
    """
    factory = HAMILTONIANS[name]
    try:
        return factory(int(num_qubits), **params)
    except TypeError as exc:
        raise HamiltonianError(f"hamiltonian {name!r}: {exc}") from None


def load_hamiltonian(path: str | os.PathLike) -> SparsePauliOp:
    """Read a Pauli sum from a file (Qiskit labels: qubit 0 is the rightmost character).

    Formats: JSON ``{"ZZI": -1.0, "IXI": 0.5}``, JSON ``[["ZZI", -1.0], ...]`` (also under a ``"terms"`` key),
    or text with one ``COEFF LABEL`` or ``LABEL COEFF`` per line (``#`` starts a comment).

    Raises:
        HamiltonianError: missing file, bad syntax, unknown Pauli letters, labels of different lengths,
            or a non-Hermitian sum.
    """
    path = Path(path)
    if not path.is_file():
        raise HamiltonianError(f"no such Hamiltonian file: {path}")
    text = path.read_text(encoding="utf-8")
    pairs = _parse_json(text, path) if text.lstrip().startswith(("{", "[")) else _parse_text(text, path)
    if not pairs:
        raise HamiltonianError(f"{path}: no Pauli terms found")
    lengths = {len(label) for label, _ in pairs}
    if len(lengths) != 1:
        raise HamiltonianError(f"{path}: Pauli labels have different lengths {sorted(lengths)}")
    for label, _ in pairs:
        bad = set(label) - set("IXYZ")
        if bad:
            raise HamiltonianError(f"{path}: label {label!r} has letters {sorted(bad)}; use I, X, Y, Z")
    op = SparsePauliOp.from_list(pairs).simplify()
    if not np.allclose(op.coeffs.imag, 0.0, atol=1e-12):
        raise HamiltonianError(f"{path}: the Pauli sum has complex coefficients: it is not Hermitian")
    return op


def _parse_json(text: str, path: Path) -> list[tuple[str, complex]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HamiltonianError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    if isinstance(data, dict) and "terms" in data:
        data = data["terms"]
    items = data.items() if isinstance(data, dict) else data
    pairs = []
    try:
        for label, coeff in items:
            pairs.append((str(label).strip().upper(), _number(coeff, path)))
    except (TypeError, ValueError):
        raise HamiltonianError(f"{path}: expected {{label: coeff}} or [[label, coeff], ...]") from None
    return pairs


def _parse_text(text: str, path: Path) -> list[tuple[str, complex]]:
    pairs = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        if len(parts) != 2:
            raise HamiltonianError(f"{path}:{lineno}: expected 'COEFF LABEL', got {line!r}")
        coeff, label = _split_term(parts)
        if coeff is None:
            raise HamiltonianError(f"{path}:{lineno}: no number in {line!r}; expected 'COEFF LABEL'")
        pairs.append((label.upper(), coeff))
    return pairs


def _split_term(parts: list[str]) -> tuple[complex | None, str]:
    """``(coefficient, label)`` from two words in either order (``i`` or ``j`` for imaginary parts)."""
    for number, label in ((parts[0], parts[1]), (parts[1], parts[0])):
        try:
            return complex(number.replace("i", "j")), label
        except ValueError:
            continue
    return None, parts[1]


def _number(value: object, path: Path) -> complex:
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return complex(float(value[0]), float(value[1]))
    if isinstance(value, (int, float)):
        return complex(value)
    raise HamiltonianError(f"{path}: coefficient {value!r} is not a number")


def exact_ground_energy(op: SparsePauliOp, *, max_qubits: int = 22) -> float:
    """Lowest eigenvalue by sparse diagonalisation (``scipy.sparse.linalg.eigsh`` on the sparse matrix).

    Raises:
        HamiltonianError: more than ``max_qubits`` qubits (the sparse matrix would not fit).
    """
    from scipy.sparse.linalg import eigsh

    n = op.num_qubits
    if n > max_qubits:
        raise HamiltonianError(f"{n} qubits is too many for sparse diagonalisation (limit {max_qubits})")
    mat = op.to_matrix(sparse=True)
    if n <= 10:
        return float(np.linalg.eigvalsh(mat.toarray())[0])
    v0 = np.random.default_rng(0).standard_normal(mat.shape[0]).astype(mat.dtype)
    vals = eigsh(mat, k=1, which="SA", v0=v0, tol=1e-12, return_eigenvectors=False)
    return float(vals[0].real)
