"""Errors of the fine-tuned LLM circuit generator (``qgen.generate.llm*``, ``qgen.train.llm``)."""

from __future__ import annotations

from qgen.errors import QgenError


class LLMError(QgenError):
    """Bad settings or input for LLM training, generation or evaluation."""


class BaseModelMissingError(LLMError):
    """A base model is neither cached, installed nor a local folder; the message says how to get it."""
