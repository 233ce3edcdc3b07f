"""qgen.generate: circuit generators (KetGPT: a GPT-2 trained on real circuits, constrained sampling,
three-way verification). Names are imported lazily, so ``import qgen.generate`` stays cheap.

>>> from qgen.generate import canonicalize
>>> canonicalize('OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; cx q[0],q[1];').words()
['n2', 'h', 'q0', 'cx', 'q0', 'q1']
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "CanonicalCircuit": "qgen.generate.canonical",
    "canonicalize": "qgen.generate.canonical",
    "from_words": "qgen.generate.canonical",
    "GATES": "qgen.generate.gateset",
    "build_tokenizer": "qgen.generate.tokenizer",
    "load_tokenizer": "qgen.generate.tokenizer",
    "Corpus": "qgen.generate.corpus",
    "load_corpus": "qgen.generate.corpus",
    "mqt_corpus": "qgen.generate.corpus",
    "random_counterpart": "qgen.generate.corpus",
    "QasmGrammarProcessor": "qgen.generate.constrained",
    "GrammarTables": "qgen.generate.constrained",
    "CONFIGS": "qgen.generate.ketgpt",
    "ModelConfig": "qgen.generate.ketgpt",
    "Sample": "qgen.generate.ketgpt",
    "SampleResult": "qgen.generate.ketgpt",
    "load_model": "qgen.generate.ketgpt",
    "sample": "qgen.generate.ketgpt",
    "check_programs": "qgen.generate.validity",
    "RealismClassifier": "qgen.generate.realism",
    "train_realism": "qgen.generate.realism",
    "Evaluation": "qgen.generate.evaluate",
    "evaluate_ketgpt": "qgen.generate.evaluate",
    "generate_dataset": "qgen.generate.synthetic",
    "build_synthetic_dataset": "qgen.generate.synthetic",
    "GenerateError": "qgen.generate.errors",
    "CorpusError": "qgen.generate.errors",
    "ModelError": "qgen.generate.errors",
    "TokenizerError": "qgen.generate.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'qgen.generate' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
