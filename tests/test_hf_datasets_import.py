"""The top-level ``datasets/`` recipe folder must not shadow Hugging Face ``datasets`` from the checkout.

``datasets/`` holds YAML recipes and no ``__init__.py``: at most a namespace package, which Python ranks
below a regular package found anywhere on the path, so ``import datasets`` still finds Hugging Face's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROBE = "import datasets, json; print(json.dumps([datasets.__file__, hasattr(datasets, 'load_dataset')]))"


@pytest.mark.slow
@pytest.mark.parametrize("pythonpath", [False, True], ids=["cwd", "cwd+PYTHONPATH"])
def test_import_datasets_from_the_repository_root_is_hugging_face(pythonpath):
    pytest.importorskip("datasets")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if pythonpath:
        env["PYTHONPATH"] = str(ROOT)
    assert (ROOT / "datasets").is_dir() and not (ROOT / "datasets" / "__init__.py").exists()
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    import json

    path, has_loader = json.loads(out)
    assert path is not None and Path(path).parent != ROOT / "datasets"
    assert "site-packages" in path or "dist-packages" in path
    assert has_loader
