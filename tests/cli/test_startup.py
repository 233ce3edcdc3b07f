"""Start-up cost: ``qgen --help`` and ``import qgen`` load no Qiskit; ``qgen validate`` loads no torch."""

from __future__ import annotations

import subprocess
import sys

PROBE = "import sys, runpy\nsys.argv = ['qgen', *{argv!r}]\ntry:\n    runpy.run_module('qgen.cli.app', run_name='__main__')\nexcept SystemExit:\n    pass\nprint('LOADED', sorted(m for m in ('qiskit', 'torch', 'numpy') if m in sys.modules))\n"  # noqa: E501


def _loaded(*argv: str) -> str:
    code = PROBE.format(argv=list(argv))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return proc.stdout.rsplit("LOADED", 1)[-1].strip()


def test_help_loads_no_qiskit_numpy_or_torch() -> None:
    assert _loaded("--help") == "[]"


def test_validate_loads_no_torch() -> None:
    assert "torch" not in _loaded("validate", "examples/ghz.qasm")


def test_front_door_is_lazy_and_complete() -> None:
    code = (
        "import sys, qgen\nassert 'qiskit' not in sys.modules\n"
        "from qgen import load, profile, validate, dumps\n"
        "from qgen.circuits import read_source\n"
        "import qgen.circuits.profile, qgen.circuits.validate\n"
        "from qgen.circuits import profile as p, validate as v\n"
        "assert callable(p) and callable(v) and callable(read_source)\n"
        "print(profile(load('examples/ghz.qasm')).two_qubit_count)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "3"
