"""``import qgen.generate`` stays cheap: torch and transformers load only when a generator is used."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

PROBE = (
    "import json, sys; import qgen.generate as g; "
    "print(json.dumps([m in sys.modules for m in ('torch', 'transformers')] + [len(g.__all__)]))"
)


def _run(code: str) -> list:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_loads_no_torch_nor_transformers() -> None:
    torch_loaded, transformers_loaded, names = _run(PROBE)
    assert (torch_loaded, transformers_loaded) == (False, False)
    assert names >= 40


def test_lazy_names_resolve_and_unknown_names_fail() -> None:
    import qgen.generate as g
    from qgen.errors import QgenError
    from qgen.generate.errors import GenerateError, LLMError

    assert g.LLMError is LLMError and issubclass(LLMError, GenerateError)
    assert issubclass(GenerateError, QgenError)
    qasm = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[2]; h q[0]; cx q[0],q[1];'
    assert g.canonicalize(qasm).words() == ["n2", "h", "q0", "cx", "q0", "q1"]
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        g.nope  # noqa: B018
