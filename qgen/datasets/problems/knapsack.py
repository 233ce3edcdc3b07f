"""0/1 knapsack (qiskit-optimization ``Knapsack``; the capacity as a penalty with binary slack qubits)."""

from __future__ import annotations

import numpy as np

from qgen.datasets.errors import DatasetError
from qgen.datasets.problems.base import (
    Instance,
    Problem,
    from_quadratic_program,
    ints,
    penalised_qp,
    qiskit_optimization_app,
)
from qgen.datasets.problems.registry import register_problem


@register_problem
class KnapsackProblem(Problem):
    """Pick items of maximum total value whose total weight fits the capacity."""

    name = "knapsack"
    title = "0/1 knapsack"
    sense = "max"
    summary = "items x_0..x_{m-1}, then binary slack qubits; penalty (sum of values + 1) * (w.x + s - W)**2"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """The size is the qubit count (items + slack bits), 4..max_qubits."""
        return {q: q for q in range(4, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """``b`` in 2..4 slack bits, capacity W of ``b`` bits, ``size - b`` items of weight 1..W, value 1..9.

        Penalty = sum of values + 1: a feasible optimum has energy <= 0 while any state that breaks the
        capacity equation pays at least the penalty, more than all values together.
        """
        bits = int(rng.integers(2, min(4, size - 2) + 1))
        items = size - bits
        capacity = int(rng.integers(2 ** (bits - 1), 2**bits))
        weights = ints(rng.integers(1, capacity + 1, size=items))
        values = ints(rng.integers(1, 10, size=items))
        penalty = float(sum(values) + 1)
        app = qiskit_optimization_app("Knapsack")(values, weights, capacity)
        qp = penalised_qp(app.to_quadratic_program(), penalty)
        if qp.get_num_vars() != size:
            raise DatasetError(f"knapsack encoding has {qp.get_num_vars()} variables, expected {size}")
        ham = from_quadratic_program(qp, size)
        text = f"items with values {values} and weights {weights}, capacity {capacity}"
        data = {
            "values": values,
            "weights": weights,
            "capacity": capacity,
            "penalty": penalty,
            "items": items,
        }
        return Instance(self.name, size, size, ham, None, data, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Only the item bits count: feasible when their weight fits; objective = their value."""
        d = instance.data
        pick = x[: d["items"]]
        return bool(pick @ d["weights"] <= d["capacity"]), float(pick @ d["values"])
