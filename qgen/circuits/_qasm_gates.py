"""Helpers of :mod:`qgen.circuits.validate`: gate tables of the OpenQASM standard libraries (as qgen's
Qiskit-based loader knows them), and the front end (header, ANTLR syntax check, ``openqasm3`` AST)."""

from __future__ import annotations

import bisect
import gc
import math
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from antlr4 import CommonTokenStream, InputStream, ParserRuleContext, Token
from antlr4.error.ErrorListener import ErrorListener
from openqasm3 import ast
from openqasm3 import parser as _oq_parser
from openqasm3._antlr.qasm3Lexer import qasm3Lexer
from openqasm3._antlr.qasm3Parser import qasm3Parser

from qgen.circuits._qasm_plain_ast import merge, split_plain


class GateSig(NamedTuple):
    """Number of classical parameters and of qubits a gate takes, and where it comes from."""

    num_params: int
    num_qubits: int
    origin: str = "builtin"


def _table(origin: str, spec: str) -> dict[str, GateSig]:
    """Parse ``"name:params:qubits ..."`` into a gate table."""
    table = {}
    for item in spec.split():
        name, params, qubits = item.split(":")
        table[name] = GateSig(int(params), int(qubits), origin)
    return table


#: ``stdgates.inc`` of OpenQASM 3 (the gates ``qiskit.qasm3.loads`` defines for it).
STDGATES_INC = _table(
    "stdgates.inc",
    """
    p:1:1 x:0:1 y:0:1 z:0:1 h:0:1 s:0:1 sdg:0:1 t:0:1 tdg:0:1 sx:0:1 rx:1:1 ry:1:1 rz:1:1
    cx:0:2 cy:0:2 cz:0:2 cp:1:2 crx:1:2 cry:1:2 crz:1:2 ch:0:2 swap:0:2 ccx:0:3 cswap:0:3
    cu:4:2 CX:0:2 phase:1:1 cphase:1:2 id:0:1 u1:1:1 u2:2:1 u3:3:1
    """,
)

#: ``qelib1.inc`` of OpenQASM 2 (Qiskit's version, as loaded with ``LEGACY_CUSTOM_INSTRUCTIONS``).
QELIB1_INC = _table(
    "qelib1.inc",
    """
    u3:3:1 u2:2:1 u1:1:1 cx:0:2 id:0:1 u0:1:1 u:3:1 p:1:1 x:0:1 y:0:1 z:0:1 h:0:1 s:0:1
    sdg:0:1 t:0:1 tdg:0:1 rx:1:1 ry:1:1 rz:1:1 sx:0:1 sxdg:0:1 cz:0:2 cy:0:2 swap:0:2
    ch:0:2 ccx:0:3 cswap:0:3 crx:1:2 cry:1:2 crz:1:2 cu1:1:2 cp:1:2 cu3:3:2 csx:0:2
    cu:4:2 rxx:1:2 rzz:1:2 rccx:0:3 rc3x:0:4 c3x:0:4 c3sqrtx:0:4 c4x:0:5
    """,
)

#: The gates of ``qelib1.inc`` as the OpenQASM 2 specification defines it (Cross et al. 2017,
#: arXiv:1707.03429); Qiskit's strict loader ``qiskit.qasm2.loads`` knows exactly these.
_SPEC_NAMES = "u3 u2 u1 cx id x y z h s sdg t tdg rx ry rz cz cy ch ccx crz cu1 cu3"
SPEC_QELIB1 = frozenset(_SPEC_NAMES.split())
#: Gates of Qiskit's extended ``qelib1.inc`` that the specification lacks: qgen reads them (warning) and
#: writes their definitions into the programs it writes; a program may define them itself.
NON_SPEC_QELIB1 = frozenset(QELIB1_INC) - SPEC_QELIB1

#: Gates every OpenQASM 3 program has without an include.
BUILTINS_3 = {"U": GateSig(3, 1), "gphase": GateSig(1, 0)}

