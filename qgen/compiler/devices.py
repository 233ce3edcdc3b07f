"""The registered targets: Quantinuum H1/H2, IBM fake devices, Google Willow, ``generic``, ``clifford_t``.

Every factory works offline: Quantinuum through ``QuantinuumAPIOffline``, IBM through the fake backends of
qiskit-ibm-runtime (their Qiskit ``Target`` and, for tket, pytket-qiskit's offline default pass), Google
through the device specification cirq-google ships (``willow_pink``) and pytket routing.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from qgen.compiler.errors import CompilerError
from qgen.compiler.passes import plain_rebase, routed_tket_pass
from qgen.compiler.targets import TARGETS, TargetSpec
from qgen.compiler.tket import check_gate_names, to_optypes
from qgen.optional import require

# ---------------------------------------------------------------------------------------------- Quantinuum
_QUANTINUUM_2Q = {"zzphase": "ZZPhase", "zzmax": "ZZMax"}


@functools.lru_cache(maxsize=8)
def quantinuum_backend(device: str, two_qubit_gate: str = "zzphase"):
    """pytket-quantinuum's ``QuantinuumBackend`` for ``device`` with the offline API (no credentials)."""
    require("pytket.extensions.quantinuum", extra="compile", purpose="Quantinuum targets")
    from pytket.circuit import OpType
    from pytket.extensions.quantinuum import (
        QuantinuumAPIOffline,
        QuantinuumBackend,
        QuantinuumBackendCompilationConfig,
    )

    config = QuantinuumBackendCompilationConfig(
        target_2qb_gate=getattr(OpType, _QUANTINUUM_2Q[two_qubit_gate])
    )
    return QuantinuumBackend(device, api_handler=QuantinuumAPIOffline(), compilation_config=config)


def _quantinuum(name: str, device: str, two_qubit_gate: str) -> TargetSpec:
    if two_qubit_gate not in _QUANTINUUM_2Q:
        raise CompilerError(
            f"two_qubit_gate must be one of {sorted(_QUANTINUUM_2Q)} for {name}, got {two_qubit_gate!r}"
        )
    backend = quantinuum_backend(device, two_qubit_gate)
    n = backend.backend_info.n_nodes

    def tket_pass(level: int, seed: int | None):
        return backend.default_compilation_pass(optimisation_level=level)

    def rebase():
        require("pytket", extra="compile", purpose="pytket compilation")
        from pytket.circuit import OpType
        from pytket.passes import AutoSquash, RemoveRedundancies, SequencePass

        return SequencePass(
            [backend.rebase_pass(), AutoSquash({OpType.PhasedX, OpType.Rz}), RemoveRedundancies()]
        )

    gate_word = "ZZMax = rzz(pi/2)" if two_qubit_gate == "zzmax" else "ZZPhase = rzz(theta)"
    return TargetSpec(
        name=name,
        vendor="quantinuum",
        description=f"Quantinuum {device} ions (pytket-quantinuum offline): Rz, PhasedX = r, {gate_word}",
        num_qubits=n,
        basis_gates=("rz", "r", "rzz"),
        coupling_map=None,
        two_qubit_gate="rzz",
        backend=f"{name}-emulator",
        tket_pass=tket_pass,
        tket_rebase=rebase,
        fixed_angles={"rzz": math.pi / 2} if two_qubit_gate == "zzmax" else {},
        options={"device": device, "two_qubit_gate": two_qubit_gate},
    )


@TARGETS.register("quantinuum-h1")
def quantinuum_h1(two_qubit_gate: str = "zzphase") -> TargetSpec:
    """Quantinuum H1-1 (20 qubits, all-to-all); ``two_qubit_gate`` is ``zzphase`` or ``zzmax``."""
    return _quantinuum("quantinuum-h1", "H1-1", two_qubit_gate)


@TARGETS.register("quantinuum-h2")
def quantinuum_h2(two_qubit_gate: str = "zzphase") -> TargetSpec:
    """Quantinuum H2-1 (56 qubits, all-to-all); ``two_qubit_gate`` is ``zzphase`` or ``zzmax``."""
    return _quantinuum("quantinuum-h2", "H2-1", two_qubit_gate)


# ---------------------------------------------------------------------------------------------- IBM
_IBM = {
    "ibm-torino": ("FakeTorino", "IBM Torino, Heron r1 heavy-hex"),
    "ibm-sherbrooke": ("FakeSherbrooke", "IBM Sherbrooke, Eagle r3 heavy-hex"),
}


