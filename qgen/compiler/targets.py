"""Compilation targets as data: a frozen :class:`TargetSpec` per device, built by factories in a registry.

Adding a target is one call: ``TARGETS.register("name", factory)`` with ``factory(**options) -> TargetSpec``;
the engines, verification and ``native_problem`` read everything they need from the spec.

``TARGETS[name]`` is a factory; ``get_target(name, **options)`` calls it. Each spec carries the native gate
set (Qiskit names), the connectivity (``None``: all-to-all), and how each engine reaches it: a Qiskit preset
pass manager and a pytket compilation pass (the vendor backend's default pass where one exists).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from qiskit.circuit import QuantumCircuit

from qgen.registry import Registry

NON_GATES = frozenset({"measure", "barrier", "delay", "reset", "id"})


@dataclass(frozen=True)
class TargetSpec:
    """A compilation target.

    Attributes:
        name: registry name, e.g. ``quantinuum-h2``.
        vendor: who builds the device (``quantinuum``, ``ibm``, ``google``, ``generic``).
        description: one line for ``qgen targets``.
        num_qubits: physical qubits.
        basis_gates: native gates, Qiskit names (the compiled circuit uses only these, plus measure/barrier).
        coupling_map: directed physical edges; ``None`` means all-to-all.
        two_qubit_gate: the native entangling gate (Qiskit name).
        parametric: whether free ``Parameter``s survive compilation (false for discrete gate sets).
        backend: the default emulator of ``qgen.backends.run`` for circuits compiled here.
        engine_basis: the gates engines compile to before ``lowering`` (defaults to ``basis_gates``).
        qiskit_target: factory of a Qiskit ``Target`` (fake IBM devices), else basis + coupling map are used.
        tket_pass: ``(optimisation_level, seed) -> pytket BasePass`` that places, routes, optimises, rebases.
        tket_rebase: factory of a pytket pass that rebases and squashes to the native gates, nothing more.
        lowering: a last step after the engine, ``(circuit) -> (circuit, info)`` (Clifford+T synthesis).
        fixed_angles: native gates that take only one angle, e.g. ``{"rzz": pi / 2}`` for Quantinuum's ZZMax
            (``native_problem`` rejects other angles).
        options: the resolved options the factory was called with (reported with results).
    """

    name: str
    vendor: str
    description: str
    num_qubits: int
    basis_gates: tuple[str, ...]
    coupling_map: tuple[tuple[int, int], ...] | None = None
    two_qubit_gate: str = "cx"
    parametric: bool = True
    backend: str | None = "qgen-exact"
    engine_basis: tuple[str, ...] | None = None
    qiskit_target: Callable[[], Any] | None = field(default=None, compare=False, repr=False)
    tket_pass: Callable[[int, int | None], Any] | None = field(default=None, compare=False, repr=False)
    tket_rebase: Callable[[], Any] | None = field(default=None, compare=False, repr=False)
    lowering: Callable[[QuantumCircuit], tuple[QuantumCircuit, dict]] | None = field(
        default=None, compare=False, repr=False
    )
    fixed_angles: Mapping[str, float] = field(default_factory=dict, compare=False)
    options: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def all_to_all(self) -> bool:
        """True when every pair of qubits can interact."""
        return self.coupling_map is None

    @property
    def compile_basis(self) -> tuple[str, ...]:
        """The gates engines compile to (before ``lowering``)."""
        return self.engine_basis or self.basis_gates

    def undirected_edges(self) -> frozenset[frozenset[int]]:
        """Physical edges as unordered pairs (empty for all-to-all)."""
        return frozenset(frozenset(e) for e in self.coupling_map or ())

    def qiskit_pass_manager(self, optimization_level: int, seed: int | None):
        """Qiskit's preset pass manager for this target at ``optimization_level`` (0-3)."""
        from qiskit.transpiler import CouplingMap, generate_preset_pass_manager

        if self.qiskit_target is not None:
            return generate_preset_pass_manager(
                optimization_level, target=self.qiskit_target(), seed_transpiler=seed
            )
        coupling = None if self.coupling_map is None else CouplingMap(list(self.coupling_map))
        return generate_preset_pass_manager(
            optimization_level,
            basis_gates=list(self.compile_basis),
            coupling_map=coupling,
            seed_transpiler=seed,
        )

    def summary(self) -> dict:
        """JSON-ready description: name, vendor, qubits, gates, connectivity."""
        edges = self.undirected_edges()
        connectivity = "all-to-all" if self.coupling_map is None else f"{len(edges)} edges"
        return {
            "name": self.name,
            "vendor": self.vendor,
            "num_qubits": self.num_qubits,
            "basis_gates": list(self.basis_gates),
            "two_qubit_gate": self.two_qubit_gate,
            "connectivity": connectivity,
            "parametric": self.parametric,
            "backend": self.backend,
            "description": self.description,
            "options": dict(self.options),
        }


TARGETS: Registry[Callable[..., TargetSpec]] = Registry("target")
"""Target factories by name; ``TARGETS[name](**options)`` returns a :class:`TargetSpec`."""


def get_target(target: str | TargetSpec, options: Mapping[str, Any] | None = None) -> TargetSpec:
    """Resolve a target name (with factory options) or pass a :class:`TargetSpec` through.

    Args:
        target: a registered name (``qgen targets`` lists them) or a ready ``TargetSpec``.
        options: keyword options of the factory, e.g. ``{"two_qubit_gate": "zzmax"}`` for Quantinuum,
            ``{"basis_gates": [...], "coupling_map": [...]}`` for ``generic``, ``{"eps": 1e-3}`` for
            ``clifford_t``.

    Raises:
        UnknownNameError: the name is not registered (the message suggests the closest one).
        CompilerError: the options are invalid for this target.
    """
    from qgen.compiler.errors import CompilerError

    if isinstance(target, TargetSpec):
        if options:
            raise CompilerError("target options apply to target names, not to a ready TargetSpec")
        return target
    factory = TARGETS[target]
    try:
        return factory(**dict(options or {}))
    except TypeError as exc:
        raise CompilerError(f"bad options for target {target!r}: {exc}") from None
