"""Errors of qgen.search (architecture search) and qgen.train; all are :class:`qgen.errors.QgenError`."""

from __future__ import annotations

from qgen.errors import QgenError


class SearchError(QgenError):
    """Bad settings of an architecture search (budget, seeds, methods, search space)."""


class PoolError(SearchError):
    """A pool of circuits cannot be built, read or used as asked."""


class TaskError(SearchError):
    """A search task cannot be built from its inputs (Hamiltonian file, target state, qubit count)."""


class CheckpointError(SearchError):
    """A training checkpoint is missing, unreadable, or belongs to another configuration."""
