"""The compiler works without its optional extras, and names the extra to install when one is needed.

Each check runs in a fresh interpreter where the extra's modules are made unimportable
(``sys.modules[name] = None``), as on a base install.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest


def _run(blocked: list[str], body: str) -> dict:
    """Run ``body`` (which prints one JSON line) with ``blocked`` modules unimportable; return the JSON."""
    prelude = "import sys\n" + "".join(f"sys.modules[{m!r}] = None\n" for m in blocked)
    code = prelude + textwrap.dedent(body)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=240, env=dict(os.environ)
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


COMPILE_EXTRA = ["pytket", "qiskit_aer", "qiskit_ibm_runtime", "pygridsynth", "pytket_pecos"]


@pytest.mark.slow
def test_generic_qiskit_compiles_without_pytket_and_tket_names_the_extra() -> None:
    res = _run(
        COMPILE_EXTRA,
        """
        import json
        from qiskit import QuantumCircuit
        import qgen, qgen.compiler
        from qgen.optional import MissingExtraError
        qc = QuantumCircuit(3)
        qc.h(0); qc.cx(0, 1); qc.rz(0.3, 2); qc.cx(1, 2)
        res = qgen.compile(qc, target="generic", engine="qiskit")
        try:
            qgen.compile(qc, target="generic", engine="tket")
            tket = "no error"
        except MissingExtraError as exc:
            tket = str(exc)
        tops = ("pytket", "qiskit_aer", "pygridsynth")
        loaded = sorted(m for m, mod in sys.modules.items() if mod is not None and m.split(".")[0] in tops)
        print(json.dumps({"ops": sorted(res.circuit.count_ops()), "equivalent": bool(res.verdict.equivalent),
                          "tket": tket, "loaded": loaded}))
        """,
    )
    assert set(res["ops"]) <= {"cx", "rz", "sx", "x"} and res["equivalent"]
    assert "pip install 'qgen[compile]'" in res["tket"] and res["tket"].startswith("pytket")
    assert res["loaded"] == []


@pytest.mark.slow
def test_gridsynth_and_aer_name_the_compile_extra() -> None:
    res = _run(
        COMPILE_EXTRA,
        """
        import json
        from qgen.compiler.synthesis import SYNTHESIZERS
        from qgen.backends import run
        from qgen.optional import MissingExtraError
        from qiskit import QuantumCircuit
        msgs = []
        try:
            SYNTHESIZERS["gridsynth"]().synthesize_rz(0.3, 1e-3)
        except MissingExtraError as exc:
            msgs.append(str(exc))
        qc = QuantumCircuit(1, 1); qc.h(0); qc.measure(0, 0)
        try:
            run(qc, backend="ibm-torino-aer", shots=10)
        except MissingExtraError as exc:
            msgs.append(str(exc))
        print(json.dumps(msgs))
        """,
    )
    assert len(res) == 2
    assert res[0].startswith("pygridsynth") and "pip install 'qgen[compile]'" in res[0]
    assert res[1].startswith("qiskit_") and "pip install 'qgen[compile]'" in res[1]


@pytest.mark.slow
def test_deep_q_trains_without_the_rl_extra_and_the_env_names_it(tmp_path) -> None:
    res = _run(
        ["gymnasium", "stable_baselines3"],
        f"""
        import json
        from qgen.compiler.synthesis.rl import DeepQConfig, train_synthesizer
        from qgen.optional import MissingExtraError
        cfg = DeepQConfig(hidden=16, blocks=1, batch_size=8, max_walk=2, check_every=5)
        summary = train_synthesizer({str(tmp_path)!r}, cfg, iterations=3, eval_per_length=0, device="cpu")
        msgs = []
        try:
            import qgen.compiler.synthesis.rl.env
        except MissingExtraError as exc:
            msgs.append(str(exc))
        from qgen.compiler.synthesis.rl.compare import train_dqn_for
        try:
            train_dqn_for("clifford_t", 1.0)
        except MissingExtraError as exc:
            msgs.append(str(exc))
        print(json.dumps({{"updates": summary["updates"], "msgs": msgs}}))
        """,
    )
    assert res["updates"] == 3
    assert len(res["msgs"]) == 2 and all("pip install 'qgen[rl]'" in m for m in res["msgs"])
    assert res["msgs"][0].startswith("gymnasium") and res["msgs"][1].startswith("stable_baselines3")


@pytest.mark.slow
def test_compiler_imports_only_its_layers() -> None:
    res = _run(
        [],
        """
        import json
        import qgen.backends, qgen.compiler, qgen.compiler.synthesis, qgen.compiler.synthesis.rl
        from qgen.compiler.synthesis.rl import training, evaluation, trainer, model
        bad = ("qgen.tn", "qgen.datasets", "qgen.search", "qgen.generate", "qgen.cli", "typer", "rich",
               "pytket", "gymnasium", "stable_baselines3", "qiskit_aer", "qiskit_ibm_runtime", "pygridsynth")
        print(json.dumps(sorted(m for m in sys.modules if m.startswith(bad))))
        """,
    )
    assert res == []
