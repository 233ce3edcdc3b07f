"""Structural profiles of circuits: the metrics used to compare generated circuits with real ones."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Qiskit loads with the circuit, not with this module (qgen validate stays fast)
    from qiskit.circuit import QuantumCircuit

_NON_GATES = {"barrier", "measure", "reset", "delay", "snapshot", "global_phase"}


@dataclass(frozen=True)
class Profile:
    """Structural metrics of one circuit.

    Attributes:
        num_qubits: width.
        num_clbits: classical bits.
        depth: circuit depth (all operations except barriers).
        size: number of gates (unitary operations; no barriers / measurements / resets); the gates inside
            ``if_else`` / loop bodies count (every branch), the control-flow operation itself does not.
        gate_counts: gates by name (plus measure / reset / control-flow counts).
        two_qubit_count: gates on two or more qubits.
        two_qubit_fraction: two_qubit_count / size (0 for an empty circuit).
        two_qubit_depth: depth counting only gates on two or more qubits.
        num_parameters: free Qiskit Parameters.
        interaction_edges: sorted qubit pairs that share a multi-qubit gate.
        max_degree: largest vertex degree of the interaction graph.
        density: edges / (n (n - 1) / 2) of the interaction graph (0 for n < 2).
        measurements: number of measure operations.
    """

    num_qubits: int
    num_clbits: int
    depth: int
    size: int
    gate_counts: dict[str, int] = field(default_factory=dict)
    two_qubit_count: int = 0
    two_qubit_fraction: float = 0.0
    two_qubit_depth: int = 0
    num_parameters: int = 0
    interaction_edges: list[tuple[int, int]] = field(default_factory=list)
    max_degree: int = 0
    density: float = 0.0
    measurements: int = 0

    @property
    def num_edges(self) -> int:
        """Edges of the interaction graph."""
        return len(self.interaction_edges)

    def to_dict(self) -> dict:
        """JSON-ready dict (edges as lists)."""
        out = asdict(self)
        out["interaction_edges"] = [list(e) for e in self.interaction_edges]
        out["num_edges"] = self.num_edges
        return out


def _operations(circuit: QuantumCircuit, outer: list[int] | None = None):
    """``(name, qubit indices)`` of every operation; the bodies of ``if_else`` / loops are walked into."""
    from qiskit.circuit import ControlFlowOp

    for inst in circuit.data:
        qubits = [circuit.find_bit(q).index for q in inst.qubits]
        if outer is not None:
            qubits = [outer[i] for i in qubits]
        op = inst.operation
        if isinstance(op, ControlFlowOp):
            yield op.name, None  # counted by name only; the gates inside count
            for block in op.blocks:
                yield from _operations(block, qubits)
            continue
        yield op.name, qubits


def profile(circuit: QuantumCircuit) -> Profile:
    """Compute the structural :class:`Profile` of a Qiskit circuit.

    >>> from qiskit import QuantumCircuit
    >>> qc = QuantumCircuit(3); _ = qc.h(0); _ = qc.cx(0, 1); _ = qc.cx(1, 2)
    >>> p = profile(qc); (p.depth, p.two_qubit_count, p.two_qubit_depth, p.interaction_edges, p.density)
    (3, 2, 2, [(0, 1), (1, 2)], 0.6666666666666666)
    """
    counts: Counter[str] = Counter()
    edges: set[tuple[int, int]] = set()
    size = two = 0
    for name, qubits in _operations(circuit):
        counts[name] += 1
        if qubits is None or name in _NON_GATES:
            continue
        size += 1
        if len(qubits) >= 2:
            two += 1
            for i, a in enumerate(qubits):
                for b in qubits[i + 1 :]:
                    edges.add((min(a, b), max(a, b)))
    n = circuit.num_qubits
    degree: Counter[int] = Counter()
    for a, b in edges:
        degree[a] += 1
        degree[b] += 1
    pairs = n * (n - 1) / 2
    depth = circuit.depth(lambda inst: inst.operation.name != "barrier")
    two_depth = circuit.depth(
        lambda inst: inst.operation.num_qubits >= 2 and inst.operation.name not in _NON_GATES
    )
    counts.pop("barrier", None)
    return Profile(
        num_qubits=n,
        num_clbits=circuit.num_clbits,
        depth=depth,
        size=size,
        gate_counts=dict(sorted(counts.items())),
        two_qubit_count=two,
        two_qubit_fraction=two / size if size else 0.0,
        two_qubit_depth=two_depth,
        num_parameters=circuit.num_parameters,
        interaction_edges=sorted(edges),
        max_degree=max(degree.values(), default=0),
        density=len(edges) / pairs if pairs else 0.0,
        measurements=counts.get("measure", 0),
    )
