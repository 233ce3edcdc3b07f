"""State-preparation tasks: reach a target state; reward = state fidelity ``|<target|psi>|^2``.

The paper's task (Sun et al., 2024) prepares the state of a random circuit of the same search space with
random angles (threshold 0.95 for 4 qubits, 0.75 for 8). A custom target comes from a bound QASM circuit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from qiskit.circuit import QuantumCircuit
from qiskit.quantum_info import Statevector

from qgen.search.errors import TaskError
from qgen.search.tasks.base import Task, TaskOption, default_space, register_task
from qgen.sim.api import statevector
from qgen.sim.losses import infidelity
from qgen.sim.training import LossFn


@dataclass
class StateTask(Task):
    """Minimise ``1 - |<target|psi>|^2``; reward = fidelity."""

    target: np.ndarray | None = None

    def loss(self) -> LossFn:
        """Infidelity to the target."""
        return infidelity(torch.as_tensor(self.target))

    def reward_from_loss(self, loss: np.ndarray) -> np.ndarray:
        """Fidelity ``1 - loss`` clipped to [0, 1]."""
        return np.clip(1.0 - np.asarray(loss), 0.0, 1.0)

    def evaluate(self, circuit: QuantumCircuit, values: dict[str, float]) -> float:
        """Fidelity of the bound circuit's state (Qiskit ``Statevector``) to the target."""
        bound = circuit.assign_parameters(values) if circuit.parameters else circuit
        psi = Statevector(bound).data
        return float(np.abs(np.vdot(self.target, psi)) ** 2)


def random_target(num_qubits: int, seed: int) -> tuple[np.ndarray, dict]:
    """State of a random circuit of the paper's space for ``num_qubits`` with angles uniform in [-pi, pi)."""
    space = default_space(num_qubits)
    rng = np.random.default_rng(seed)
    circuit = space.sample(rng)
    values = rng.uniform(-np.pi, np.pi, circuit.num_parameters)
    psi = statevector(circuit, torch.as_tensor(values)).numpy()
    ops = [[op.name, list(op.qubits)] for op in circuit.ops]
    return psi, {"target_circuit": ops, "target_values": values.tolist(), "target_seed": seed}


@register_task(
    "state_prep",
    "prepare the state of a random circuit of the space (--target-seed); reward = fidelity",
    qubits=None,
    options=(TaskOption("target_seed", int, 13, "seed of the random target circuit"),),
)
def state_prep(num_qubits: int, target_seed: int = 13) -> Task:
    """Paper thresholds 0.95 (4 qubits) / 0.75 (8); strict 0.99 / 0.9.

    The default target (seed 13) is the first of seeds 0..44 whose 4-qubit statistics on 2,000 random
    candidates match a reference measurement (about 6% reach fidelity 0.95, about 0.2% reach 0.99):
    9% and 0.3%. Many other targets are reached exactly by 1-20% of the space, which leaves no strict level.
    """
    psi, info = random_target(num_qubits, target_seed)
    thr, strict = (0.95, 0.99) if num_qubits <= 4 else (0.75, 0.9)
    return StateTask(
        "state_prep", num_qubits, thr, strict, "state fidelity |<target|psi>|^2", target=psi, info=info
    )


@register_task(
    "target_state",
    "prepare the state of a bound QASM circuit (--target FILE); reward = fidelity",
    options=(TaskOption("target", Path, None, "bound OpenQASM circuit whose state is the target"),),
)
def target_state(num_qubits: int, target: str | Path | None = None) -> Task:
    """Custom target; thresholds 0.95 and 0.99."""
    if target is None:
        raise TaskError("task 'target_state' needs a target circuit: pass --target FILE.qasm")
    from qgen.circuits import load

    circuit = load(target)
    if circuit.parameters:
        names = sorted(p.name for p in circuit.parameters)
        raise TaskError(f"{target}: the target circuit has free parameters {names}; bind them in the file")
    if circuit.num_qubits != num_qubits:
        raise TaskError(f"{target}: the target has {circuit.num_qubits} qubits; the search uses {num_qubits}")
    psi = statevector(circuit).numpy()
    return StateTask(
        "target_state", num_qubits, 0.95, 0.99, "state fidelity |<target|psi>|^2", target=psi,
        info={"target_file": str(target)},
    )  # fmt: skip