@functools.lru_cache(maxsize=4)
def fake_backend(class_name: str):
    """An instance of a qiskit-ibm-runtime fake backend (calibration snapshot shipped with the package)."""
    fake_provider = require("qiskit_ibm_runtime.fake_provider", extra="compile", purpose="IBM targets")

    return getattr(fake_provider, class_name)()


def _ibm(name: str) -> TargetSpec:
    class_name, label = _IBM[name]
    backend = fake_backend(class_name)
    target = backend.target
    two_q = "cz" if "cz" in target.operation_names else "ecr"
    basis = tuple(g for g in ("rz", "sx", "x", two_q) if g in target.operation_names)

    def tket_pass(level: int, seed: int | None):
        require("pytket", extra="compile", purpose="pytket compilation")
        from pytket.extensions.qiskit import IBMQBackend

        return IBMQBackend.default_compilation_pass_offline(
            backend.configuration(), backend.properties(), optimisation_level=level
        )

    def rebase():
        require("pytket", extra="compile", purpose="pytket compilation")
        from pytket.circuit import OpType
        from pytket.passes import AutoRebase, AutoSquash, RemoveRedundancies, SequencePass

        return SequencePass(
            [
                AutoRebase(to_optypes(basis)),
                AutoSquash({OpType.Rz, OpType.SX, OpType.X}),
                RemoveRedundancies(),
            ]
        )

    return TargetSpec(
        name=name,
        vendor="ibm",
        description=f"{label} ({class_name}, qiskit-ibm-runtime): {', '.join(basis)}",
        num_qubits=backend.num_qubits,
        basis_gates=basis,
        coupling_map=tuple(tuple(e) for e in backend.coupling_map.get_edges()),
        two_qubit_gate=two_q,
        backend=f"{name}-aer",
        qiskit_target=lambda: backend.target,
        tket_pass=tket_pass,
        tket_rebase=rebase,
        options={"fake_backend": class_name},
    )


@TARGETS.register("ibm-torino")
def ibm_torino() -> TargetSpec:
    """IBM Torino: 133-qubit heavy-hex Heron (CZ), from qiskit-ibm-runtime's FakeTorino."""
    return _ibm("ibm-torino")


@TARGETS.register("ibm-sherbrooke")
def ibm_sherbrooke() -> TargetSpec:
    """IBM Sherbrooke: 127-qubit heavy-hex Eagle (ECR), from qiskit-ibm-runtime's FakeSherbrooke."""
    return _ibm("ibm-sherbrooke")


# ---------------------------------------------------------------------------------------------- Google
@functools.lru_cache(maxsize=2)
def google_device(processor: str = "willow_pink"):
    """cirq-google's ``GridDevice`` for a processor whose specification cirq-google ships."""
    try:
        import cirq_google
    except ImportError:
        raise CompilerError("google-willow needs cirq-google: pip install 'pytket-cirq>=0.43'") from None
    return cirq_google.engine.create_device_from_processor_id(processor)


def google_qubits(processor: str = "willow_pink") -> list:
    """The device's ``GridQubit``s in sorted order: physical qubit ``i`` of the target is element ``i``."""
    return sorted(google_device(processor).metadata.qubit_set)


@TARGETS.register("google-willow")
def google_willow() -> TargetSpec:
    """Google Willow (``willow_pink``, 105-qubit grid, CZ) from cirq-google's shipped device specification."""
    qubits = google_qubits()
    index = {q: i for i, q in enumerate(qubits)}
    pairs = sorted({tuple(sorted((index[a], index[b]))) for a, b in google_device().metadata.qubit_pairs})
    edges = tuple(pairs)
    basis = ("rz", "r", "cz")
    return TargetSpec(
        name="google-willow",
        vendor="google",
        description="Google Willow (willow_pink) grid, CZ + PhasedX = r + Rz (pytket-cirq / cirq-google)",
        num_qubits=len(qubits),
        basis_gates=basis,
        coupling_map=edges + tuple((b, a) for a, b in edges),
        two_qubit_gate="cz",
        backend="qgen-exact",
        tket_pass=lambda level, seed: routed_tket_pass(basis, edges, level, ("rz", "r")),
        tket_rebase=lambda: plain_rebase(basis, ("rz", "r")),
        options={"processor": "willow_pink"},
    )


# ---------------------------------------------------------------------------------------------- generic
_ONE_Q_HINTS = ("rz", "sx", "x", "r", "rx", "ry", "u", "u3", "h", "s", "sdg", "t", "tdg", "p", "y", "z")


