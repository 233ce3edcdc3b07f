"""Canonical form of a circuit for the generator: one register, the canonical gate set, gridded angles.

A :class:`CanonicalCircuit` is a qubit count and a tuple of statements ``(gate, angle words, qubits)``. It is
written as OpenQASM 2.0 (one ``qreg q[n];``, one gate per line, no measurements or barriers) and as the
word sequence the tokenizer reads (``n3 h q0 cx q0 q1 cp pi/4 q1 q2``). Real circuits, random counterparts
and generated circuits all pass through this form, so the realism classifier and the novelty check compare
like with like; ``canonical_hash`` identifies copies.

>>> c = canonicalize('OPENQASM 2.0; include "qelib1.inc"; qreg a[1]; qreg b[1]; creg m[2]; '
...                  'h a[0]; cu1(pi/2) a[0],b[0]; measure a[0] -> m[0];')
>>> c.words()
['n2', 'h', 'q0', 'cp', 'pi/2', 'q0', 'q1']
>>> print(c.qasm().splitlines()[-1])
cp(pi/2) q[0],q[1];
>>> from_words(c.words()) == c
True
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

from qiskit import transpile
from qiskit.circuit import QuantumCircuit

from qgen.circuits import load
from qgen.errors import QgenError
from qgen.generate.errors import TokenizerError
from qgen.generate.ketgpt.gateset import GATES, angle_word

HEADER = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n'
_DROP = {"barrier", "delay", "id"}
# legacy spellings that are one gate of the set (u2(phi, lam) = u(pi/2, phi, lam))
_ALIASES = {"u1": "p", "cu1": "cp", "u3": "u", "u2": "u"}


@dataclass(frozen=True)
class Statement:
    """One gate application: name, angle words (as written in QASM) and qubit indices."""

    gate: str
    angles: tuple[str, ...]
    qubits: tuple[int, ...]

    def qasm(self) -> str:
        """``gate(angles) q[i],q[j];``."""
        args = f"({','.join(self.angles)})" if self.angles else ""
        return f"{self.gate}{args} " + ",".join(f"q[{q}]" for q in self.qubits) + ";"


@dataclass(frozen=True)
class CanonicalCircuit:
    """A circuit in the generator's canonical form."""

    num_qubits: int
    statements: tuple[Statement, ...]

    @property
    def num_gates(self) -> int:
        """Number of gate statements."""
        return len(self.statements)

    def words(self) -> list[str]:
        """The word sequence the tokenizer reads: size word, then gate, angle and qubit words."""
        out = [f"n{self.num_qubits}"]
        for st in self.statements:
            out.append(st.gate)
            out.extend(st.angles)
            out.extend(f"q{q}" for q in st.qubits)
        return out

    def qasm(self) -> str:
        """OpenQASM 2.0 text (header, ``qreg q[n];``, one gate per line)."""
        body = "".join(st.qasm() + "\n" for st in self.statements)
        return f"{HEADER}qreg q[{self.num_qubits}];\n{body}"

    def hash(self) -> str:
        """Canonical hash (SHA-1 of the word sequence): equal circuits in canonical form share it."""
        return canonical_hash(self.words())


def canonical_hash(words: list[str]) -> str:
    """SHA-1 hex digest of a word sequence (see :meth:`CanonicalCircuit.hash`)."""
    return hashlib.sha1(" ".join(words).encode()).hexdigest()


def _unitary_part(qc: QuantumCircuit) -> QuantumCircuit:
    """Drop barriers and final measurements; refuse classical control and mid-circuit measurement."""
    qc = qc.copy()
    qc.remove_final_measurements(inplace=True)
    out = qc.copy_empty_like()
    for inst in qc.data:
        op = inst.operation
        if op.name in _DROP:
            continue
        if op.name in {"measure", "reset"} or getattr(op, "condition", None) is not None or op.num_clbits:
            raise TokenizerError(f"'{op.name}' before the end: the generator models unitary circuits only")
        if op.name in {"if_else", "while_loop", "for_loop", "switch_case", "box"}:
            raise TokenizerError(f"control flow ('{op.name}') cannot be written in the generator's form")
        out.append(inst)
    if out.parameters:
        raise TokenizerError(f"free parameters {[p.name for p in out.parameters][:3]}: bind them first")
    return out


