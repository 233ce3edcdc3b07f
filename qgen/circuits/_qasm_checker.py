"""Semantic checks of OpenQASM 2/3 programs on the ``openqasm3.ast`` tree (used by :mod:`validate`)."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from dataclasses import dataclass

from openqasm3 import ast

from qgen.circuits import _qasm_gates as gates
from qgen.circuits._qasm_gates import (
    BINARY,
    CONST_VALUES,
    TYPE_NAMES,
    UNSUPPORTED,
    GateSig,
    Opaque,
    Source,
)
from qgen.circuits._qasm_gates import NON_SPEC_QELIB1 as NON_SPEC
from qgen.circuits.diagnostic import Diagnostic
from qgen.circuits.limits import Limits, exceeded

# ---------------------------------------------------------------------------------------- semantic checks

_FUNCTIONS = {"sin": math.sin, "cos": math.cos, "tan": math.tan, "exp": math.exp, "ln": math.log,
              "sqrt": math.sqrt}  # fmt: skip


def _finite(value: object) -> bool:
    """A real number that converts to a finite float (huge integers and complex values do not)."""
    if isinstance(value, complex):
        return False
    try:
        return math.isfinite(float(value))
    except (OverflowError, TypeError, ValueError):
        return False


def _trip_count(start: int, end: int, step: int) -> int:
    """Iterations of an inclusive OpenQASM 3 range ``[start:step:end]``."""
    if step > 0:
        return max(0, (end - start) // step + 1)
    return max(0, (start - end) // -step + 1)


@dataclass
class _Symbol:
    kind: str  # "qubit", "bit" (registers or single), "gate", "input", "variable", "loop variable"
    line: int
    size: int | None = None  # register size; None for a single qubit/bit or a non-register


@dataclass
class _GateScope:
    name: str
    params: set[str]
    qubits: set[str]


def _noun(symbol: _Symbol) -> str:
    if symbol.kind in ("qubit", "bit"):
        return f"a {symbol.kind}" if symbol.size is None else f"a {symbol.kind} register"
    return f"an {symbol.kind} parameter" if symbol.kind == "input" else f"a {symbol.kind}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _pos(node: ast.QASMNode | None, fallback: tuple[int, int] = (1, 1)) -> tuple[int, int]:
    span = getattr(node, "span", None)
    return (span.start_line, span.start_column + 1) if span is not None else fallback


def _walk_values(expr: object) -> Iterator[ast.Identifier | ast.FunctionCall]:
    """Identifiers used as values, and function calls, inside an expression."""
    if isinstance(expr, ast.Identifier):
        yield expr
    elif isinstance(expr, ast.FunctionCall):
        yield expr
        for arg in expr.arguments:
            yield from _walk_values(arg)
    elif isinstance(expr, list):
        for item in expr:
            yield from _walk_values(item)
    elif isinstance(expr, ast.QASMNode):
        for f in dataclasses.fields(expr):
            if f.name not in ("span", "annotations"):
                yield from _walk_values(getattr(expr, f.name))


class _Checker:
    """Walks an ``openqasm3.ast.Program`` and collects diagnostics and free parameters."""

    def __init__(self, src: Source, version: int, filename: str | None, limits: Limits | None = None) -> None:
        self.src, self.version, self.filename = src, version, filename
        self.limits = limits or Limits()
        self.qubits = 0  # qubits in all registers
        self.clbits = 0  # classical bits in all bit registers
        self.operations = 0  # expanded operations so far
        self.over_limit = False  # an operation or loop limit was reported: stop counting
        self.repeat = 1  # iterations of the enclosing loops
        self.sizes: dict[str, int] = {}  # expanded size of each gate defined in the program
        self.defining = False  # inside a gate definition
        self.gates: dict[str, GateSig] = gates.builtins(version)
        self.symbols: dict[str, _Symbol] = {}
        self.declared_later: dict[str, int] = {}
        self.loop_vars: list[str] = []
        self.included: set[str] = set()
        self.diags: list[Diagnostic] = []
        self.free: list[str] = []
        self._stmt_pos: tuple[int, int] = (1, 1)

    # -- helpers
    def error(self, where: ast.QASMNode | tuple[int, int] | None, message: str) -> None:
        line, col = where if isinstance(where, tuple) else _pos(where, self._stmt_pos)
        if isinstance(where, ast.Expression):  # a size's span starts at its '[': point at the size itself
            text = self.src.text
            offset = self.src.offset(line, col - 1)
            if text[offset : offset + 1] == "[":
                offset += 1
                while text[offset : offset + 1] in (" ", "\t"):
                    offset += 1
                col = offset - self.src.offset(line, 0) + 1
        self.diags.append(Diagnostic(line, col, message, file=self.filename))

    def qasm3_only(self, node: ast.QASMNode, what: str) -> bool:
        """Report an OpenQASM 3 construct in an OpenQASM 2 program; True if it was one."""
        if self.version == 2:
            self.error(node, f"{what} is OpenQASM 3 and not allowed in an OpenQASM 2.0 program")
        return self.version == 2

    def starts_with(self, node: ast.QASMNode, word: str) -> bool:
        return self.src.at(node.span.start_line, node.span.start_column, len(word)) == word

    def const(self, expr: ast.Expression | None) -> float | int | None:
        """Value of a constant expression, None if it is not one."""
        if isinstance(expr, (ast.IntegerLiteral, ast.FloatLiteral)):
            return expr.value
        if isinstance(expr, ast.Identifier) and expr.name in gates.constants(self.version):
            return CONST_VALUES[expr.name]
        if isinstance(expr, ast.UnaryExpression) and expr.op.name == "-":
            value = self.const(expr.expression)
            return None if value is None else -value
        if isinstance(expr, ast.BinaryExpression) and expr.op.name in BINARY:
            lhs, rhs = self.const(expr.lhs), self.const(expr.rhs)
            try:
                return None if lhs is None or rhs is None else BINARY[expr.op.name](lhs, rhs)
            except (ArithmeticError, ValueError, TypeError):
                return None
        if isinstance(expr, ast.FunctionCall) and self.version == 2 and len(expr.arguments) == 1:
            arg, func = self.const(expr.arguments[0]), _FUNCTIONS.get(expr.name.name)
            try:
                return None if arg is None or func is None else func(arg)
            except (ArithmeticError, ValueError, TypeError):
                return float("nan")  # ln(-1), sqrt(-1): not a real number
        return None

    def non_finite(self, expr: ast.Expression) -> ast.Expression | None:
        """The first constant (sub)expression that is infinite, NaN, complex or too large for a float."""
        stack = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.IntegerLiteral, ast.FloatLiteral, ast.BinaryExpression,
                                 ast.UnaryExpression, ast.FunctionCall)):  # fmt: skip
                value = self.const(node)
                if value is not None and not _finite(value):
                    return node
            if isinstance(node, ast.BinaryExpression):
                stack += [node.rhs, node.lhs]
            elif isinstance(node, ast.UnaryExpression):
                stack.append(node.expression)
            elif isinstance(node, ast.FunctionCall):
                stack += node.arguments[::-1]
        return None

    def count(self, where: ast.QASMNode, n: int) -> None:
        """Add ``n`` operations (times the enclosing loops' iterations); an error once past the limit."""
        if self.over_limit:
            return
        if self.defining:  # a gate body: its size counts where the gate is used
            self.operations = min(self.operations + n, self.limits.max_operations + 1)
            return
        self.operations += n * self.repeat
        if self.operations > self.limits.max_operations:
            self.over_limit = True
            what = "operations after broadcasting, unrolling loops and expanding gate definitions"
            self.error(where, exceeded("max_operations", self.operations, self.limits, what))

    def declare(
        self, ident: ast.Identifier | tuple[int, int, str], kind: str, size: int | None = None
    ) -> bool:
        """Add a name to the global scope; False (and an error) if it is taken."""
        line, col, name = ident if isinstance(ident, tuple) else (*_pos(ident), ident.name)
        if name in self.symbols:
            old = self.symbols[name]
            self.error((line, col), f"'{name}' is already declared (as {_noun(old)} on line {old.line})")
            return False
        if name in self.gates:
            origin = self.gates[name].origin
            where = "a built-in gate" if origin == "builtin" else f"a gate of {origin}"
            self.error((line, col), f"'{name}' is already defined as {where}")
            return False
        self.symbols[name] = _Symbol(kind, line, size)
        return True

    # -- expressions
    def check_values(self, expr: ast.Expression | None, scope: _GateScope | None) -> None:
        """Names and functions in a parameter expression; undeclared names become free parameters."""
        for node in _walk_values(expr):
            if isinstance(node, ast.FunctionCall):
                fname = node.name.name
                if self.version == 3:
                    self.error(node, f"unsupported construct: function call '{fname}(...)'")
                elif fname not in gates.FUNCTIONS_2:
                    self.error(node, f"unknown function '{fname}'")
                continue
            self.check_value_name(node, scope)

    def check_value_name(self, ident: ast.Identifier, scope: _GateScope | None) -> None:
        name = ident.name
        if name in gates.constants(self.version):
            return
        if scope is not None:
            if name not in scope.params:
                self.error(ident, f"undefined identifier '{name}' in gate '{scope.name}'")
            return
        if name in self.loop_vars:
            return
        symbol = self.symbols.get(name)
        if symbol is not None:
            if symbol.kind in ("qubit", "bit", "gate"):
                self.error(ident, f"'{name}' is {_noun(symbol)}, not a number")
            return
        if name in self.gates:
            self.error(ident, f"'{name}' is a gate, not a number")
        elif name.startswith("$"):
            self.error(ident, f"'{name}' is a physical qubit, not a number")
        elif self.version == 2:
            self.error(ident, f"undefined identifier '{name}'")
        elif name in self.declared_later:
            self.error(ident, f"'{name}' is used before its declaration on line {self.declared_later[name]}")
        elif name not in self.free:
            self.free.append(name)

    def check_index(
        self, value: float | None, where: ast.QASMNode, kind: str, name: str, size: int
    ) -> int | None:
        """A constant index into register ``name``, or None (and an error) if it is not a valid one."""
        if value is not None and not _finite(value):
            self.error(where, f"{kind} index into '{name}' must be an integer, got {value}")
            return None
        if value is None or isinstance(value, float) and not value.is_integer():
            self.error(where, f"unsupported construct: non-constant {kind} index into '{name}'")
            return None
        value = int(value)
        if value < 0:
            self.error(where, f"negative {kind} index {value} for register '{name}'")
        elif value >= size:
            self.error(where, f"{kind} index {value} out of range for register '{name}' of size {size}")
        else:
            return value
        return None

    def resolve(self, operand: ast.Expression, kind: str) -> tuple[list[str], bool] | None:
        """The qubits (or bits) an operand names and whether it is a whole register or slice."""
        ident = operand.name if isinstance(operand, ast.IndexedIdentifier) else operand
        if not isinstance(ident, ast.Identifier):
            self.error(operand, f"unsupported construct: {kind} operand")
            return None
        name, indices = ident.name, getattr(operand, "indices", [])
        if name.startswith("$") and kind == "qubit":
            if name[1:].isdigit() and (len(name) > 19 or int(name[1:]) >= self.limits.max_qubits):
                what = f"physical qubit {name}: qubits needed"
                number = int(name[1:]) + 1 if len(name) <= 19 else name[1:]
                self.error(ident, exceeded("max_qubits", number, self.limits, what))
                return None
            return [name], False
        symbol = self.symbols.get(name)
        if symbol is None or symbol.kind not in ("qubit", "bit"):
            what = _noun(symbol) if symbol else ("a gate" if name in self.gates else None)
            self.error(
                ident,
                f"'{name}' is {what}, not a {kind} register"
                if what
                else f"undefined {kind} register '{name}'",
            )
            return None
        if symbol.kind != kind:
            self.error(ident, f"'{name}' is {_noun(symbol)}, not a {kind} register")
            return None
        if not indices:
            if symbol.size is None:
                return [name], False
            return [f"{name}[{i}]" for i in range(symbol.size)], True
        if symbol.size is None:
            self.error(operand, f"'{name}' is a single {kind} and cannot be indexed")
            return None
        index = indices[0]
        if len(indices) > 1 or (isinstance(index, list) and len(index) != 1):
            self.error(operand, f"unsupported construct: multi-dimensional index into '{name}'")
            return None
        item = index[0] if isinstance(index, list) else index
        if isinstance(item, ast.RangeDefinition):
            bounds = [
                self.const(e) if e is not None else d
                for e, d in ((item.start, 0), (item.end, symbol.size - 1), (item.step, 1))
            ]
            if any(not isinstance(b, int) for b in bounds) or bounds[2] == 0:
                self.error(item, f"unsupported construct: non-constant {kind} range into '{name}'")
                return None
            for bound, expr in zip(bounds[:2], (item.start, item.end), strict=True):
                if self.check_index(bound, expr or item, kind, name, symbol.size) is None:
                    return None
            start, end, step = bounds
            selected = [f"{name}[{i}]" for i in range(start, end + (1 if step > 0 else -1), step)]
            if not selected:
                shown = f"{start}:{end}" if step == 1 else f"{start}:{step}:{end}"
                self.error(item, f"empty {kind} range {shown} into '{name}' (it selects nothing)")
                return None
            return selected, True
        values = item.values if isinstance(item, ast.DiscreteSet) else [item]
        found = [self.check_index(self.const(v), v, kind, name, symbol.size) for v in values]
        if None in found:
            return None
        return [f"{name}[{i}]" for i in found], isinstance(item, ast.DiscreteSet)

    # -- statements
    def run(self, program: ast.Program, opaques: list[Opaque]) -> None:
        for stmt in program.statements:
            if isinstance(stmt, (ast.ClassicalDeclaration, ast.IODeclaration, ast.ConstantDeclaration)):
                target = stmt.identifier
            elif isinstance(stmt, ast.QubitDeclaration):
                target = stmt.qubit
            elif isinstance(stmt, (ast.QuantumGateDefinition, ast.SubroutineDefinition)):
                target = stmt.name
            else:
                continue
            self.declared_later.setdefault(target.name, target.span.start_line)
        items: list[tuple[int, int, object]] = [(o.line, o.col0, o) for o in opaques]
        items += [(s.span.start_line, s.span.start_column, s) for s in program.statements]
        for _, _, item in sorted(items, key=lambda t: (t[0], t[1])):
            if isinstance(item, Opaque):
                self.opaque(item)
            else:
                self.statement(item)
        self.diags.sort(key=lambda d: (d.line, d.column))

    def opaque(self, op: Opaque) -> None:
        self._stmt_pos = (op.line, op.col0 + 1)
        if self.version == 3:
            self.error(self._stmt_pos, "unsupported construct: 'opaque' (OpenQASM 2 only; use a 'gate')")
        if self.declare((op.name_line, op.name_col0 + 1, op.name), "gate"):
            self.gates[op.name] = GateSig(op.num_params, op.num_qubits, f"line {op.line}")

    def statement(self, node: ast.Statement) -> None:
        self._stmt_pos = _pos(node)
        kind = type(node)
        handler = getattr(self, f"on_{kind.__name__}", None)
        if handler is not None:
            handler(node)
        elif kind in UNSUPPORTED:
            self.error(node, f"unsupported construct: {UNSUPPORTED[kind]}")
        else:
            self.error(node, f"unsupported construct: {kind.__name__}")

    def on_Include(self, node: ast.Include) -> None:  # noqa: N802
        lib_name, lib = gates.LIBRARIES[self.version]
        if node.filename == lib_name:
            if lib_name in self.included:
                self.error(node, f"'{lib_name}' is included twice")
            self.included.add(lib_name)
            for name, sig in lib.items():
                if name in self.symbols:
                    self.error(
                        node, f"'{name}' of {lib_name} is already declared on line {self.symbols[name].line}"
                    )
                self.gates.setdefault(name, sig)
        elif node.filename in ("stdgates.inc", "qelib1.inc"):
            self.error(
                node,
                f"cannot include '{node.filename}' in an OpenQASM {self.version} program: use '{lib_name}'",
            )
        else:
            self.error(
                node, f"cannot include '{node.filename}': only stdgates.inc / qelib1.inc are available"
            )

    def register(self, ident: ast.Identifier, size_expr: ast.Expression | None, kind: str, old: bool) -> None:
        """Declare a qubit or bit register (``old``: written with ``qreg``/``creg``)."""
        size = None
        if size_expr is not None:
            value = self.const(size_expr)
            if not isinstance(value, int) or value <= 0:
                self.error(
                    size_expr, f"register size must be a positive integer constant (register '{ident.name}')"
                )
                value = 1
            elif kind == "qubit" and self.qubits + value > self.limits.max_qubits:
                what = f"register '{ident.name}' of {value} qubits: qubits in all registers"
                self.error(size_expr, exceeded("max_qubits", self.qubits + value, self.limits, what))
                value = 1
            elif kind == "bit" and self.clbits + value > self.limits.max_clbits:
                what = f"register '{ident.name}' of {value} bits: classical bits in all registers"
                self.error(size_expr, exceeded("max_clbits", self.clbits + value, self.limits, what))
                value = 1
            size = value
        elif self.version == 2 and old:
            self.error(ident, f"register '{ident.name}' needs a size: '{ident.name}[N]'")
        if self.declare(ident, kind, size) and kind == "qubit":
            self.qubits += size or 1
            if size is None and self.qubits > self.limits.max_qubits:
                self.error(ident, exceeded("max_qubits", self.qubits, self.limits, "qubits in all registers"))
        elif kind == "bit":
            self.clbits += size or 1
            if size is None and self.clbits > self.limits.max_clbits:
                what = "classical bits in all registers"
                self.error(ident, exceeded("max_clbits", self.clbits, self.limits, what))

    def on_QubitDeclaration(self, node: ast.QubitDeclaration) -> None:  # noqa: N802
        old = self.starts_with(node, "qreg")
        if not old:
            self.qasm3_only(node, "'qubit' declaration (use 'qreg name[size];')")
        self.register(node.qubit, node.size, "qubit", old)

    def on_ClassicalDeclaration(self, node: ast.ClassicalDeclaration) -> None:  # noqa: N802
        if isinstance(node.type, ast.BitType):
            old = self.starts_with(node, "creg")
            if not old and self.qasm3_only(node, "'bit' declaration (use 'creg name[size];')"):
                pass
            elif node.init_expression is not None:
                self.error(node.init_expression, "unsupported construct: initialised 'bit' declaration")
            self.register(node.identifier, node.type.size, "bit", old)
            return
        type_name = TYPE_NAMES.get(type(node.type), type(node.type).__name__)
        if not self.qasm3_only(node, f"'{type_name}' declaration"):
            what = (
                f"'{type_name}' declaration"
                if type_name in ("array", "duration", "stretch")
                else (f"classical '{type_name}' variable (only 'bit' registers and 'input float' parameters)")
            )
            self.error(node, f"unsupported construct: {what}")
        self.declare(node.identifier, "variable")

    def on_ConstantDeclaration(self, node: ast.ConstantDeclaration) -> None:  # noqa: N802
        if not self.qasm3_only(node, "'const' declaration"):
            self.error(node, "unsupported construct: 'const' declaration")
        self.declare(node.identifier, "variable")

    def on_IODeclaration(self, node: ast.IODeclaration) -> None:  # noqa: N802
        type_name = TYPE_NAMES.get(type(node.type), type(node.type).__name__)
        if self.qasm3_only(node, f"'{node.io_identifier.name}' declaration"):
            pass
        elif node.io_identifier.name != "input":
            self.error(node, "unsupported construct: 'output' declaration")
        elif type_name not in ("float", "angle"):
            self.error(
                node, f"unsupported construct: 'input {type_name}' (use 'input float[64]' or 'input angle')"
            )
        elif (size := getattr(node.type, "size", None)) is not None:
            value = self.const(size)
            # checked here: Qiskit's converter reads a '$n' size as physical qubit n, adding n qubits
            if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 1024:
                self.error(size, f"the size of 'input {type_name}[...]' must be an integer from 1 to 1024")
        self.declare(node.identifier, "input")

    def on_QuantumGateDefinition(self, node: ast.QuantumGateDefinition) -> None:  # noqa: N802
        name = node.name.name
        known = self.gates.get(name)
        if self.version == 2 and known is not None and known.origin == "qelib1.inc" and name in NON_SPEC:
            del self.gates[name]  # Qiskit's qelib1.inc extension: a program may define these itself
        fresh = self.declare(node.name, "gate")
        seen: set[str] = set()
        for ident in [*node.arguments, *node.qubits]:
            if ident.name in seen:
                self.error(ident, f"'{ident.name}' is declared twice in gate '{name}'")
            seen.add(ident.name)
        scope = _GateScope(name, {a.name for a in node.arguments}, {q.name for q in node.qubits})
        outer, self.operations, self.repeat, self.over_limit = (self.operations, self.over_limit), 0, 1, False
        self.defining = True
        for stmt in node.body:
            if isinstance(stmt, (ast.QuantumGate, ast.QuantumPhase)):
                self.gate_call(stmt, scope)
            elif isinstance(stmt, ast.QuantumBarrier):
                for q in stmt.qubits:
                    self.gate_body_qubit(q, scope)
            else:
                self.error(stmt, f"only gate calls and 'barrier' are allowed in the body of gate '{name}'")
        if fresh:
            self.gates[name] = GateSig(len(node.arguments), len(node.qubits), f"line {node.span.start_line}")
            self.sizes[name] = self.operations
        (self.operations, self.over_limit), self.repeat = outer, 1
        self.defining = False

    def on_QuantumGate(self, node: ast.QuantumGate) -> None:  # noqa: N802
        self.gate_call(node, None)

    on_QuantumPhase = on_QuantumGate  # noqa: N815

    def gate_call(self, node: ast.QuantumGate | ast.QuantumPhase, scope: _GateScope | None) -> None:
        phase = isinstance(node, ast.QuantumPhase)
        name, name_node = ("gphase", node) if phase else (node.name.name, node.name)
        if phase and self.qasm3_only(node, "'gphase'"):
            return
        controls = 0
        for mod in node.modifiers:
            self.qasm3_only(mod, f"'{mod.modifier.name} @' modifier")
            if mod.modifier.name in ("ctrl", "negctrl"):
                count = 1 if mod.argument is None else self.const(mod.argument)
                if not isinstance(count, int) or count < 1:
                    self.error(mod, f"'{mod.modifier.name}' needs a positive integer number of controls")
                elif controls + count > self.limits.max_controls:
                    what = "controls on one gate"
                    self.error(mod, exceeded("max_controls", controls + count, self.limits, what))
                    return
                else:
                    controls += count
            elif mod.argument is not None and self.const(mod.argument) is None:
                self.error(mod.argument, "unsupported construct: non-constant 'pow' exponent")
        if not phase and node.duration is not None:
            self.error(node.duration, "unsupported construct: gate duration")
        args = [node.argument] if phase else node.arguments
        for arg in args:
            self.check_values(arg, scope)
            bad = self.non_finite(arg)
            if bad is not None:
                self.error(bad, f"parameter of '{name}' is not a finite number (got {self.const(bad)})")
        sig = self.gates.get(name)
        if sig is None and scope is not None and name == scope.name:
            message = f"gate '{name}' cannot call itself: a gate body may only use gates defined before it"
            self.error(name_node, message)
        elif sig is None:
            self.undefined_gate(name_node, name)
        elif len(args) != sig.num_params:
            self.error(
                name_node, f"gate '{name}' takes {_plural(sig.num_params, 'parameter')}, got {len(args)}"
            )
        want = None if sig is None else sig.num_qubits + controls
        if want is not None and len(node.qubits) != want:
            ctl = f" with {_plural(controls, 'control')}" if controls else ""
            self.error(
                name_node, f"gate '{name}'{ctl} takes {_plural(want, 'qubit')}, got {len(node.qubits)}"
            )
            want = None
        if scope is not None:
            operands = []
            for q in node.qubits:
                if not self.gate_body_qubit(q, scope):
                    return
                operands.append(([q.name], False))
        else:
            resolved = [self.resolve(q, "qubit") for q in node.qubits]
            if None in resolved:
                return
            operands = resolved
        if want is not None:
            self.check_distinct(name, node.qubits, operands)
        width = max([len(bits) for bits, broadcast in operands if broadcast] or [1])
        self.count(node, width * self.sizes.get(name, 1))

    def gate_body_qubit(self, q: ast.Expression, scope: _GateScope) -> bool:
        """A qubit operand inside a gate body must be one of the gate's qubit names."""
        if isinstance(q, ast.Identifier) and q.name in scope.qubits:
            return True
        if isinstance(q, ast.IndexedIdentifier):
            self.error(q, f"qubits cannot be indexed inside the body of gate '{scope.name}'")
        else:
            self.error(q, f"undefined qubit '{getattr(q, 'name', q)}' in gate '{scope.name}'")
        return False

    def undefined_gate(self, where: ast.QASMNode, name: str) -> None:
        lib_name, lib = gates.LIBRARIES[self.version]
        if name in self.symbols and self.symbols[name].kind == "gate":
            self.error(where, f"gate '{name}' is not defined: its definition has errors")
        elif name in self.symbols:
            self.error(where, f"'{name}' is {_noun(self.symbols[name])}, not a gate")
        elif name in lib and lib_name not in self.included:
            self.error(where, f"undefined gate '{name}' (did you forget 'include \"{lib_name}\";'?)")
        else:
            self.error(where, f"undefined gate '{name}'")

    def check_distinct(self, name: str, nodes: list, operands: list[tuple[list[str], bool]]) -> None:
        """Broadcast sizes agree and no qubit appears twice in one application."""
        width = None
        for node, (bits, broadcast) in zip(nodes, operands, strict=True):
            if broadcast and width is not None and len(bits) != width:
                self.error(
                    node,
                    f"broadcast over registers of different sizes in '{name}' "
                    f"({width} and {len(bits)} qubits)",
                )
                return
            if broadcast:
                width = len(bits)
        for k in range(width or 1):
            seen: set[str] = set()
            for node, (bits, broadcast) in zip(nodes, operands, strict=True):
                bit = bits[k] if broadcast else bits[0]
                if bit in seen:
                    self.error(node, f"qubit {bit} used twice in '{name}'")
                    return
                seen.add(bit)

    def on_QuantumMeasurementStatement(self, node: ast.QuantumMeasurementStatement) -> None:  # noqa: N802
        if self.version == 2 and not (self.starts_with(node, "measure") and node.target is not None):
            self.qasm3_only(node, "'bit = measure qubit' form (use 'measure q -> c;')")
        qubits = self.resolve(node.measure.qubit, "qubit")
        if node.target is None:
            self.error(node, "unsupported construct: measurement without a target bit")
            return
        bits = self.resolve(node.target, "bit")
        if qubits:
            self.count(node, len(qubits[0]))
        if qubits and bits and len(qubits[0]) != len(bits[0]):
            self.error(
                node.target,
                f"size mismatch in measure: {_plural(len(qubits[0]), 'qubit')} "
                f"into {_plural(len(bits[0]), 'bit')}",
            )

    def on_QuantumReset(self, node: ast.QuantumReset) -> None:  # noqa: N802
        qubits = self.resolve(node.qubits, "qubit")
        if qubits:
            self.count(node, len(qubits[0]))

    def on_QuantumBarrier(self, node: ast.QuantumBarrier) -> None:  # noqa: N802
        for q in node.qubits:
            self.resolve(q, "qubit")
        self.count(node, 1)

    def on_BranchingStatement(self, node: ast.BranchingStatement) -> None:  # noqa: N802
        cond = node.condition
        if self.version == 2:
            ok = (
                isinstance(cond, ast.BinaryExpression)
                and cond.op.name == "=="
                and isinstance(cond.lhs, ast.Identifier)
                and isinstance(cond.rhs, ast.IntegerLiteral)
            )
            if not ok or node.else_block:
                self.error(
                    node,
                    "OpenQASM 2.0 'if' must compare a classical register with an integer: "
                    "'if (c == 1) ...' (no 'else')",
                )
        for ident in _walk_values(cond):
            if isinstance(ident, ast.Identifier) and ident.name not in self.loop_vars:
                sym = self.symbols.get(ident.name)
                if sym is None:
                    self.error(ident, f"undefined identifier '{ident.name}'")
                elif sym.kind not in ("bit", "input", "variable"):
                    self.error(ident, f"'{ident.name}' cannot be used in an 'if' condition")
        for stmt in [*node.if_block, *node.else_block]:
            self.statement(stmt)

    def on_ForInLoop(self, node: ast.ForInLoop) -> None:  # noqa: N802
        if self.qasm3_only(node, "'for' loop"):
            return
        self.check_values(node.set_declaration, None)
        trips = self.trip_count(node.set_declaration)
        if trips is not None and trips * self.repeat > self.limits.max_loop_iterations:
            what = "iterations of this 'for' loop" + (" and the loops around it" if self.repeat > 1 else "")
            where = node.set_declaration if isinstance(node.set_declaration, ast.QASMNode) else node
            self.error(where, exceeded("max_loop_iterations", trips * self.repeat, self.limits, what))
            return
        self.loop_vars.append(node.identifier.name)
        outer, self.repeat = self.repeat, self.repeat * max(trips or 1, 1)
        try:
            for stmt in node.block:
                self.statement(stmt)
        finally:
            self.loop_vars.pop()
            self.repeat = outer

    def trip_count(self, domain: object) -> int | None:
        """Iterations of a ``for`` loop over a constant range or set; None when not constant."""
        if isinstance(domain, ast.DiscreteSet):
            return len(domain.values)
        if not isinstance(domain, ast.RangeDefinition):
            return None
        bounds = [self.const(e) if e is not None else d for e, d in ((domain.start, 0), (domain.end, None),
                                                                     (domain.step, 1))]  # fmt: skip
        if not all(isinstance(b, int) for b in bounds) or bounds[2] == 0:
            return None
        return _trip_count(*bounds)


# ------------------------------------------------------------------------------------ free parameters, import
