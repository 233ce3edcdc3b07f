"""Definitions of the gates Qiskit's ``qelib1.inc`` adds to the specification's, for programs qgen writes.

``qiskit.qasm2.dumps`` writes gates such as ``sx``, ``cp``, ``swap`` or ``u`` as if ``qelib1.inc`` held them;
the specification's ``qelib1.inc`` (Cross et al. 2017, arXiv:1707.03429) does not, and Qiskit's strict
loader rejects them.  :func:`add_definitions` inserts the definitions a program needs after its include,
taken from the ``qelib1.inc`` Qiskit ships (in terms of the specification's gates, dependencies first).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from qgen.circuits._qasm_gates import NON_SPEC_QELIB1

_DEFINITION = re.compile(r"^gate\s+([A-Za-z_]\w*)[^{]*\{[^}]*\}", re.M)
_CALL = re.compile(r"(?:^|[;{])\s*([A-Za-z_]\w*)\s*[(\s]", re.M)


@lru_cache(maxsize=1)
def _definitions() -> dict[str, str]:
    """Gate name -> its ``gate ... { ... }`` text, for the non-specification gates, in file order."""
    import qiskit

    text = (Path(qiskit.__file__).parent / "qasm" / "libs" / "qelib1.inc").read_text(encoding="utf-8")
    text = re.sub(r"//[^\n]*", "", text)
    return {m[1]: m[0] for m in _DEFINITION.finditer(text) if m[1] in NON_SPEC_QELIB1}


def add_definitions(program: str) -> str:
    """The OpenQASM 2 ``program`` with definitions of the non-specification gates it uses but lacks."""
    defs = _definitions()
    defined = set(re.findall(r"^\s*(?:gate|opaque)\s+([A-Za-z_]\w*)", program, re.M))
    needed: set[str] = set()
    todo = [name for name in set(_CALL.findall(program)) if name in defs and name not in defined]
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        todo += [n for n in _CALL.findall(defs[name].split("{", 1)[1]) if n in defs and n not in defined]
    if not needed:
        return program
    block = "".join(defs[name] + "\n" for name in defs if name in needed)  # file order: dependencies first
    m = re.search(r'^include\s+"qelib1\.inc"\s*;[^\n]*\n', program, re.M)
    at = m.end() if m else re.search(r"^OPENQASM[^;]*;[^\n]*\n", program, re.M).end()
    return program[:at] + block + program[at:]
