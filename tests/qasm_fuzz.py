"""A seeded mutation fuzzer for qgen's OpenQASM front end (shared by tests/circuits/test_fuzz.py and
benchmarks/fuzz_bench.py): mutate real programs, then check the properties in :func:`check`."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "qasmbench"
SEEDS = sorted((ROOT / "examples").glob("*.qasm")) + sorted(CORPUS.glob("*.qasm"))

_TOKENS = [
    ";", "{", "}", "(", ")", "[", "]", ",", "->", "==", "**", "-", "/", "pi", "0", "1", "2", "3", "-1",
    "1e309", "1e-320", "99999999999999999999", "0.5", "gate g a { h a; }", "for int i in [0:3] { x q[0]; }",
    "ctrl @ ", "ctrl(2) @ ", "negctrl @ ", "inv @ ", "pow(2) @ ", "$3", "$100000000", "qubit[3] r;",
    "qreg r[3];", "creg c2[2];", "measure q -> c;", "reset q;", "barrier q;", "if (c == 1) x q[0];",
    'OPENQASM 3.0;', 'OPENQASM 2.0;', 'include "stdgates.inc";', 'include "qelib1.inc";', "opaque o a;",
    "input float[64] th;", "theta", "sx", "cp(0.1)", "u(1,2,3)", "U(0,0,0)", "CX", "gphase(0.1);",
    "\u00e9", "\t", "\n", "//", "/*", "*/", "\"", "h q[3:0];", "h q[(-1)**0.5];",
]  # fmt: skip
_NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e-?\d+)?")


def mutate(text: str, rng: random.Random) -> str:
    """Apply 1-3 random edits: characters, tokens, numbers, whole lines."""
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(8)
        pos = rng.randrange(len(text) + 1)
        lines = text.split("\n")
        if kind == 0 and text:  # delete a span
            text = text[:pos] + text[pos + rng.randint(1, 8) :]
        elif kind == 1:  # insert a token
            text = text[:pos] + rng.choice(_TOKENS) + text[pos:]
        elif kind == 2:  # replace a number
            numbers = list(_NUMBER.finditer(text))
            if numbers:
                m = rng.choice(numbers)
                value = rng.choice(["0", "-1", "1e309", "99999", "4096", "2.5", "1e-300", "3", "100000000"])
                text = text[: m.start()] + value + text[m.end() :]
        elif kind == 3 and len(lines) > 1:  # delete a line
            del lines[rng.randrange(len(lines))]
            text = "\n".join(lines)
        elif kind == 4:  # duplicate a line
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
            text = "\n".join(lines)
        elif kind == 5 and len(lines) > 2:  # swap two lines
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
        elif kind == 6:  # truncate
            text = text[:pos]
        else:  # switch versions
            text = text.replace("OPENQASM 2.0", "OPENQASM 3.0") if "2.0" in text else text.replace(
                "OPENQASM 3.0", "OPENQASM 2.0"
            )
    return text


def mutants(seed: int, count: int, max_bytes: int = 1 << 20) -> list[str]:
    """``count`` mutants of the seed programs up to ``max_bytes`` long, reproducible from ``seed``."""
    rng = random.Random(seed)
    texts = [p.read_text() for p in SEEDS if p.stat().st_size <= max_bytes]
    return [mutate(rng.choice(texts), rng) for _ in range(count)]


def _counts(circuit) -> dict[str, int]:
    """Operation counts, ``id`` as ``u`` (``qiskit.qasm3.loads`` reads stdgates' ``id`` as U(0,0,0))."""
    counts: dict[str, int] = {}
    for name, n in circuit.count_ops().items():
        key = "u" if name == "id" else name
        counts[key] = counts.get(key, 0) + n
    return counts


def _same_circuit(a, b) -> bool:
    from qiskit.quantum_info import Operator, Statevector

    if a.num_qubits != b.num_qubits or a.num_clbits != b.num_clbits:
        return False
    names = {i.operation.name for i in a.data}
    if a.parameters or b.parameters:
        rng = np.random.default_rng(0)
        drawn = rng.uniform(-3, 3, len(a.parameters))
        values = {p.name: float(v) for p, v in zip(a.parameters, drawn, strict=True)}
        if {p.name for p in b.parameters} != set(values):
            return False
        a = a.assign_parameters({p: values[p.name] for p in a.parameters})
        b = b.assign_parameters({p: values[p.name] for p in b.parameters})
    simple = not names & {"measure", "reset", "if_else", "for_loop", "while_loop", "switch_case", "barrier"}
    # simulating over 5,000 operations takes seconds: such circuits are compared as wide ones are
    conditional = any(getattr(i.operation, "condition", None) for i in a.data)
    if a.num_qubits > 10 or len(a.data) > 5000 or not simple or conditional:
        return _counts(a) == _counts(b)
    if a.num_qubits <= 6:
        return Operator(a).equiv(Operator(b))
    return Statevector(a).equiv(Statevector(b))


def check(text: str) -> str:
    """Check one program; returns "valid" or "invalid", raises AssertionError on a broken property.

    Properties: only qgen's own errors (``QgenError``) escape; no validation error <=> ``load`` succeeds;
    a loaded program written with ``dumps(version=3)`` loads back to the same circuit.
    """
    from qgen.circuits import dumps, load, validate
    from qgen.errors import QgenError

    diagnostics = validate(text)
    errors = [d for d in diagnostics if d.severity == "error"]
    assert not any("internal error" in d.message for d in errors), errors[0].format()
    try:
        circuit = load(text)
    except QgenError as exc:
        assert errors, f"load failed although validate found no error: {exc}"
        return "invalid"
    assert not errors, f"load succeeded although validate reported {errors[0].format()}"
    again = load(dumps(circuit, version=3))
    assert _same_circuit(circuit, again), "dumps(version=3) -> load changed the circuit"
    return "valid"
