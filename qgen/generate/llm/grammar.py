"""Grammar-constrained decoding for LLMs with BPE vocabularies: a parseable OpenQASM 3 program, n qubits.

The program is ``OPENQASM 3.0;``, ``include "stdgates.inc";``, optionally the definitions of the compact form
(the ``zz`` helper and one ``gate layer(a0, ...) q0, ..., q{n-1} { ... }`` whose body uses the gate set below
on its qubits with angles ``a_i``, ``c*a_i``, ``-a_i`` or numbers; see ``qgen.datasets.compact``), then
``qubit[n] q;`` and lines: gates ``name(angle, ...) q[i], q[j];`` of the gate set with numeric angles, qubit
indices ``< n`` and distinct operands, ``h q;`` broadcasts, ``zz(angle) q[i], q[j];`` and
``layer(x, ...) q[0], ..., q[n-1];`` with as many numbers as the definition has parameters. Each line is a
regular language given the lines before it; a token is allowed when the text it adds keeps every completed
line a full match and the open line a viable prefix (``regex`` partial matching). End of text is allowed only
after a completed line past the qubit declaration. Candidates are tried in order of their score; a
single-character token always continues the program, so decoding can never get stuck. A program cut by the
token budget is trimmed to its last complete line (:func:`finish_program`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import torch

from qgen.optional import require

regex = require("regex", extra="generate", purpose="grammar-constrained LLM decoding")
LogitsProcessor = require("transformers", extra="generate", purpose="constrained decoding").LogitsProcessor

# name -> (number of angles, number of qubits): the gates of qgen's optimisation dataset and their kin
GATES: dict[str, tuple[int, int]] = {
    **{g: (0, 1) for g in ("h", "x", "y", "z", "s", "sdg", "t", "tdg", "sx")},
    **{g: (1, 1) for g in ("rx", "ry", "rz", "p")},
    **{g: (0, 2) for g in ("cx", "cy", "cz", "swap")},
    **{g: (1, 2) for g in ("crx", "cry", "crz", "cp")},
}  # all in OpenQASM 3's stdgates.inc (rxx / ryy / rzz are not: a program using them would not parse)
_NUMBER = r"-?(?:0|[1-9][0-9]{0,5})(?:\.[0-9]{1,17})?(?:e[-+]?[0-9]{1,3})?"


def header(num_qubits: int) -> str:
    """The fixed program header of the flat form for ``num_qubits`` qubits."""
    return f'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[{num_qubits}] q;\n'


_INTRO = ("OPENQASM 3.0;", 'include "stdgates.inc";')
ZZ_GATE = "gate zz(t) a, b { cx a, b; rz(t) b; cx a, b; }"
MAX_LAYER_PARAMS = 4  # x qubits: the most parameters a ``gate layer`` may take


def _names(fmt: str, n: int) -> tuple[str, str]:
    """Regexes of one qubit operand and of two distinct ones (``fmt``: ``q\\[{}\\]`` or ``q{}``)."""
    one = "(?:" + "|".join(fmt.format(i) for i in range(n)) + ")"
    pairs = "|".join(
        fmt.format(i) + ", (?:" + "|".join(fmt.format(j) for j in range(n) if j != i) + ")" for i in range(n)
    )
    return one, "(?:" + (pairs if n > 1 else "(?!)") + ")"


def _statements(n: int, angle: str, one: str, pair: str, zz: bool, end: str) -> str:
    alts = []
    for arity_p in (0, 1):
        for arity_q in (1, 2):
            names = [g for g, (p, q) in GATES.items() if p == arity_p and q == arity_q]
            if arity_q == 2 and n < 2:
                continue
            args = rf"\({angle}\)" if arity_p else ""
            ops = one if arity_q == 1 else pair
            alts.append(rf"(?:{'|'.join(sorted(names, key=len, reverse=True))}){args} {ops}{end}")
    if zz and n >= 2:
        alts.append(rf"zz\({angle}\) {pair}{end}")
    return "(?:" + "|".join(alts) + ")"


@lru_cache(maxsize=64)
def line_pattern(num_qubits: int, zz: bool = False, layer_params: int | None = None) -> regex.Pattern:
    """Regex of one program line after ``qubit[n] q;`` (no newline): a gate of the set on distinct in-range
    operands, a one-qubit gate broadcast over ``q``, ``zz`` when defined, ``layer`` with its parameters."""
    n = num_qubits
    one, pair = _names(r"q\[{}\]", n)
    alts = [_statements(n, _NUMBER, one, pair, zz, ";")]
    singles = [g for g, (p, q) in GATES.items() if p == 0 and q == 1]
    alts.append(rf"(?:{'|'.join(sorted(singles, key=len, reverse=True))}) q;")
    if layer_params:
        wires = ", ".join(f"q\\[{i}\\]" for i in range(n))
        alts.append(rf"layer\({_NUMBER}(?:, {_NUMBER}){{{layer_params - 1}}}\) {wires};")
    return regex.compile("(?:" + "|".join(alts) + ")")


@lru_cache(maxsize=64)
def definition_pattern(
    num_qubits: int, zz_defined: bool, layer_defined: bool, max_body: int | None = None
) -> regex.Pattern:
    """Regex of a line between the include and ``qubit[n] q;``: the ``zz`` helper, one ``gate layer``
    definition (``k`` parameters ``a0..`` zero-padded, the ``n`` qubits ``q0..``, a body of gate
    statements on them with angles ``a_i``, ``c*a_i``, ``-a_i`` or numbers), or the qubit declaration.
    ``max_body`` caps the statements of the layer body (a program that must close soon)."""
    n = num_qubits
    alts = [regex.escape(f"qubit[{n}] q;")]
    if not zz_defined and not layer_defined:
        alts.append(regex.escape(ZZ_GATE))
    if not layer_defined:
        one, pair = _names("q{}", n)
        wires = ", ".join(f"q{i}" for i in range(n))
        for k in range(1, MAX_LAYER_PARAMS * n + 1):
            width = len(str(k - 1))
            names = [f"a{i:0{width}d}" for i in range(k)]
            ident = "(?:" + "|".join(names) + ")"
            angle = rf"(?:{_NUMBER}\*{ident}|-?{ident}|{_NUMBER})"
            stmt = _statements(n, angle, one, pair, zz_defined, ";")
            times = f"{{1,{max_body}}}" if max_body else "+"
            alts.append(rf"gate layer\({', '.join(names)}\) {wires} \{{(?: {stmt}){times} \}}")
    return regex.compile("(?:" + "|".join(alts) + ")")


class ProgramState:
    """Incremental check of generated text against the grammar for one program (flat or compact form)."""

    def __init__(self, num_qubits: int) -> None:
        self.num_qubits = int(num_qubits)
        self.head = header(num_qubits)
        self.text = ""
        self.lines = 0  # complete lines
        self.zz = False
        self.layer: int | None = None  # parameter count of the defined ``layer``
        self.body = False  # past ``qubit[n] q;``
        self.gates = 0  # complete lines after it
        self.closing = False  # the token budget is nearly spent: finish the definitions, declare the qubits
        self.cap: int | None = None  # statements the open ``gate layer`` line may still reach when closing

    def _pattern(self, lines: int, zz: bool, layer: int | None, body: bool):
        if lines < len(_INTRO):
            return _INTRO[lines]
        if body:
            return line_pattern(self.num_qubits, zz, layer)
        if self.closing:  # only the open ``gate layer`` line (at most ``cap`` statements), then the qubits
            return definition_pattern(self.num_qubits, True, layer is not None or self.cap is None, self.cap)
        return definition_pattern(self.num_qubits, zz, layer is not None)

    def reserve(self) -> int:
        """Tokens to keep for finishing a compact program: the layer's definition, the qubits, one call."""
        open_line = self.text[self.text.rfind("\n") + 1 :]
        if self.body or (self.lines >= len(_INTRO) + 1 and not open_line.startswith("gate layer(")):
            k = self.layer or 0
        else:
            k = self.layer or MAX_LAYER_PARAMS * self.num_qubits
        return 40 + 6 * self.num_qubits + 12 * k

    def start_closing(self) -> None:
        """From now on, steer to the qubit declaration (bounded layer body, no new definitions)."""
        if self.closing or self.body:
            return
        open_line = self.text[self.text.rfind("\n") + 1 :]
        self.closing = True
        self.cap = open_line.count(";") + 1 if open_line.startswith("gate layer(") else None

    def _step(self, line: str, st: tuple) -> tuple | None:
        """The state after the complete ``line``, or None when it does not match."""
        lines, zz, layer, body, gates = st
        pat = self._pattern(lines, zz, layer, body)
        if isinstance(pat, str):
            return (lines + 1, zz, layer, body, gates) if line == pat else None
        if pat.fullmatch(line) is None:
            return None
        if body:
            return (lines + 1, zz, layer, body, gates + 1)
        if line == ZZ_GATE:
            return (lines + 1, True, layer, body, gates)
        if line.startswith("gate layer("):
            return (lines + 1, zz, line[len("gate layer(") : line.index(")")].count(",") + 1, body, gates)
        return (lines + 1, zz, layer, True, gates)

    def _viable(self, open_line: str, st: tuple) -> bool:
        if not open_line:
            return True
        pat = self._pattern(st[0], st[1], st[2], st[3])
        if isinstance(pat, str):
            return pat.startswith(open_line)
        return pat.fullmatch(open_line, partial=True) is not None

    def _state(self) -> tuple:
        return (self.lines, self.zz, self.layer, self.body, self.gates)

    def allows(self, piece: str) -> bool:
        """Whether appending ``piece`` keeps the program viable (only the open line is re-checked)."""
        if not piece:
            return False
        cut = self.text.rfind("\n") + 1
        parts = (self.text[cut:] + piece).split("\n")
        st: tuple | None = self._state()
        for line in parts[:-1]:
            st = self._step(line, st)
            if st is None:
                return False
        return self._viable(parts[-1], st)

    def can_end(self) -> bool:
        """End of text is allowed after at least one complete line past the qubit declaration."""
        return self.text.endswith("\n") and self.body and self.gates > 0

    def advance(self, piece: str) -> None:
        """Append an accepted piece (completed lines update the state)."""
        cut = self.text.rfind("\n") + 1
        parts = (self.text[cut:] + piece).split("\n")
        self.text += piece
        st = self._state()
        for line in parts[:-1]:
            st = self._step(line, st) or (st[0] + 1, *st[1:])
        self.lines, self.zz, self.layer, self.body, self.gates = st


