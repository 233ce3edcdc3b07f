"""Build ``openqasm3.ast`` nodes for plain top-level statements without the ANTLR parser.

The ``openqasm3`` grammar runs on ANTLR's Python runtime, about 0.4 ms a statement.  Most statements of
real programs are plain: register declarations (``qreg``, ``creg``, ``qubit[n]``, ``bit[n]``), gate calls
on named or indexed qubits with arithmetic angles (numbers, names, ``+ - * /``, parentheses), ``measure``,
``reset`` and ``barrier``.  :func:`split_plain` builds those nodes directly, with the spans the
``openqasm3`` visitor gives them (under ``column_spans`` in :mod:`qgen.circuits._qasm_gates`), and blanks
them out of the text (newlines kept, so every position stays put); ANTLR parses only what is left and
:func:`merge` puts the statements back in source order.  A statement that does not fit exactly is left
to ANTLR, so the syntax tree, and every error, are those of the full parse (a test compares them).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from openqasm3 import ast

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_CHUNK = re.compile(r"[^;{}]*[;{}]")
_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)|(?P<name>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>->|[-+*/()\[\],;=]))"
)
_INCLUDE = re.compile(r'include\s*"[^"\n;{}]*"')
#: the grammar's keywords (and boolean literals): never an identifier
_KEYWORDS = frozenset({
    "OPENQASM", "include", "defcalgrammar", "def", "cal", "defcal", "gate", "extern", "box", "let",
    "break", "continue", "if", "else", "end", "return", "for", "while", "in", "switch", "case", "default",
    "input", "output", "const", "readonly", "mutable", "qreg", "qubit", "creg", "bool", "bit", "int",
    "uint", "float", "angle", "complex", "array", "void", "duration", "stretch", "gphase", "inv", "pow",
    "ctrl", "negctrl", "durationof", "delay", "reset", "measure", "barrier", "im", "true", "false",
    "sizeof",
})  # fmt: skip



class _NotPlain(Exception):
    """The statement is left to the ANTLR parser."""


class _Tokens:
    """The tokens of one statement: (kind, text, offset), ending with the ``;``."""

    def __init__(self, text: str, start: int, pos: Callable[[int], tuple[int, int]]) -> None:
        self.pos, self.items, self.i = pos, [], 0
        pos, end = 0, len(text)
        while pos < end:
            m = _TOKEN.match(text, pos)
            if m is None:
                if text[pos:].strip():
                    raise _NotPlain
                break
            kind = m.lastgroup
            if kind == "num" and (m.end() < end and (text[m.end()].isalnum() or text[m.end()] in "._")):
                raise _NotPlain  # 2pi, 1ns, 1im, 1_000, 0x1f: the lexer decides
            if kind == "num" and len(m[kind]) > 400:
                raise _NotPlain
            self.items.append((kind, m[kind], start + m.start(kind)))
            pos = m.end()

    def peek(self, offset: int = 0) -> tuple[str, str, int] | None:
        j = self.i + offset
        return self.items[j] if j < len(self.items) else None

    def take(self, text: str | None = None, kind: str | None = None) -> tuple[str, str, int]:
        tok = self.peek()
        if tok is None or (text is not None and tok[1] != text) or (kind is not None and tok[0] != kind):
            raise _NotPlain
        self.i += 1
        return tok

    def at(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok[0] == "op" and tok[1] == text

    def span(self, first: tuple[str, str, int], last: tuple[str, str, int]) -> ast.Span:
        """A rule's span: its first token's start to its last token's start."""
        return ast.Span(*self.pos(first[2]), *self.pos(last[2]))

    def token_span(self, tok: tuple[str, str, int]) -> ast.Span:
        """A single token's own span (identifiers): its first to its last character."""
        line, col = self.pos(tok[2])
        return ast.Span(line, col, line, col + len(tok[1]) - 1)


def _spanned(node, span: ast.Span):
    node.span = span
    return node


def _name(toks: _Tokens) -> tuple[str, str, int]:
    tok = toks.take(kind="name")
    if tok[1] in _KEYWORDS:
        raise _NotPlain
    return tok


def _identifier(toks: _Tokens, tok: tuple[str, str, int]) -> ast.Identifier:
    return _spanned(ast.Identifier(tok[1]), toks.token_span(tok))


def _integer(toks: _Tokens) -> tuple[int, tuple[str, str, int]]:
    tok = toks.take(kind="num")
    if not tok[1].isdigit():
        raise _NotPlain
    return int(tok[1]), tok