#: Gates every OpenQASM 2 program has without an include.
BUILTINS_2 = {"U": GateSig(3, 1), "CX": GateSig(0, 2)}

#: The include file each version provides, and its gates.
LIBRARIES = {2: ("qelib1.inc", QELIB1_INC), 3: ("stdgates.inc", STDGATES_INC)}

#: Built-in constants usable in parameter expressions.
CONSTANTS_3 = frozenset({"pi", "π", "tau", "τ", "euler", "ℇ"})
CONSTANTS_2 = frozenset({"pi"})

#: Functions OpenQASM 2 allows in parameter expressions (``qiskit.qasm2`` supports exactly these).
FUNCTIONS_2 = frozenset({"sin", "cos", "tan", "exp", "ln", "sqrt"})


def builtins(version: int) -> dict[str, GateSig]:
    """The gates a program of this OpenQASM major version has before any include."""
    return dict(BUILTINS_2 if version == 2 else BUILTINS_3)


def constants(version: int) -> frozenset[str]:
    """Names of the built-in constants of this OpenQASM major version."""
    return CONSTANTS_2 if version == 2 else CONSTANTS_3


#: Statements qgen's Qiskit-based loader cannot handle, and how diagnostics name them.
UNSUPPORTED = {
    ast.WhileLoop: "'while' loop",
    ast.SubroutineDefinition: "subroutine definition 'def'",
    ast.ExternDeclaration: "'extern' declaration",
    ast.Box: "'box'",
    ast.DelayInstruction: "'delay'",
    ast.CalibrationStatement: "'cal' block",
    ast.CalibrationDefinition: "'defcal'",
    ast.CalibrationGrammarDeclaration: "'defcalgrammar'",
    ast.SwitchStatement: "'switch'",
    ast.Pragma: "'pragma'",
    ast.ReturnStatement: "'return'",
    ast.BreakStatement: "'break'",
    ast.ContinueStatement: "'continue'",
    ast.EndStatement: "'end'",
    ast.AliasStatement: "'let' alias",
    ast.ClassicalAssignment: "classical assignment",
    ast.ExpressionStatement: "expression statement",
    ast.CompoundStatement: "bare '{ }' block",
}
#: How diagnostics name classical types.
TYPE_NAMES = {
    ast.IntType: "int", ast.UintType: "uint", ast.FloatType: "float", ast.AngleType: "angle",
    ast.BoolType: "bool", ast.ComplexType: "complex", ast.ArrayType: "array",
    ast.DurationType: "duration", ast.StretchType: "stretch", ast.BitType: "bit",
}  # fmt: skip
#: Values of the built-in constants, and the operators constant folding knows.
CONST_VALUES = {"pi": math.pi, "π": math.pi, "tau": math.tau, "τ": math.tau, "euler": math.e, "ℇ": math.e}
BINARY = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "%": lambda a, b: a % b,
    "**": lambda a, b: a**b if abs(b) <= 64 else float(a) ** b,  # no huge integers
}  # fmt: skip


# -------------------------------------------------------------- front end: header, syntax, AST

_LEADING_RE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
_HEADER_RE = re.compile(r"OPENQASM(?![\w$])\s*([0-9][0-9.]*)?")
VERSIONS = {"2": 2, "2.0": 2, "3": 3, "3.0": 3}
MISSING_HEADER = "missing 'OPENQASM 2.0;' or 'OPENQASM 3.0;' header: the version cannot be determined"


