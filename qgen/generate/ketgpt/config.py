"""KetGPT model shapes (GPT-2 configurations), the model folder's metadata file, quiet transformers logs.

>>> sorted(CONFIGS)
['ketgpt', 'large', 'medium', 'small', 'tiny']
>>> CONFIGS["ketgpt"]
ModelConfig(n_layer=3, n_head=4, n_embd=768, n_positions=1024)
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass

from qgen.generate.errors import GenerateError
from qgen.optional import require
from qgen.registry import Registry

MODEL_JSON = "ketgpt.json"


@dataclass(frozen=True)
class ModelConfig:
    """GPT-2 shape: layers, heads, embedding width, context length (tokens)."""

    n_layer: int
    n_head: int
    n_embd: int
    n_positions: int = 1024

    def gpt2_config(self, tokenizer):
        """The ``transformers.GPT2Config`` for this shape and the tokenizer's vocabulary."""
        GPT2Config = require("transformers", extra="generate", purpose="KetGPT").GPT2Config

        if self.n_embd % self.n_head:
            raise GenerateError(f"n_embd {self.n_embd} is not divisible by n_head {self.n_head}")
        return GPT2Config(
            vocab_size=len(tokenizer),
            n_positions=self.n_positions,
            n_embd=self.n_embd,
            n_layer=self.n_layer,
            n_head=self.n_head,
            bos_token_id=tokenizer.bos_token_id,
            eos_token_id=tokenizer.eos_token_id,
            pad_token_id=tokenizer.pad_token_id,
        )


CONFIGS: Registry[ModelConfig] = Registry("KetGPT model config")
CONFIGS.register("ketgpt", ModelConfig(3, 4, 768))  # the paper's model
CONFIGS.register("small", ModelConfig(3, 4, 256))  # same depth, 1/9 of the FLOPs: CPU training
CONFIGS.register("medium", ModelConfig(6, 8, 512))
CONFIGS.register("large", ModelConfig(12, 12, 768))  # GPT-2 small
CONFIGS.register("tiny", ModelConfig(2, 2, 32, 256))  # tests


@contextlib.contextmanager
def quiet_transformers():
    """Silence transformers' info logs and progress bars for the duration (qgen shows its own progress)."""
    require("transformers", extra="generate", purpose="KetGPT")
    from transformers.utils import logging as hf_logging

    level = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


def config_dict(config: ModelConfig) -> dict:
    """JSON-ready model shape."""
    return asdict(config)
