"""Errors of qgen.generate: bad corpora, missing or broken models, bad sampling, training or LLM settings."""

from __future__ import annotations

from qgen.errors import QgenError


class GenerateError(QgenError):
    """Base class of the generators' errors (KetGPT and the fine-tuned LLM)."""


class CorpusError(GenerateError):
    """A circuit corpus cannot be read or has no usable circuits (names the column / path / reason)."""


class ModelError(GenerateError):
    """A model folder is missing, incomplete or was written by an incompatible version."""


class TokenizerError(GenerateError):
    """A circuit cannot be written in the tokenizer's vocabulary (too wide, unknown gate, ...)."""


class LLMError(GenerateError):
    """Bad settings or input for LLM training, generation or evaluation."""


class BaseModelMissingError(LLMError):
    """A base model is neither cached, installed nor a local folder; the message says how to get it."""
