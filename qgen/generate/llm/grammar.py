"""Grammar-constrained decoding for LLMs with BPE vocabularies: a parseable OpenQASM 3 program, n qubits.

The program is the fixed header (``OPENQASM 3.0;``, ``include "stdgates.inc";``, ``qubit[n] q;``) and then
gate lines ``name(angle, ...) q[i], q[j];`` of the gate set below, with numeric angles, qubit indices
``< n`` and distinct operands. Each line is a regular language; a token is allowed when the text it adds
keeps every completed line a full match and the open line a viable prefix (``regex`` partial matching).
End of text is allowed only after a completed gate line. Candidates are tried in order of their score; a
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
_NUMBER = r"-?(?:0|[1-9][0-9]{0,2})(?:\.[0-9]{1,17})?(?:e[-+]?[0-9]{1,3})?"


def header(num_qubits: int) -> str:
    """The fixed program header for ``num_qubits`` qubits."""
    return f'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[{num_qubits}] q;\n'


@lru_cache(maxsize=64)
def line_pattern(num_qubits: int) -> regex.Pattern:
    """Regex of one gate line (with its newline) for ``num_qubits`` qubits: distinct in-range operands."""
    one = "(?:" + "|".join(str(i) for i in range(num_qubits)) + ")"
    pairs = "|".join(
        rf"{i}\], q\[(?:{'|'.join(str(j) for j in range(num_qubits) if j != i)})"
        for i in range(num_qubits)
        if num_qubits > 1
    )
    alts = []
    for arity_p in (0, 1):
        for arity_q in (1, 2):
            names = [g for g, (p, q) in GATES.items() if p == arity_p and q == arity_q]
            if arity_q == 2 and num_qubits < 2:
                continue
            args = rf"\({_NUMBER}\)" if arity_p else ""
            qubits = rf"q\[{one}\]" if arity_q == 1 else rf"q\[(?:{pairs})\]"
            alts.append(rf"(?:{'|'.join(sorted(names, key=len, reverse=True))}){args} {qubits};\n")
    return regex.compile("(?:" + "|".join(alts) + ")")


class ProgramState:
    """Incremental check of generated text against the grammar for one program."""

    def __init__(self, num_qubits: int) -> None:
        self.head = header(num_qubits)
        self.pattern = line_pattern(num_qubits)
        self.text = ""
        self.lines = 0

    def _check(self, text: str) -> tuple[bool, int]:
        """(viable, completed gate lines) for the whole generated text ``text``."""
        if len(text) <= len(self.head):
            return self.head.startswith(text), 0
        if not text.startswith(self.head):
            return False, 0
        body = text[len(self.head) :]
        parts = body.split("\n")
        for line in parts[:-1]:
            if self.pattern.fullmatch(line + "\n") is None:
                return False, 0
        last = parts[-1]
        if last and self.pattern.fullmatch(last, partial=True) is None:
            return False, 0
        return True, len(parts) - 1

    def allows(self, piece: str) -> bool:
        """Whether appending ``piece`` keeps the program viable (only the open line is re-checked)."""
        if not piece:
            return False
        new = self.text + piece
        if len(self.text) < len(self.head) + 1:
            return self._check(new)[0]
        cut = self.text.rfind("\n") + 1
        tail = new[cut:]
        parts = tail.split("\n")
        for line in parts[:-1]:
            if self.pattern.fullmatch(line + "\n") is None:
                return False
        return not parts[-1] or self.pattern.fullmatch(parts[-1], partial=True) is not None

    def can_end(self) -> bool:
        """End of text is allowed after at least one complete gate line."""
        return self.text.endswith("\n") and len(self.text) > len(self.head) and self._check(self.text)[0]

    def advance(self, piece: str) -> None:
        """Append an accepted piece."""
        self.text += piece


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
    """

    def __init__(self, tokenizer, num_qubits: Sequence[int], top_k: int = 8) -> None:
        self.pieces = _vocab_pieces(tokenizer)
        self.singles = [i for i, s in enumerate(self.pieces) if len(s) == 1]
        self.eos = {int(tokenizer.eos_token_id)} if tokenizer.eos_token_id is not None else set()
        self.states = [ProgramState(int(n)) for n in num_qubits]
        self.top_k = top_k
        self.start: int | None = None
        self.done = [False] * len(self.states)

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