@TARGETS.register("generic")
def generic(
    basis_gates: Sequence[str] = ("cx", "rz", "sx", "x"),
    coupling_map: Sequence[Sequence[int]] | None = None,
    num_qubits: int | None = None,
) -> TargetSpec:
    """Your own device: ``basis_gates`` (Qiskit names) and an optional list of edges ``[[a, b], ...]``.

    Args:
        basis_gates: native gates; must include one two-qubit gate and a universal single-qubit set.
        coupling_map: directed edges (both directions are allowed when both are listed; symmetric gates
            such as cz may use either); ``None`` for all-to-all.
        num_qubits: device size; defaults to the largest qubit in ``coupling_map`` + 1, or 1024 without one.
    """
    basis = tuple(dict.fromkeys(str(g).strip().lower() for g in basis_gates))
    check_gate_names(basis)  # unknown names -> EngineError listing the known ones
    two = [g for g in basis if g in ("cx", "cz", "ecr", "rzz", "iswap", "cy", "ch", "rxx", "ryy", "swap")]
    if not two:
        raise CompilerError(f"basis_gates {list(basis)} has no two-qubit gate (e.g. cx, cz, ecr, rzz)")
    edges = None
    if coupling_map is not None:
        try:
            edges = tuple((int(a), int(b)) for a, b in coupling_map)
        except (TypeError, ValueError):
            raise CompilerError("coupling_map must be a list of [a, b] integer pairs") from None
    size = num_qubits or (max(max(e) for e in edges) + 1 if edges else 1024)
    single = tuple(g for g in basis if g in _ONE_Q_HINTS)
    undirected = None if edges is None else tuple(sorted({tuple(sorted(e)) for e in edges}))
    return TargetSpec(
        name="generic",
        vendor="generic",
        description="your basis gates and optional coupling map",
        num_qubits=size,
        basis_gates=basis,
        coupling_map=edges,
        two_qubit_gate=two[0],
        tket_pass=lambda level, seed: routed_tket_pass(basis, undirected, level, single),
        tket_rebase=lambda: plain_rebase(basis, single),
        options={
            "basis_gates": list(basis),
            "coupling_map": None if edges is None else [list(e) for e in edges],
        },
    )


# ---------------------------------------------------------------------------------------------- Clifford+T
@TARGETS.register("clifford_t")
def clifford_t(
    synthesizer: str = "gridsynth",
    eps: float = 1e-3,
    num_qubits: int = 1024,
    synthesizer_kwargs: dict | None = None,
) -> TargetSpec:
    """Fault-tolerant gate set {h, s, sdg, t, tdg, x, cx}; rotations lowered by ``synthesizer`` to ``eps``.

    Args:
        synthesizer: a name in ``qgen.compiler.synthesis.SYNTHESIZERS`` (``gridsynth``, ``sk``, ...).
        eps: accuracy of each synthesised rotation (unitary distance); the report bounds the total error
            by the sum over rotations.
        num_qubits: logical qubits available.
        synthesizer_kwargs: keyword options of the synthesiser class (e.g. ``{"table_t": 12}`` for aqstar).
    """
    from qgen.compiler.synthesis import SYNTHESIZERS
    from qgen.compiler.synthesis.lowering import CliffordTLowering

    SYNTHESIZERS[synthesizer]  # unknown names fail early with the closest match
    if not 0 < float(eps) < 1:
        raise CompilerError(f"eps must be in (0, 1), got {eps}")
    lowering = CliffordTLowering(
        synthesizer=synthesizer, eps=float(eps), synthesizer_kwargs=synthesizer_kwargs
    )
    basis = ("h", "s", "sdg", "t", "tdg", "x", "cx")
    return TargetSpec(
        name="clifford_t",
        vendor="fault-tolerant",
        description=f"Clifford+T {{h, s, sdg, t, tdg, x, cx}}; rotations by {synthesizer}, eps={eps:g} each",
        num_qubits=num_qubits,
        basis_gates=basis,
        coupling_map=None,
        two_qubit_gate="cx",
        parametric=False,
        engine_basis=("cx", "u"),
        tket_pass=lambda level, seed: routed_tket_pass(("cx", "u"), None, level, ("u",)),
        tket_rebase=lambda: plain_rebase(("cx", "u"), ("u",)),
        lowering=lowering,
        options={
            "synthesizer": synthesizer,
            "eps": float(eps),
            "synthesizer_kwargs": synthesizer_kwargs or {},
        },
    )
