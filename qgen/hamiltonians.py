"""Model Hamiltonians as Qiskit ``SparsePauliOp`` (Qiskit bit order: qubit 0 is the rightmost label letter).

One sign convention for the whole package (qgen.tn, the qgen.search tasks and the qgen.datasets problems):

* Transverse-field Ising model: ``H_TFIM = -J sum_i Z_i Z_{i+1} - h sum_i X_i`` (ferromagnetic for J > 0,
  critical at h = J). The other common convention ``H = J sum Z Z + h sum X`` is the same function with
  ``coupling=-J, field=-h`` (the QAS paper's TFIM-ring task uses it that way).
* Heisenberg XXX chain: ``H = J sum_i (X_i X_{i+1} + Y_i Y_{i+1} + Z_i Z_{i+1}) + h sum_i Z_i``
  (antiferromagnetic for J > 0).
* MaxCut: ``H_C = sum_{(i,j) in E} w_ij (Z_i Z_j - 1) / 2``; a basis state's energy is minus the weight of
  the cut it describes, so the ground energy is ``-maxcut``.

Chains are open unless ``periodic=True`` (a ring adds the bond ``(n-1, 0)``). Molecular Hamiltonians come
from Pauli-sum files (:func:`load_hamiltonian`) or the built-in H2 STO-3G operator (:func:`h2_sto3g`).
Exact ground energies use dense diagonalisation up to 10 qubits and ``scipy.sparse.linalg.eigsh`` above.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from qiskit.quantum_info import SparsePauliOp

from qgen.errors import QgenError
from qgen.registry import Registry

__all__ = [
    "HAMILTONIANS",
    "H2_GROUND_ENERGY",
    "HamiltonianError",
    "exact_ground_energy",
    "h2_sto3g",
    "hamiltonian",
    "heisenberg",
    "load_hamiltonian",
    "maxcut",
    "maxcut_value",
    "tfim",
]


class HamiltonianError(QgenError):
    """A Hamiltonian file, name or parameter cannot be turned into a Pauli sum."""


HamiltonianFactory = Callable[..., SparsePauliOp]

#: name -> factory ``(num_qubits, **params) -> SparsePauliOp`` (spin chains, used by ``hamiltonian(name)``)
HAMILTONIANS: Registry[HamiltonianFactory] = Registry("hamiltonian")


def _check_size(num_qubits: int) -> None:
    if int(num_qubits) < 2:
        raise HamiltonianError(f"a spin chain needs at least 2 qubits, got {num_qubits}")


def _bonds(num_qubits: int, periodic: bool) -> list[tuple[int, int]]:
    if periodic:
        return [(i, (i + 1) % num_qubits) for i in range(num_qubits)]
    return [(i, i + 1) for i in range(num_qubits - 1)]


@HAMILTONIANS.register("tfim")
def tfim(
    num_qubits: int, *, coupling: float = 1.0, field: float = 1.0, periodic: bool = False
) -> SparsePauliOp:
    """Transverse-field Ising chain ``H = -J sum Z_i Z_{i+1} - h sum X_i`` (critical at h = J = 1).

    Args:
        num_qubits: chain length.
        coupling: J.
        field: h.
        periodic: a ring (adds the bond between the last and the first qubit).
    """
    _check_size(num_qubits)
    terms = [("ZZ", list(b), -coupling) for b in _bonds(num_qubits, periodic)]
    terms += [("X", [i], -field) for i in range(num_qubits)]
    return SparsePauliOp.from_sparse_list(terms, num_qubits).simplify()


@HAMILTONIANS.register("heisenberg")
def heisenberg(
    num_qubits: int, *, coupling: float = 1.0, field: float = 0.0, periodic: bool = False
) -> SparsePauliOp:
    """Heisenberg XXX chain ``H = J sum (X_i X_{i+1} + Y_i Y_{i+1} + Z_i Z_{i+1}) + h sum Z_i``.

    Args:
        num_qubits: chain length.
        coupling: J (> 0: antiferromagnetic).
        field: h, a longitudinal field (0 by default).
        periodic: a ring.
    """
    _check_size(num_qubits)
    terms = [(p + p, list(b), coupling) for b in _bonds(num_qubits, periodic) for p in "XYZ"]
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


# --------------------------------------------------------------------------------------------- MaxCut
def maxcut(
    edges: Sequence[tuple[int, int]], num_nodes: int, weights: Sequence[float] | None = None
) -> SparsePauliOp:
    """MaxCut cost ``H_C = sum w_ij (Z_i Z_j - 1) / 2``: the energy of a basis state is minus its cut weight.

    Args:
        edges: node pairs (nodes ``0 .. num_nodes-1`` are qubits).
        num_nodes: number of nodes (qubits).
        weights: one weight per edge (default 1).
    """
    w = [1.0] * len(edges) if weights is None else [float(x) for x in weights]
    if len(w) != len(edges):
        raise HamiltonianError(f"{len(edges)} edges but {len(w)} weights")
    for a, b in edges:
        if not (0 <= a < num_nodes and 0 <= b < num_nodes) or a == b:
            raise HamiltonianError(f"edge ({a}, {b}) is not a pair of distinct nodes in 0..{num_nodes - 1}")
    terms = [("ZZ", (int(a), int(b)), 0.5 * x) for (a, b), x in zip(edges, w, strict=True)]
    terms.append(("", (), -0.5 * sum(w)))
    return SparsePauliOp.from_sparse_list(terms, num_nodes).simplify()


def maxcut_value(
    edges: Sequence[tuple[int, int]], num_nodes: int, weights: Sequence[float] | None = None
) -> float:
    """Weight of the maximum cut by enumerating all ``2**(n-1)`` bipartitions (small graphs)."""
    w = [1.0] * len(edges) if weights is None else [float(x) for x in weights]
    best = 0.0
    for bits in itertools.product((0, 1), repeat=max(0, num_nodes - 1)):
        side = (0, *bits)
        best = max(best, sum(x for (a, b), x in zip(edges, w, strict=True) if side[a] != side[b]))
    return best


# ------------------------------------------------------------------------------------------- molecules
# H2 in STO-3G, Jordan-Wigner, 4 qubits, bond length 0.7 Angstrom (1.3228 bohr). Source: the Hamiltonian
# PennyLane prints in its VQE demo ("A brief overview of VQE", pennylane.ai/qml/demos/tutorial_vqe), from
# qml.qchem.molecular_hamiltonian(["H", "H"], [0, 0, -0.6614, 0, 0, 0.6614]) -- the call the QAS paper's
# code (circuit/vqe.py) makes. Labels: (Pauli letters, qubits), PennyLane wire w = Qiskit qubit w.
H2_STO3G_TERMS = (
    ("", (), -0.04207897647782276),
    ("Z", (0,), 0.17771287465139946),
    ("Z", (1,), 0.17771287465139946),
    ("Z", (2,), -0.24274280513140462),
    ("Z", (3,), -0.24274280513140462),
    ("ZZ", (0, 1), 0.17059738328801052),
    ("ZZ", (0, 2), 0.12293305056183798),
    ("ZZ", (1, 3), 0.12293305056183798),
    ("ZZ", (0, 3), 0.1676831945771896),
    ("ZZ", (1, 2), 0.1676831945771896),
    ("ZZ", (2, 3), 0.17627640804319591),
    ("YYXX", (0, 1, 2, 3), -0.04475014401535161),
    ("XXYY", (0, 1, 2, 3), -0.04475014401535161),
    ("YXXY", (0, 1, 2, 3), 0.04475014401535161),
    ("XYYX", (0, 1, 2, 3), 0.04475014401535161),
)
H2_GROUND_ENERGY = -1.136189454  # Ha, exact diagonalisation of H2_STO3G_TERMS (FCI in this basis)


def h2_sto3g() -> SparsePauliOp:
    """The 15-term H2 STO-3G Jordan-Wigner Hamiltonian (4 qubits) at 0.7 Angstrom."""
    return SparsePauliOp.from_sparse_list(list(H2_STO3G_TERMS), 4).simplify()


def load_hamiltonian(path: str | os.PathLike, num_qubits: int | None = None) -> SparsePauliOp:
    """Read a Pauli sum from a file (Qiskit labels: qubit 0 is the rightmost character).

    Formats: JSON ``{"ZZI": -1.0, "IXI": 0.5}``, JSON ``[["ZZI", -1.0], ...]`` (also under a ``"terms"`` key),
    or text with one ``COEFF LABEL`` or ``LABEL COEFF`` per line (``#`` starts a comment).

    Args:
        path: the file.
        num_qubits: when given, the width the Pauli sum must have.

    Raises:
        HamiltonianError: missing file, bad syntax, unknown Pauli letters, labels of different lengths,
            a width other than ``num_qubits``, or a non-Hermitian sum.
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
        _check_label(label, str(path))
    width = lengths.pop()
    if num_qubits is not None and width != num_qubits:
        raise HamiltonianError(f"{path}: the Hamiltonian acts on {width} qubits, not {num_qubits}")
    op = SparsePauliOp.from_list(pairs).simplify()
    if not np.allclose(op.coeffs.imag, 0.0, atol=1e-12):
        raise HamiltonianError(f"{path}: the Pauli sum has complex coefficients: it is not Hermitian")
    return SparsePauliOp(op.paulis, op.coeffs.real.astype(complex))


def _check_label(label: str, where: str) -> None:
    bad = set(label) - set("IXYZ")
    if bad:
        raise HamiltonianError(f"{where}: label {label!r} has letters {sorted(bad)}; use I, X, Y, Z")


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
        _check_label(label.upper(), f"{path}:{lineno}")
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


# ------------------------------------------------------------------------------------ ground energies
def exact_ground_energy(op: SparsePauliOp, *, max_qubits: int = 22) -> float:
    """Lowest eigenvalue: dense ``eigvalsh`` up to 10 qubits, ``scipy.sparse.linalg.eigsh`` above.

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
