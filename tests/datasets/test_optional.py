"""``import qgen.datasets`` / ``qgen.search`` work without the optional extras; using them names the extra."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

BLOCKED = (
    "datasets", "pyarrow", "networkx", "qiskit_optimization", "mqt", "pandas", "yaml", "huggingface_hub",
    "botorch", "sklearn", "matplotlib",
)  # fmt: skip

SCRIPT = textwrap.dedent(
    f"""
    import sys

    class Block:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in {BLOCKED!r}:
                raise ModuleNotFoundError(f"No module named {{name!r}}")
            return None

    sys.meta_path.insert(0, Block())
    import qgen.datasets
    import qgen.search
    import qgen.search.architectures
    import qgen.search.tasks
    from qgen.optional import MissingExtraError

    for call in (
        lambda: qgen.datasets.make_instance("maxcut", 4),
        lambda: qgen.datasets.BUILDERS["optimization"].schema,
        lambda: qgen.search.make_task("digits", 4),
    ):
        try:
            call()
        except MissingExtraError as exc:
            print(exc)
    """
)


@pytest.mark.slow
def test_imports_without_extras_and_errors_name_them() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    res = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    lines = res.stdout.splitlines()
    assert len(lines) == 3, res.stdout
    assert "networkx is needed for graph problems" in lines[0] and "pip install 'qgen[data]'" in lines[0]
    assert "pyarrow is needed" in lines[1] and "qgen[data]" in lines[1]
    assert "sklearn" in lines[2] and "pip install 'qgen[search]'" in lines[2]
