"""qgen.sim: a batched, differentiable statevector simulator in torch (CPU and CUDA)."""

from qgen.sim.api import SimulationResult, expectation_values, probabilities, simulate, statevector
from qgen.sim.compiled import CompiledBatch, compile_batch
from qgen.sim.device import resolve_device
from qgen.sim.gatelist import GateList, Op, ParamExpr, from_qiskit
from qgen.sim.gates import GATES, GateSpec
from qgen.sim.module import CircuitModule
from qgen.sim.observables import PauliObservables, expectation
from qgen.sim.training import OPTIMIZERS, TrainResult, train

__all__ = [
    "GATES",
    "CircuitModule",
    "CompiledBatch",
    "OPTIMIZERS",
    "TrainResult",
    "train",
    "GateList",
    "GateSpec",
    "Op",
    "ParamExpr",
    "PauliObservables",
    "SimulationResult",
    "compile_batch",
    "expectation",
    "expectation_values",
    "from_qiskit",
    "probabilities",
    "resolve_device",
    "simulate",
    "statevector",
]
