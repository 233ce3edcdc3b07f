"""qgen.generate: learned circuit generators, one vertical slice each.

- :mod:`qgen.generate.ketgpt`: KetGPT (Apak et al. 2024), a GPT-2 trained from scratch on real circuits,
  grammar-constrained sampling and three-way verification (validity, realism, novelty).
- :mod:`qgen.generate.llm`: a causal LLM fine-tuned on qgen's optimisation dataset (Jern et al. 2025),
  grammar-constrained OpenQASM 3 decoding and evaluation against the optimal circuits.

Names are imported lazily (module ``__getattr__``), so ``import qgen.generate`` loads neither torch nor
transformers.

>>> from qgen.generate import canonicalize
>>> canonicalize('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; cx q[0],q[1];').words()
['n2', 'h', 'q0', 'cx', 'q0', 'q1']
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    # KetGPT (qgen.generate.ketgpt)
    "CanonicalCircuit": "qgen.generate.ketgpt.canonical",
    "canonicalize": "qgen.generate.ketgpt.canonical",
    "from_words": "qgen.generate.ketgpt.canonical",
    "GATES": "qgen.generate.ketgpt.gateset",
    "build_tokenizer": "qgen.generate.ketgpt.tokenizer",
    "load_tokenizer": "qgen.generate.ketgpt.tokenizer",
    "Corpus": "qgen.generate.ketgpt.corpus",
    "load_corpus": "qgen.generate.ketgpt.corpus",
    "random_counterpart": "qgen.generate.ketgpt.corpus",
    "mqt_corpus": "qgen.generate.ketgpt.mqt",
    "QasmGrammarProcessor": "qgen.generate.ketgpt.constrained",
    "GrammarTables": "qgen.generate.ketgpt.constrained",
    "CONFIGS": "qgen.generate.ketgpt.config",
    "ModelConfig": "qgen.generate.ketgpt.config",
    "Sample": "qgen.generate.ketgpt.sampling",
    "SampleResult": "qgen.generate.ketgpt.sampling",
    "load_model": "qgen.generate.ketgpt.sampling",
    "sample": "qgen.generate.ketgpt.sampling",
    "train_ketgpt": "qgen.generate.ketgpt.training",
    "check_programs": "qgen.generate.ketgpt.validity",
    "RealismClassifier": "qgen.generate.ketgpt.realism",
    "train_realism": "qgen.generate.ketgpt.realism",
    "Evaluation": "qgen.generate.ketgpt.evaluate",
    "evaluate_ketgpt": "qgen.generate.ketgpt.evaluate",
    "generate_dataset": "qgen.generate.ketgpt.synthetic",
    "build_synthetic_dataset": "qgen.generate.ketgpt.synthetic",
    # fine-tuned LLMs (qgen.generate.llm)
    "BASE_MODELS": "qgen.generate.llm.models",
    "LLMTrainConfig": "qgen.generate.llm.training",
    "train_llm": "qgen.generate.llm.training",
    "GenerationSettings": "qgen.generate.llm.generation",
    "generate_programs": "qgen.generate.llm.generation",
    "generate_for_graph": "qgen.generate.llm.generation",
    "EvalConfig": "qgen.generate.llm.report",
    "evaluate_llm": "qgen.generate.llm.report",
    # errors
    "GenerateError": "qgen.generate.errors",
    "CorpusError": "qgen.generate.errors",
    "ModelError": "qgen.generate.errors",
    "TokenizerError": "qgen.generate.errors",
    "LLMError": "qgen.generate.errors",
    "BaseModelMissingError": "qgen.generate.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'qgen.generate' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
