"""The final layout a compiled program states in its first line (``CompileResult.qasm()``)."""

from __future__ import annotations

import re


def read_layout(text: str) -> list[int] | None:
    """The final layout in a compiled program's first line (``qgen.compiler.api.LAYOUT_COMMENT``), or None.

    >>> head = "// qgen final layout (physical qubit of virtual qubit 0, 1, ...): 66 65 64"
    >>> read_layout(head + "\\nOPENQASM 3.0;")
    [66, 65, 64]
    """
    from qgen.compiler.api import LAYOUT_COMMENT

    for line in text.splitlines()[:5]:
        if line.startswith(LAYOUT_COMMENT):
            return [int(x) for x in re.findall(r"\d+", line[len(LAYOUT_COMMENT) :])]
    return None
