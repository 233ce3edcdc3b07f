"""A problem family is one class: a toy family registered here gets instances, exact solutions and rows."""

from __future__ import annotations

import numpy as np
import pytest
from qiskit.quantum_info import SparsePauliOp

from qgen.datasets import PROBLEMS, OptimizationConfig, TrainSettings, build_optimization, read_table
from qgen.datasets.problems import Instance, Problem, make_instance, register_problem, solve_exact


@pytest.fixture(scope="module")
def toy_family():
    @register_problem
    class ZerosProblem(Problem):
        """Minimise the number of zero bits (x = (1 - Z) / 2): H = sum (1 + Z_k) / 2."""

        name = "toy_zeros"
        title = "toy zeros"
        sense = "min"
        summary = "number of zeros"

        def sizes(self, max_qubits: int) -> dict[int, int]:
            return {n: n for n in range(2, min(max_qubits, 3) + 1)}

        def generate(self, size: int, rng: np.random.Generator) -> Instance:
            terms = [("Z", [k], 0.5) for k in range(size)] + [("", [], 0.5 * size)]
            ham = SparsePauliOp.from_sparse_list(terms, size).simplify()
            return Instance(self.name, size, size, ham, None, {}, f"{size} bits")

        def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
            return True, float(np.sum(1 - x))

    yield PROBLEMS["toy_zeros"]
    PROBLEMS._items.pop("toy_zeros")


def test_a_registered_family_makes_instances_and_solves(toy_family) -> None:
    inst = make_instance("toy_zeros", 3, seed=1)
    sol = solve_exact(inst.hamiltonian)
    assert sol.ground_energy == pytest.approx(0.0) and sol.ground_states == ("111",)
    assert toy_family.evaluate(inst, inst.bits("101")) == (True, 1.0)
    assert "toy_zeros" in OptimizationConfig(max_qubits=3, problems=("toy_zeros",)).resolved().problems


@pytest.mark.slow
def test_a_registered_family_builds_rows(toy_family, tmp_path) -> None:
    cfg = OptimizationConfig(
        size=2, max_qubits=3, problems=("toy_zeros",), methods=(("qaoa", 1.0),), seed=2,
        train=TrainSettings(steps=20),
    )  # fmt: skip
    report = build_optimization(tmp_path / "z", cfg, workers=1, card_verify_sample=2)
    rows = read_table(tmp_path / "z").to_pylist()
    assert report.complete and {r["problem"] for r in rows} == {"toy_zeros"}
    assert all(r["ground_energy"] == pytest.approx(0.0) for r in rows)
    assert "toy_zeros" in (tmp_path / "z" / "README.md").read_text()
