"""Number partitioning (qiskit-optimization ``NumberPartition``): (sum a_i s_i)**2 with spins s = 1 - 2x."""

from __future__ import annotations

import numpy as np

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
class NumberPartitionProblem(Problem):
    """Split a multiset of integers into two parts whose sums are as close as possible."""

    name = "number_partition"
    title = "number partitioning"
    sense = "min"
    summary = "x_i = part of number i; energy = (difference of the two sums)**2"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """3..max_qubits numbers, one qubit each."""
        return {n: n for n in range(3, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """Integers drawn from 1..20; the equal-sum constraint folded in with weight 1 (the classic form)."""
        numbers = ints(rng.integers(1, 21, size=size))
        qp = penalised_qp(qiskit_optimization_app("NumberPartition")(numbers).to_quadratic_program(), 1.0)
        ham = from_quadratic_program(qp, size)
        text = f"the numbers {numbers}"
        return Instance(self.name, size, size, ham, None, {"numbers": numbers}, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Every split is feasible; objective = squared difference of the two sums."""
        a = np.asarray(instance.data["numbers"])
        return True, float((a @ (1 - 2 * x)) ** 2)
