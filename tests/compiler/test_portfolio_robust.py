"""A failing pipeline never sinks the portfolio; qubits tket finds idle keep their layout."""

from __future__ import annotations

import pytest

pytest.importorskip("pytket.extensions.quantinuum")  # the `compile` extra
from qiskit import QuantumCircuit

import qgen.compiler.portfolio as portfolio
from qgen.compiler import compile
from qgen.compiler.errors import EngineError
from qgen.compiler.targets import get_target
from qgen.compiler.tket import complete_layout, keep_qubits


def bernstein_vazirani(secret: str) -> QuantumCircuit:
    """BV on ``len(secret)`` data qubits + 1 ancilla (MQT Bench's layout), final measurements removed.

    A ``0`` in the secret leaves its data qubit with H H only: idle once tket cancels them.
    """
    n = len(secret)
    qc = QuantumCircuit(n + 1)
    qc.x(n)
    qc.h(range(n + 1))
    for i, bit in enumerate(reversed(secret)):
        if bit == "1":
            qc.cx(i, n)
    qc.h(range(n))
    return qc


def test_bv_with_an_idle_data_qubit_compiles_with_tket_and_best() -> None:
    qc = bernstein_vazirani("11111011")  # data qubit 2 is idle after H H cancels (KeyError: q[2] before)
    ident = tuple(range(9))
    tk = compile(qc, target="quantinuum-h2", engine="tket", seed=0)
    assert tk.verdict.equivalent and tk.initial_layout == ident and tk.final_layout == ident
    assert tk.after.two_qubit_count == 7
    best = compile(qc, target="quantinuum-h2", engine="best", seed=0)
    assert best.verdict.equivalent and best.after.two_qubit_count <= 7
    assert not [c for c in best.candidates if c.get("status") == "dropped"]


def test_mqt_bench_bv_9_on_h2() -> None:
    mqt = pytest.importorskip("mqt.bench")
    qc = mqt.get_benchmark("bv", mqt.BenchmarkLevel.ALG, 9)
    qc.remove_final_measurements()
    res = compile(qc, target="quantinuum-h2", engine="best", seed=0)
    assert res.verdict.equivalent and res.after.two_qubit_count == 4


def test_quantinuum_pass_keeps_every_qubit() -> None:
    names = [p.to_dict().get("StandardPass", {}).get("name") for p in get_target("quantinuum-h2").tket_pass(
        2, 0
    ).get_sequence()]
    assert "FlattenRelabelRegistersPass" in names
    kept = [p.to_dict().get("StandardPass", {}).get("name") for p in keep_qubits(
        get_target("quantinuum-h2").tket_pass(2, 0)
    ).get_sequence()]
    assert "FlattenRelabelRegistersPass" not in kept and len(kept) == len(names) - 1


def test_complete_layout_gives_dropped_qubits_their_own_index() -> None:
    from pytket.circuit import Qubit

    assert complete_layout([Qubit(0), None, Qubit(2)], 3) == (0, 1, 2)
    assert complete_layout([Qubit(1), None, Qubit(2)], 3) == (1, 0, 2)  # own index taken: first free one
    with pytest.raises(EngineError, match="inconsistent"):
        complete_layout([Qubit(1), Qubit(1)], 2)


def test_a_failing_pipeline_is_dropped_with_its_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("tket exploded")

    monkeypatch.setattr(portfolio, "run_tket", broken)
    qc = bernstein_vazirani("101")
    res = compile(qc, target="quantinuum-h2", engine="best", seed=0)
    assert res.verdict.equivalent
    dropped = [c for c in res.candidates if c.get("status") == "dropped"]
    assert dropped == [
        {"pipeline": "tket level 2", "status": "dropped", "reason": "RuntimeError: tket exploded",
         "seconds": dropped[0]["seconds"]}
    ]
    assert res.to_dict()["candidates"][-1]["reason"] == "RuntimeError: tket exploded"


def test_portfolio_raises_only_when_every_pipeline_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name):
        def fail(*args, **kwargs):
            raise RuntimeError(f"{name} exploded")

        return fail

    monkeypatch.setattr(portfolio, "run_tket", broken("tket"))
    monkeypatch.setattr(portfolio, "run_qiskit", broken("qiskit"))
    monkeypatch.setattr(portfolio, "run_pass", broken("pass"))
    with pytest.raises(EngineError) as info:
        compile(bernstein_vazirani("11"), target="quantinuum-h2", engine="best", seed=0)
    msg = str(info.value)
    assert "qiskit O3 seed=0: RuntimeError: qiskit exploded" in msg
    assert "tket level 2: RuntimeError: tket exploded" in msg


def test_tket_wire_swaps_forming_a_3_cycle_are_read_back_the_right_way() -> None:
    qc = QuantumCircuit(3)
    for q, a in enumerate((0.3, 0.7, 1.9)):
        qc.ry(a, q)
        qc.rz(a / 2, q)
    for a, b in ((0, 1), (1, 2)):  # two SWAPs as CX triples: tket absorbs them into a 3-cycle of wires
        qc.cx(a, b)
        qc.cx(b, a)
        qc.cx(a, b)
    qc.rx(0.4, 0)
    res = compile(qc, target="quantinuum-h2", engine="tket", seed=0)
    assert res.verdict.equivalent and res.after.two_qubit_count == 0
    assert res.final_layout == (1, 2, 0)  # virtual 0 ends on qubit 1, 1 on 2, 2 on 0 (the swaps' effect)
