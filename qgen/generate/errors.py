"""Errors of qgen.generate: bad corpora, missing or broken models, bad sampling settings."""

from __future__ import annotations

from qgen.errors import QgenError


class GenerateError(QgenError):
    """Base class of the generator's errors."""


class CorpusError(GenerateError):
    """A circuit corpus cannot be read or has no usable circuits (names the column / path / reason)."""


class ModelError(GenerateError):
    """A model folder is missing, incomplete or was written by an incompatible version."""


class TokenizerError(GenerateError):
    """A circuit cannot be written in the tokenizer's vocabulary (too wide, unknown gate, ...)."""
