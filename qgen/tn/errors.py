"""Errors of qgen.tn (tensor-network pre-initialisation)."""

from __future__ import annotations

from qgen.errors import QgenError
from qgen.hamiltonians import HamiltonianError  # noqa: F401  (shared with qgen.hamiltonians)

__all__ = ["HamiltonianError", "TNError", "require_quimb"]


class TNError(QgenError):
    """A tensor-network initialisation cannot be done as asked (bad MPS, sizes, Hamiltonian, settings)."""


def require_quimb():
    """Import ``quimb.tensor``, or raise a :class:`TNError` that says how to install it."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Couldn't find `optuna`")
            import quimb.tensor as qtn
    except ImportError as exc:
        raise TNError(
            f"qgen.tn needs quimb for MPS and DMRG ({exc}); install it with: pip install 'qgen[tn]' "
            "(quimb>=1.8, cotengra>=0.7.1,<0.8)"
        ) from None
    return qtn
