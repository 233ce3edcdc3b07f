"""MAX-3-SAT: minimise unsatisfied 3-literal clauses; each clause is a cubic product (HUBO)."""

from __future__ import annotations

import itertools

import numpy as np

from qgen.datasets.problems.base import Instance, Problem, add_monomial, hubo_to_ising
from qgen.datasets.problems.registry import register_problem


@register_problem
class Max3SatProblem(Problem):
    """Assign booleans to satisfy as many 3-literal clauses as possible."""

    name = "max_3sat"
    title = "MAX-3-SAT"
    sense = "min"
    summary = "x_i = variable i; a clause is unsatisfied when all its literals are false (cubic Z terms)"

    def sizes(self, max_qubits: int) -> dict[int, int]:
        """Variables 3..max_qubits, one qubit each."""
        return {n: n for n in range(3, max_qubits + 1)}

    def generate(self, size: int, rng: np.random.Generator) -> Instance:
        """``n`` to ``2n`` random clauses of 3 distinct variables with random signs.

        A literal ``x_i`` is false when ``x_i = 0`` (factor ``1 - x_i``), a literal ``not x_i`` when
        ``x_i = 1`` (factor ``x_i``); the product is 1 exactly when the clause is unsatisfied.
        """
        count = int(rng.integers(size, 2 * size + 1))
        clauses = []
        for _ in range(count):
            variables = sorted(int(v) for v in rng.choice(size, size=3, replace=False))
            clauses.append([v + 1 if rng.random() < 0.5 else -(v + 1) for v in variables])
        terms: dict[tuple[int, ...], float] = {}
        const = 0.0
        for clause in clauses:
            negatives = [abs(lit) - 1 for lit in clause if lit < 0]
            positives = [lit - 1 for lit in clause if lit > 0]
            # prod_{neg} x_i * prod_{pos} (1 - x_j) = sum_{T subset pos} (-1)^|T| x_neg x_T
            for r in range(len(positives) + 1):
                for sub in itertools.combinations(positives, r):
                    support = tuple(negatives) + sub
                    if support:
                        add_monomial(terms, support, (-1) ** r)
                    else:
                        const += 1.0
        ham = hubo_to_ising(size, terms, const)
        text = f"{size} boolean variables x1..x{size} and the clauses (DIMACS literals) {clauses}"
        return Instance(self.name, size, size, ham, None, {"clauses": clauses}, text)

    def evaluate(self, instance: Instance, x: np.ndarray) -> tuple[bool, float]:
        """Every assignment is feasible; objective = number of unsatisfied clauses."""
        unsat = 0
        for clause in instance.data["clauses"]:
            sat = any((x[abs(lit) - 1] == 1) == (lit > 0) for lit in clause)
            unsat += not sat
        return True, float(unsat)
