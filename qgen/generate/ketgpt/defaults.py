"""Sampling defaults of KetGPT generation, importable without torch (the CLI reads them for its options)."""

from __future__ import annotations

# top-k of sampling. KetGPT used 5; qgen samples with 2: on the 22/30-epoch KetGPT-size models, 300-sample
# probes judged 91-92% real at top-k 5, 93-95% at 3 and 95.7-96.3% at 2, still 99-100% novel
# (docs/ketgpt.md, "Sampling settings"). ``--top-k 5`` gives the paper's setting.
DEFAULT_TOP_K = 2
