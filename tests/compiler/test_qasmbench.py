"""QASMBench acceptance: programs of <= 10 qubits compile to Quantinuum H2 with ``best``, verified, dynamic
ones included, with no more 2-qubit gates than plain Qiskit O3 and plain pytket level 2.

The corpus (Li, Stein, Krishnamoorthy, Ang 2023, arXiv:2005.13018) lives in ``tests/data/qasmbench``
(``QGEN_QASMBENCH_DIR`` overrides it); without it these tests skip. The whole corpus runs in
``benchmarks/compile_bench.py --qasmbench``; the suite checks a fixed representative subset.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("pytket.extensions.quantinuum")  # the `compile` extra
pytest.importorskip("qiskit_aer")

import qgen
from qgen.compiler import compile
from qgen.compiler.engines import native_problem, two_qubit_count
from qgen.compiler.rewire import is_dynamic

DEFAULT_CORPUS = Path(__file__).resolve().parents[1] / "data" / "qasmbench"
CORPUS = Path(os.environ.get("QGEN_QASMBENCH_DIR", DEFAULT_CORPUS))

# dynamic (reset / if / mid-circuit measurement) and unitary programs that once broke a pipeline
SUBSET = {
    "ipea_n2": True,  # iterative phase estimation: reset, if(c==k) on a 4-bit register
    "qec_sm_n5": True,  # syndrome measurement + correction: two quantum registers, if(syn==k)
    "inverseqft_n4": True,  # semiclassical inverse QFT: measure, then classically controlled phases
    "shor_n5": True,
    "qec_en_n5": False,  # tket's wire swaps form a 3-cycle
    "simon_n6": False,  # barriers (GreedyPauliSimp refuses them)
    "teleportation_n3": False,
    "fredkin_n3": False,
}


def _program(name: str):
    path = CORPUS / f"{name}.qasm"
    if not path.exists():
        pytest.skip(f"QASMBench program {path} not present")
    return qgen.load(path)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SUBSET))
def test_qasmbench_program_compiles_to_h2_verified_and_no_worse_than_plain(name: str) -> None:
    qc = _program(name)
    assert is_dynamic(qc) is SUBSET[name]
    best = compile(qc, target="quantinuum-h2", engine="best", seed=0)
    assert best.verdict is not None and best.verdict.equivalent, best.verdict
    assert best.verdict.method == ("aer-sampling" if SUBSET[name] else "random-states")
    assert native_problem(best.circuit, best.target) is None
    plain_q = compile(qc, target="quantinuum-h2", engine="qiskit", optimization_level=3, seed=0, verify=False)
    plain_t = compile(qc, target="quantinuum-h2", engine="tket", optimization_level=2, seed=0, verify=False)
    plain = min(two_qubit_count(plain_q.circuit), two_qubit_count(plain_t.circuit))
    assert two_qubit_count(best.circuit) <= plain