def finish_program(text: str) -> str:
    """Trim a generated program to its last complete line (a program cut by the token budget)."""
    cut = text.rfind("\n")
    return text[: cut + 1] if cut >= 0 else text


class QasmProgramProcessor(LogitsProcessor):
    """LogitsProcessor: only tokens that keep each row a viable qgen OpenQASM 3 program survive.

    Args:
        tokenizer: the model's tokenizer (its vocabulary is decoded once).
        num_qubits: qubit count of each row of the batch (one per prompt; ``num_return_sequences`` = 1).
        top_k: how many allowed tokens to keep per step (1 is enough for greedy decoding).
        budget: ``max_new_tokens`` of the generation; near its end a compact program is steered to close
            its layer definition and declare its qubits, so the trimmed program still parses.
    """

    def __init__(
        self, tokenizer, num_qubits: Sequence[int], top_k: int = 8, budget: int | None = None
    ) -> None:
        self.pieces = _vocab_pieces(tokenizer)
        self.singles = [i for i, s in enumerate(self.pieces) if len(s) == 1]
        self.eos = {int(tokenizer.eos_token_id)} if tokenizer.eos_token_id is not None else set()
        self.states = [ProgramState(int(n)) for n in num_qubits]
        self.top_k = top_k
        self.start: int | None = None
        self.done = [False] * len(self.states)
        self.budget = budget

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        """Mask disallowed tokens to -inf (rows advance by the token chosen at the previous step)."""
        if self.start is None:
            self.start = input_ids.shape[1]
        elif input_ids.shape[1] > self.start:
            for row, state in enumerate(self.states):
                tok = int(input_ids[row, -1])
                if tok in self.eos or self.done[row]:
                    self.done[row] = True
                else:
                    state.advance(self.pieces[tok])
        if self.budget is not None:
            left = self.budget - (input_ids.shape[1] - self.start)
            for row, state in enumerate(self.states):
                if not self.done[row] and left <= state.reserve():
                    state.start_closing()
        out = torch.full_like(scores, float("-inf"))
        order = torch.argsort(scores, dim=-1, descending=True)
        for row, state in enumerate(self.states):
            if self.done[row]:
                out[row, next(iter(self.eos), 0)] = 0.0
                continue
            keep = self._allowed(state, order[row].tolist())
            out[row, keep] = scores[row, keep]
        return out

    def _allowed(self, state: ProgramState, order: list[int]) -> list[int]:
        keep: list[int] = []
        end_ok = state.can_end()
        for tok in order[:4096]:
            if tok >= len(self.pieces):
                continue
            if (tok in self.eos and end_ok) or (tok not in self.eos and state.allows(self.pieces[tok])):
                keep.append(tok)
                if len(keep) >= self.top_k:
                    return keep
        if not keep:
            keep = [t for t in self.singles if t not in self.eos and state.allows(self.pieces[t])]
        assert keep, "the grammar always allows a single-character continuation"
        return keep


_PIECES: dict[int, list[str]] = {}


def _vocab_pieces(tokenizer) -> list[str]:
    """Decoded text of every token id (cached per tokenizer object)."""
    key = id(tokenizer)
    if key not in _PIECES:
        size = len(tokenizer)
        _PIECES[key] = [tokenizer.decode([i], clean_up_tokenization_spaces=False) for i in range(size)]
    return _PIECES[key]
