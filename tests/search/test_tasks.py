"""Search tasks: exact energies and rewards, batch-independent scores, exports that reproduce, errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from qiskit.quantum_info import SparsePauliOp

from qgen.errors import UnknownNameError
from qgen.search import SearchSpace, TaskError, build_pool, make_task
from qgen.search.tasks import TASKS
from qgen.search.tasks.hamiltonian import (
    MAXCUT_GRAPHS,
    ground_energy,
    h2_hamiltonian,
    max_cut,
    read_hamiltonian,
)
from qgen.sim import GateList


def _values(pool, i: int, params) -> dict[str, float]:
    """Trained values of pool circuit ``i`` by parameter name."""
    return dict(zip([p.name for p in pool.gatelist(i).to_qiskit().parameters], params, strict=True))


def test_registry_lists_tasks() -> None:
    assert {"state_prep", "maxcut", "vqe_h2", "tfim", "digits", "hamiltonian", "target_state"} <= set(TASKS)
    with pytest.raises(UnknownNameError, match="Did you mean 'maxcut'"):
        make_task("maxcat", 4)
    with pytest.raises(TaskError, match="defined for 4 qubits"):
        make_task("vqe_h2", 8)
    with pytest.raises(TaskError, match="takes no option"):
        make_task("maxcut", 4, hamiltonian="x.txt")


def test_exact_energies() -> None:
    assert ground_energy(h2_hamiltonian()) == pytest.approx(-1.136189454, abs=1e-8)
    assert make_task("tfim", 8).info["ground_energy"] == pytest.approx(-10.251661790966, abs=1e-8)
    assert (
        max_cut(MAXCUT_GRAPHS[4], 4) == 4 and max_cut(MAXCUT_GRAPHS[8], 8) == 12
    )  # -10 and -52 in the paper


def test_maxcut_reward_normalisation() -> None:
    task = make_task("maxcut", 4)
    cut = GateList(4, [("x", [1]), ("x", [3])])  # |1010>: all 4 edges cut
    none = GateList(4, [("h", [0]), ("h", [0])])  # |0000>: nothing cut
    s = task.score([cut, none])
    assert s.reward == pytest.approx([1.0, 0.2], abs=1e-12)  # (1 + cut) / (1 + 4), the paper's E / -10


def test_state_prep_and_batch_independence() -> None:
    task = make_task("state_prep", 4)
    pool = build_pool(SearchSpace(4, 10, 5), 12, seed=5)
    circuits = pool.gatelists()
    alone = task.score(circuits[:3]).reward
    together = task.score(circuits[::-1]).reward[::-1][:3]
    assert alone == pytest.approx(together, abs=1e-9)  # init seeded by structure, not batch position
    assert np.all((alone >= 0) & (alone <= 1))


def test_export_reproduces_reward() -> None:
    from qgen.circuits import dumps, load

    pool = build_pool(SearchSpace(4, 10, 5), 8, seed=2)
    for name in ("vqe_h2", "state_prep", "maxcut"):
        task = make_task(name, 4)
        s = task.score(pool.gatelists())
        i = int(np.argmax(s.reward))
        qc = load(dumps(task.export(pool.gatelist(i)), version=3))
        values = _values(pool, i, s.params[i])
        assert task.evaluate(qc, values) == pytest.approx(s.reward[i], abs=1e-6)


@pytest.mark.slow
def test_digits_batched_matches_circuit_module() -> None:
    task = make_task("digits", 4)
    pool = build_pool(SearchSpace(4, 10, 5), 4, seed=0)
    s = task.score(pool.gatelists())
    for i in range(4):
        qc = task.export(pool.gatelist(i))
        values = _values(pool, i, s.params[i])
        assert task.evaluate(qc, values) == pytest.approx(s.reward[i], abs=1e-12)
    assert task.info["test_size"] > 50


@pytest.mark.slow
def test_digits_with_a_validation_split_selects_on_it_and_reports_test() -> None:
    plain, task = make_task("digits", 4), make_task("digits", 4, validation=0.2)
    sizes = task.info
    assert sizes["test_size"] == plain.info["test_size"]  # the test split is the same samples
    assert sizes["validation_size"] + sizes["train_size"] == plain.info["train_size"]
    assert abs(sizes["validation_size"] - 0.2 * (plain.info["train_size"] + plain.info["test_size"])) <= 1
    assert task.selection_split == "val" and "validation accuracy" in task.metric
    pool = build_pool(SearchSpace(4, 10, 5), 6, seed=0)
    s = task.score(pool.gatelists())
    for i in range(6):
        qc = task.export(pool.gatelist(i))
        values = _values(pool, i, s.params[i])
        assert task.evaluate(qc, values) == pytest.approx(s.reward[i], abs=1e-12)  # reward = validation
        assert task.evaluate(qc, values) == task.accuracy(qc, values, "val")
        test = task.report(qc, values)["test_accuracy"]
        assert test == task.accuracy(qc, values, "test") and round(
            test * sizes["test_size"]
        ) == pytest.approx(test * sizes["test_size"], abs=1e-9)
    assert plain.report(qc, values) == {}
    with pytest.raises(TaskError, match=r"--validation is a share of the samples in \[0, 0.5\], got 0.9"):
        make_task("digits", 4, validation=0.9)
    with pytest.raises(TaskError, match="takes no option"):
        make_task("maxcut", 4, validation=0.2)


def test_custom_hamiltonian_and_target(tmp_path) -> None:
    ham = tmp_path / "h.txt"
    ham.write_text("# Ising pair\n-1.0 ZZ\n-0.5 XI\n-0.5 IX\n")
    op = read_hamiltonian(ham, 2)
    assert op == SparsePauliOp(["ZZ", "XI", "IX"], [-1.0, -0.5, -0.5])
    task = make_task("hamiltonian", 2, hamiltonian=ham)
    assert task.info["ground_energy"] == pytest.approx(-np.sqrt(2), abs=1e-9)
    bad = tmp_path / "bad.txt"
    bad.write_text("-1.0 ZZ\n0.5 ZQ\n")
    with pytest.raises(TaskError, match=r"bad.txt:2: label 'ZQ' has letters"):
        read_hamiltonian(bad)
    with pytest.raises(TaskError, match="acts on 2 qubits; the search uses 3"):
        make_task("hamiltonian", 3, hamiltonian=ham)
    with pytest.raises(TaskError, match="needs a Pauli-sum file"):
        make_task("hamiltonian", 2)
    target = tmp_path / "bell.qasm"
    target.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n')
    t = make_task("target_state", 2, target=target)
    bell = GateList(2, [("h", [0]), ("cx", [0, 1])])
    assert t.score([bell]).reward[0] == pytest.approx(1.0, abs=1e-12)
    free = tmp_path / "free.qasm"
    free.write_text('OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nrx(a) q[0];\n')
    with pytest.raises(TaskError, match="free parameters"):
        make_task("target_state", 2, target=free)
    with pytest.raises(TaskError, match="two different classes"):
        make_task("digits", 4, classes="3,3")
    _ = torch