def canonicalize(source: str | QuantumCircuit, max_qubits: int | None = None) -> CanonicalCircuit:
    """Rewrite a circuit (Qiskit or OpenQASM 2/3 text) into the canonical form.

    Gates outside :data:`qgen.generate.ketgpt.gateset.GATES` are translated with ``qiskit.transpile``
    (``optimization_level=0``, so gates already in the set stay as they are); final measurements and
    barriers are dropped; registers are flattened in declaration order; angles are snapped to the grid of
    :func:`qgen.generate.ketgpt.gateset.angle_word`; the global phase is dropped.

    Args:
        source: a ``QuantumCircuit`` or OpenQASM 2/3 text.
        max_qubits: refuse wider circuits (``None``: no limit).

    Raises:
        TokenizerError: the circuit measures or resets mid-circuit, has classical control or free
            parameters, is too wide, or does not parse.
    """
    if isinstance(source, QuantumCircuit):
        qc = source
    else:
        try:
            qc = load(source, check=False)
        except QgenError as exc:
            raise TokenizerError(f"does not parse: {exc}") from None
    if max_qubits is not None and qc.num_qubits > max_qubits:
        raise TokenizerError(f"{qc.num_qubits} qubits is more than the tokenizer's {max_qubits}")
    if qc.num_qubits < 1:
        raise TokenizerError("a circuit without qubits")
    qc = _unitary_part(qc)
    if any(inst.operation.name not in GATES and inst.operation.name not in _ALIASES for inst in qc.data):
        try:
            qc = transpile(qc, basis_gates=[*GATES, *_ALIASES], optimization_level=0)
        except Exception as exc:  # noqa: BLE001 - the transpiler raises several types
            raise TokenizerError(f"cannot be rewritten into the generator's gate set: {exc}") from None
    statements = []
    for inst in qc.data:
        name, params = inst.operation.name, [float(p) for p in inst.operation.params]
        if name in _DROP:
            continue
        if name == "u2":
            params = [math.pi / 2, *params]
        name = _ALIASES.get(name, name)
        if name not in GATES:
            raise TokenizerError(f"gate '{name}' is outside the generator's gate set")
        angles = tuple(angle_word(p) for p in params)
        qubits = tuple(qc.find_bit(q).index for q in inst.qubits)
        statements.append(Statement(name, angles, qubits))
    return CanonicalCircuit(qc.num_qubits, tuple(statements))


def from_words(words: list[str]) -> CanonicalCircuit:
    """Read a word sequence back (strict): the first problem raises, naming the position.

    Raises:
        TokenizerError: no size word first, an unknown word, a qubit index out of range, a repeated qubit
            in one gate, a wrong number of angles or qubits, or a truncated last statement.
    """
    if not words or not words[0].startswith("n") or not words[0][1:].isdigit() or int(words[0][1:]) < 1:
        raise TokenizerError("the sequence does not start with a register size word (n1, n2, ...)")
    n = int(words[0][1:])
    statements, i = [], 1
    while i < len(words):
        gate = words[i]
        if gate not in GATES:
            raise TokenizerError(f"word {i}: expected a gate, got {gate!r}")
        shape = GATES[gate]
        end = i + 1 + shape.num_params + shape.num_qubits
        if end > len(words):
            raise TokenizerError(f"word {i}: the last statement ({gate}) is cut off")
        angles = tuple(words[i + 1 : i + 1 + shape.num_params])
        if any(a.startswith("q") or a in GATES for a in angles):
            raise TokenizerError(f"word {i}: {gate} takes {shape.num_params} angle(s)")
        qubits = []
        for w in words[i + 1 + shape.num_params : end]:
            if not (w.startswith("q") and w[1:].isdigit()):
                raise TokenizerError(f"word {i}: {gate} takes {shape.num_qubits} qubit(s), got {w!r}")
            q = int(w[1:])
            if q >= n:
                raise TokenizerError(f"word {i}: qubit {q} is outside the register of {n}")
            if q in qubits:
                raise TokenizerError(f"word {i}: qubit {q} repeated in one {gate}")
            qubits.append(q)
        statements.append(Statement(gate, angles, tuple(qubits)))
        i = end
    return CanonicalCircuit(n, tuple(statements))


def words_to_qasm(words: list[str]) -> str:
    """Write any word sequence as OpenQASM 2.0 text, without checks (for unconstrained samples).

    A gate word starts a statement that takes the following non-gate words as angles (words that are not
    qubit words) and qubits; whatever is malformed stays malformed, so parsing the text measures validity.
    """
    size = words[0][1:] if words and words[0].startswith("n") else "0"
    lines = [f"{HEADER}qreg q[{size}];"]
    i = 1 if words and words[0].startswith("n") else 0
    while i < len(words):
        gate, i = words[i], i + 1
        args = []
        while i < len(words) and words[i] not in GATES:
            args.append(words[i])
            i += 1
        angles = [a for a in args if not (a.startswith("q") and a[1:].isdigit())]
        qubits = [f"q[{a[1:]}]" for a in args if a.startswith("q") and a[1:].isdigit()]
        head = f"{gate}({','.join(angles)})" if angles else gate
        lines.append(f"{head} {','.join(qubits)};")
    return "\n".join(lines) + "\n"