def _operand(toks: _Tokens) -> tuple[ast.Identifier | ast.IndexedIdentifier, tuple[str, str, int]]:
    """``name`` or ``name[i]`` (an ``indexedIdentifier``); and its last token."""
    first = _name(toks)
    if not toks.at("["):
        return _spanned(ast.Identifier(first[1]), toks.span(first, first)), first
    toks.take("[")
    value, tok = _integer(toks)
    index = _spanned(ast.IntegerLiteral(value), toks.span(tok, tok))
    last = toks.take("]")
    node = ast.IndexedIdentifier(name=_identifier(toks, first), indices=[[index]])
    return _spanned(node, toks.span(first, last)), last


def _operands(toks: _Tokens) -> list:
    found = [_operand(toks)[0]]
    while toks.at(","):
        toks.take(",")
        found.append(_operand(toks)[0])
    return found


# -- expressions: additive > multiplicative > unary minus > atoms, as the grammar's precedence
def _atom(toks: _Tokens):
    tok = toks.peek()
    if tok is None:
        raise _NotPlain
    if tok[0] == "num":
        toks.take()
        text = tok[1]
        node = ast.IntegerLiteral(int(text)) if text.isdigit() else ast.FloatLiteral(float(text))
        return _spanned(node, toks.span(tok, tok)), tok
    if tok[0] == "name":
        _name(toks)
        if toks.at("(") or toks.at("["):
            raise _NotPlain  # a function call or an index expression
        return _spanned(ast.Identifier(tok[1]), toks.span(tok, tok)), tok
    if tok[1] == "(":
        toks.take("(")
        node, _ = _additive(toks)
        last = toks.take(")")
        return _spanned(node, toks.span(tok, last)), last
    if tok[1] == "-":
        toks.take("-")
        inner, last = _unary_operand(toks)
        node = ast.UnaryExpression(op=ast.UnaryOperator["-"], expression=inner)
        return _spanned(node, toks.span(tok, last)), last
    raise _NotPlain


def _unary_operand(toks: _Tokens):
    return _atom(toks)


def _first(node) -> tuple[int, int]:
    return node.span.start_line, node.span.start_column


def _binary(toks: _Tokens, ops: str, operand):
    lhs, last = operand(toks)
    while (tok := toks.peek()) is not None and tok[0] == "op" and tok[1] in ops:
        toks.take()
        rhs, last = operand(toks)
        node = ast.BinaryExpression(lhs=lhs, op=ast.BinaryOperator[tok[1]], rhs=rhs)
        end = toks.pos(last[2])
        lhs = _spanned(node, ast.Span(*_first(lhs), *end))
    return lhs, last


def _multiplicative(toks: _Tokens):
    return _binary(toks, "*/", _atom)


def _additive(toks: _Tokens):
    return _binary(toks, "+-", _multiplicative)


def _declaration(toks: _Tokens, first: tuple[str, str, int]) -> ast.Statement:
    keyword = first[1]
    size = designator = None
    if keyword in ("qubit", "bit") and toks.at("["):
        size, designator = _designator(toks)
    name = _name(toks)
    if keyword in ("qreg", "creg") and toks.at("["):
        size, designator = _designator(toks)
    ident = _identifier(toks, name)
    if keyword in ("qreg", "qubit"):
        return ast.QubitDeclaration(qubit=ident, size=size)
    if keyword == "creg":
        start = toks.token_span(first)
        span = ast.Span(start.start_line, start.start_column, *designator) if designator else start
    else:
        span = toks.span(first, toks.items[toks.i - 2] if designator else first)
    bit_type = _spanned(ast.BitType(size=size), span)
    return ast.ClassicalDeclaration(type=bit_type, identifier=ident, init_expression=None)


def _designator(toks: _Tokens) -> tuple[ast.IntegerLiteral, tuple[int, int]]:
    """``[n]`` with a positive integer ``n``; and the position of its ``[``."""
    open_ = toks.take("[")
    value, _ = _integer(toks)
    if value == 0:
        raise _NotPlain  # the grammar's own error message
    close = toks.take("]")
    return _spanned(ast.IntegerLiteral(value), toks.span(open_, close)), toks.pos(open_[2])


def _measure(toks: _Tokens, measure: tuple[str, str, int]) -> ast.QuantumMeasurement:
    qubit, last = _operand(toks)
    return _spanned(ast.QuantumMeasurement(qubit=qubit), toks.span(measure, last))


