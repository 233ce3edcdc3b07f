"""Errors of the learned synthesiser (environment, deep-Q training, AQ* search)."""

from __future__ import annotations

from qgen.errors import QgenError


class SynthesisError(QgenError):
    """A synthesis request is malformed (target not unitary, bad eps, basis of the wrong width, ...)."""


class CheckpointError(SynthesisError):
    """A deep-Q checkpoint or model file is missing, unreadable, or was trained for another basis."""