class Source:
    """Converts between character offsets and (1-based line, 0-based column), as ANTLR counts them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def offset(self, line: int, col0: int) -> int:
        return self.starts[min(max(line, 1), len(self.starts)) - 1] + col0

    def pos(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1]

    def at(self, line: int, col0: int, length: int) -> str:
        start = self.offset(line, col0)
        return self.text[start : start + length]


def find_header(text: str) -> tuple[str | None, int, int] | None:
    """(version text, offset of the version, offset just past the header) or None without a header."""
    match = _HEADER_RE.match(text, _LEADING_RE.match(text).end())
    if match is None:
        return None
    semicolon = re.compile(r"\s*;").match(text, match.end())
    end = semicolon.end() if semicolon else match.end()
    return match.group(1), (match.start(1) if match.group(1) else match.end()), end


_SPAN_LOCK = threading.RLock()


def _column_span(node: object) -> ast.Span:
    if isinstance(node, ParserRuleContext):
        return ast.Span(node.start.line, node.start.column, node.stop.line, node.stop.column)
    sym = node.symbol  # type: ignore[attr-defined]
    return ast.Span(sym.line, sym.column, sym.line, sym.column + max(len(sym.text or ""), 1) - 1)


@contextmanager
def column_spans() -> Iterator[None]:
    """openqasm3 gives single tokens (names) their offset in the file as column: give them the column."""
    with _SPAN_LOCK:
        original = _oq_parser.get_span
        _oq_parser.get_span = _column_span
        try:
            yield
        finally:
            _oq_parser.get_span = original


def _describe_syntax_error(recognizer, token, line: int, col0: int, msg: str) -> tuple[int, int, str]:
    """Reword an ANTLR message; returns (line, 1-based column, message)."""
    if token is None:
        found = re.match(r"token recognition error at: '(.)", msg, re.S)
        return line, col0 + 1, f"unexpected character {found.group(1)!r}" if found else msg
    shown = "end of input" if token.type == Token.EOF else f"'{token.text}'"
    here = (line, col0 + 1)

    def before() -> tuple[int, int]:  # just after the previous token: where the missing text belongs
        stream = recognizer.getInputStream()
        for index in range(token.tokenIndex - 1, -1, -1):
            prev = stream.get(index)
            if prev.channel == Token.DEFAULT_CHANNEL:
                tail = prev.text.rsplit("\n", 1)
                if len(tail) == 2:
                    return prev.line + prev.text.count("\n"), len(tail[1]) + 1
                return prev.line, prev.column + len(prev.text) + 1
        return here

    if token.type == Token.EOF:
        # ANTLR's shared prediction cache makes the wording at end of input vary between calls
        # ("missing '}' at <EOF>" / "mismatched input <EOF> expecting ..."): report one stable message
        if "'}'" in msg:
            return (*before(), "missing '}' before end of input")
        if "';'" in msg:
            return (*before(), "missing ';' before end of input")
        return (*before(), "unexpected end of input")
    if m := re.match(r"missing (.+?) at ", msg, re.S):
        return (*before(), f"missing {m.group(1)} before {shown}")
    if m := re.match(r"mismatched input .* expecting (.+)$", msg, re.S):
        expected = m.group(1)
        if expected == "';'":
            return (*before(), f"missing ';' before {shown}")
        if not expected.startswith("{"):
            return (*here, f"expected {expected} but found {shown}")
    return (*here, f"unexpected {shown}")


class _FirstSyntaxError(ErrorListener):
    """Keeps the first syntax error ANTLR reports (and prints nothing)."""

    def __init__(self) -> None:
        self.error: tuple[int, int, str] | None = None

    def syntaxError(self, recognizer, offendingSymbol, line, column, msg, e):  # noqa: N802 (ANTLR API)
        if self.error is None:
            self.error = _describe_syntax_error(recognizer, offendingSymbol, line, column, msg)


@dataclass
class Opaque:
    """An OpenQASM 2 ``opaque`` declaration (blanked out before parsing: the grammar lacks it)."""

    name: str
    num_params: int
    num_qubits: int
    line: int
    col0: int
    name_line: int
    name_col0: int


def mask_opaque(text: str) -> tuple[str, list[Opaque]]:
    """Blank out ``opaque name(params) qubits;`` statements (not in the grammar) and return them."""
    if "opaque" not in text:
        return text, []
    lexer = qasm3Lexer(InputStream(text))
    lexer.removeErrorListeners()
    tokens = [t for t in lexer.getAllTokens() if t.channel == Token.DEFAULT_CHANNEL]
    found: list[Opaque] = []
    chars = list(text)
    for i, tok in enumerate(tokens):
        if tok.text != "opaque" or (i and tokens[i - 1].text not in (";", "}", "{")):
            continue
        texts = [t.text for t in tokens[i + 1 :]]
        end = texts.index(";") if ";" in texts else -1
        body = texts[:end]
        if end < 1 or not re.fullmatch(r"[A-Za-z_]\w*", body[0]):
            continue
        rest, params = body[1:], []
        if rest[:1] == ["("]:
            if ")" not in rest:
                continue
            params, rest = [p for p in rest[1 : rest.index(")")] if p != ","], rest[rest.index(")") + 1 :]
        qubits = [q for q in rest if q != ","]
        if not qubits:
            continue
        name_tok = tokens[i + 1]
        found.append(
            Opaque(body[0], len(params), len(qubits), tok.line, tok.column, name_tok.line, name_tok.column)
        )
        for k in range(tok.start, tokens[i + 1 + end].stop + 1):
            if chars[k] != "\n":
                chars[k] = " "
    return ("".join(chars) if found else text), found


@dataclass
class Parsed:
    """Result of :func:`parse`: the major version and either the AST (plus opaques) or one error."""

    version: int
    program: ast.Program | None = None
    opaques: list[Opaque] = field(default_factory=list)
    error: tuple[int, int, str] | None = None


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: building a large syntax tree allocates millions of objects,
    and each full collection walks all of them (a 10,000-statement parse runs 2-4 times slower with it)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse(text: str, fast: bool = True) -> Parsed | None:
    """Header + syntax; None when there is no header, else the AST or one error (see :func:`_parse`)."""
    with gc_paused():
        return _parse(text, fast)


def _parse(text: str, fast: bool = True) -> Parsed | None:
    """Header + syntax; None when there is no header, else the AST or one error.

    With ``fast``, plain statements are built without ANTLR (:mod:`qgen.circuits._qasm_plain_ast`): the
    same tree, about ten times faster; ``fast=False`` parses everything with ANTLR.
    """
    header = find_header(text)
    if header is None:
        return None
    version_text, version_offset, _ = header
    line, col0 = Source(text).pos(version_offset)
    version = VERSIONS.get(version_text or "")
    if version is None:
        if version_text is None:
            return Parsed(0, error=(line, col0 + 1, "missing version number after 'OPENQASM'"))
        msg = f"unsupported OpenQASM version '{version_text}': only 2.0 and 3.0 are supported"
        return Parsed(0, error=(line, col0 + 1, msg))
    masked, opaques = mask_opaque(text)
    unblanked, plain = masked, []
    if fast:
        masked, plain = split_plain(masked, header[2], Source(masked).pos)
    listener = _FirstSyntaxError()
    lexer = qasm3Lexer(InputStream(masked))
    lexer.removeErrorListeners()
    lexer.addErrorListener(listener)
    antlr_parser = qasm3Parser(CommonTokenStream(lexer))
    antlr_parser.removeErrorListeners()
    antlr_parser.addErrorListener(listener)
    tree = antlr_parser.program()
    if listener.error is not None:
        return Parsed(version, error=listener.error)
    try:
        with column_spans():
            program = _oq_parser.QASMNodeVisitor().visitProgram(tree)
        if plain:
            program.statements = merge(program.statements, plain)
    except _oq_parser.QASM3ParsingError as exc:
        m = re.match(r"L(\d+):C(\d+): (.*)", str(exc), re.S)
        error = (int(m.group(1)), int(m.group(2)) + 1, m.group(3)) if m else (1, 1, f"invalid program: {exc}")
        return Parsed(version, error=error)
    except ValueError as exc:  # int() of a literal past Python's 4300-digit limit
        long = re.search(r"[0-9][0-9_]{4000,}", unblanked)
        if long is None:
            return Parsed(version, error=(1, 1, f"invalid program: {exc}"))
        line, col0 = Source(text).pos(long.start())
        return Parsed(version, error=(line, col0 + 1, f"number literal too long ({len(long[0])} digits)"))
    return Parsed(version, program=program, opaques=opaques)