def _statement(toks: _Tokens) -> ast.Statement:
    first = toks.take(kind="name")
    keyword = first[1]
    if keyword in ("qreg", "creg", "qubit", "bit"):
        node = _declaration(toks, first)
    elif keyword == "measure":
        measure = _measure(toks, first)
        target = None
        if toks.at("->"):
            toks.take("->")
            target = _operand(toks)[0]
        node = ast.QuantumMeasurementStatement(measure=measure, target=target)
    elif keyword == "reset":
        node = ast.QuantumReset(qubits=_operand(toks)[0])
    elif keyword == "barrier":
        node = ast.QuantumBarrier(qubits=[] if toks.at(";") else _operands(toks))
    elif keyword in _KEYWORDS:
        raise _NotPlain
    elif toks.at("=") or toks.at("["):
        toks.i -= 1
        target = _operand(toks)[0]
        toks.take("=")
        node = ast.QuantumMeasurementStatement(measure=_measure(toks, toks.take("measure")), target=target)
    else:
        arguments = []
        if toks.at("("):
            toks.take("(")
            if not toks.at(")"):
                arguments.append(_additive(toks)[0])
                while toks.at(","):
                    toks.take(",")
                    arguments.append(_additive(toks)[0])
            toks.take(")")
        name = _identifier(toks, first)
        qubits = _operands(toks)
        node = ast.QuantumGate(modifiers=[], name=name, arguments=arguments, qubits=qubits, duration=None)
    last = toks.take(";")
    if toks.peek() is not None:
        raise _NotPlain
    return _spanned(node, toks.span(first, last))


def split_plain(
    text: str, start: int, pos: Callable[[int], tuple[int, int]]
) -> tuple[str, list[ast.Statement]]:
    """(the text with its plain top-level statements after offset ``start`` (the header's end) blanked out,
    their nodes in source order); ``pos`` turns an offset into (1-based line, 0-based column)."""
    clean = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)
    stop = _lexer_modes_start(clean)
    found: list[ast.Statement] = []
    pieces: list[str] = []
    depth = done = 0
    for chunk in _CHUNK.finditer(clean):
        term = chunk[0][-1]
        if term != ";" or depth != 0:
            depth += {"{": 1, "}": -1}[term] if term != ";" else 0
            if depth < 0:
                break
            continue
        if chunk.start() < start:
            continue
        if chunk.end() > stop:
            break
        try:
            node = _statement(_Tokens(chunk[0], chunk.start(), pos))
        except _NotPlain:
            continue
        found.append(node)
        pieces.append(text[done : chunk.start()])
        end = chunk.end()
        line_end = text.find("\n", end)
        alone = not text[end : len(text) if line_end < 0 else line_end].strip()
        pieces.append(_blank(text[chunk.start() : end], alone))
        done = chunk.end()
    if not found:
        return text, []
    pieces.append(text[done:])
    return "".join(pieces), found


def _lexer_modes_start(clean: str) -> int:
    """Where the first text the lexer reads in a mode of its own starts (a pragma, an annotation, a string
    other than an include's file name, a calibration block, an unterminated comment): nothing from there on
    is taken as plain."""
    found = [len(clean)]
    for pattern in (r"/\*", "#", r"@\S", r"\b(?:def)?cal\b"):
        if m := re.search(pattern, clean):
            found.append(m.start())
    includes = [m.span() for m in _INCLUDE.finditer(clean)]
    for m in re.finditer('"', clean):
        if not any(a < m.start() < b for a, b in includes):
            found.append(m.start())
            break
    return min(found)


def _blank(statement: str, alone: bool) -> str:
    """What stands for a blanked statement: its newlines, then, unless it ends its line (``alone``), spaces
    to the column where it ends, so that what follows keeps its column (ANTLR's lexer reads blanks one
    character at a time: the fewer, the faster)."""
    newlines = statement.count("\n")
    if alone and newlines:
        return "\n" * newlines
    if not newlines:
        return " " * len(statement)
    return "\n" * newlines + " " * (len(statement) - statement.rindex("\n") - 1)


def merge(parsed: list[ast.Statement], plain: list[ast.Statement]) -> list[ast.Statement]:
    """The ANTLR-parsed and the plain statements, in source order."""
    if not plain:
        return parsed
    return sorted(parsed + plain, key=lambda s: (s.span.start_line, s.span.start_column))
