"""Errors of qgen.models."""

from __future__ import annotations

from qgen.errors import QgenError


class ModelError(QgenError):
    """A model cannot be built, trained, saved or run as asked (missing inputs, bad data, bad folder)."""


class DataError(ModelError, ValueError):
    """The data cannot be used (one class, wrong feature count, non-numeric values, unknown dataset)."""
