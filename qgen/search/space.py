"""Search spaces of circuit architectures (the QAS / arch2vec setting) and a sampler of random circuits.

Defaults follow "Quantum Architecture Search with Unsupervised Representation Learning" (Sun et al., 2024):
gate pool {X, Y, Z, H, RX, RY, RZ, CNOT, CZ, U3, SWAP}, 4 qubits, exactly 10 gates, depth <= 5; the CNOT
target is (control + 1) mod n, the second qubit of CZ / SWAP is random; over-deep circuits are rejected.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from qgen.errors import QgenError
from qgen.sim.gatelist import GateList
from qgen.sim.gates import GATES

PAPER_POOL = ("x", "y", "z", "h", "rx", "ry", "rz", "cx", "cz", "u3", "swap")


@dataclass(frozen=True)
class SearchSpace:
    """A space of circuits: gate pool, width, exact gate count, depth limit, optional coupling map.

    Args:
        num_qubits: circuit width (paper: 4 or 8).
        num_gates: gates per circuit (paper: 10 for 4 qubits, 20 for 8).
        max_depth: reject deeper circuits (paper: 5 for 4 qubits).
        gate_pool: gate names from :data:`qgen.sim.GATES`.
        coupling_map: allowed (undirected) qubit pairs for 2-qubit gates; ``None`` = the paper's rule.
    """

    num_qubits: int = 4
    num_gates: int = 10
    max_depth: int | None = 5
    gate_pool: tuple[str, ...] = PAPER_POOL
    coupling_map: tuple[tuple[int, int], ...] | None = field(default=None)

    def __post_init__(self) -> None:
        for name in self.gate_pool:
            spec = GATES[name]
            if spec.num_qubits > 2:
                raise QgenError(f"gate {name!r} acts on {spec.num_qubits} qubits; search spaces use 1-2")
        if self.num_qubits < 2 and any(GATES[g].num_qubits == 2 for g in self.gate_pool):
            raise QgenError("two-qubit gates need at least 2 qubits")
        if self.max_depth is not None and self.max_depth * self.num_qubits < self.num_gates:
            raise QgenError(
                f"{self.num_gates} gates cannot fit in depth {self.max_depth} on {self.num_qubits} qubits"
            )

    def _qubits(self, name: str, rng: np.random.Generator) -> list[int]:
        n = self.num_qubits
        if GATES[name].num_qubits == 1:
            return [int(rng.integers(n))]
        if self.coupling_map is not None:
            a, b = self.coupling_map[int(rng.integers(len(self.coupling_map)))]
            return [a, b] if rng.random() < 0.5 else [b, a]
        q = int(rng.integers(n))
        if name == "cx":
            return [q, (q + 1) % n]
        other = int(rng.integers(n - 1))
        return [q, other if other < q else other + 1]

    def sample(self, rng: np.random.Generator, max_tries: int = 10_000) -> GateList:
        """One random circuit of the space; every angle is its own parameter (``p00``, ``p01``, ...).

        Names are zero-padded so that Qiskit's name-sorted parameter order is the circuit order.
        """
        width = len(str(3 * self.num_gates))
        for _ in range(max_tries):
            ops = []
            depth = [0] * self.num_qubits
            count = 0
            for _ in range(self.num_gates):
                name = self.gate_pool[int(rng.integers(len(self.gate_pool)))]
                qubits = self._qubits(name, rng)
                level = max(depth[q] for q in qubits) + 1
                for q in qubits:
                    depth[q] = level
                k = GATES[name].num_params
                ops.append((name, qubits, [f"p{count + j:0{width}d}" for j in range(k)]))
                count += k
            if self.max_depth is None or max(depth) <= self.max_depth:
                return GateList(self.num_qubits, ops)
        raise QgenError(f"no circuit within depth {self.max_depth} after {max_tries} tries")

    def sample_many(self, count: int, seed: int = 0) -> list[GateList]:
        """``count`` random circuits (repeats possible), reproducible per seed."""
        rng = np.random.default_rng(seed)
        return [self.sample(rng) for _ in range(count)]


def structure_key(gatelist: GateList) -> str:
    """A hash of a circuit's structure (gate names and qubits, in order; angles ignored)."""
    text = ";".join(f"{op.name}:{','.join(map(str, op.qubits))}" for op in gatelist.ops)
    return hashlib.sha1(f"{gatelist.num_qubits}|{text}".encode()).hexdigest()


def unique(gatelists: Sequence[GateList]) -> list[GateList]:
    """Drop repeated structures, keeping the first of each."""
    seen: set[str] = set()
    out = []
    for g in gatelists:
        key = structure_key(g)
        if key not in seen:
            seen.add(key)
            out.append(g)
    return out
