"""Data inputs and non-linear angles of a model circuit.

qgen.sim runs circuits whose angles are *linear* in their parameters. Feature maps such as the ZZ feature
map (``2 (pi - x_i)(pi - x_j)``) or trainable input scaling (``s * x``) are not, so every non-linear angle is
replaced by a fresh *derived* parameter; its value is computed per sample in torch from the features and the
weights (gradients flow through it) and fed to the simulator like a feature.

Data inputs are the parameters named ``x0 .. x{d-1}`` or ``x[0] .. x[d-1]`` (a ``ParameterVector`` ``x``;
``_x_0_`` is how Qiskit's QASM 3 exporter writes ``x[0]``); every other free parameter is a trainable weight.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

import torch
from qiskit.circuit import Parameter, ParameterExpression, QuantumCircuit

from qgen.models.errors import ModelError

_INPUT = re.compile(r"^_?x(?:(\d+)|\[(\d+)\]|_(\d+)_)$")
DERIVED_PREFIX = "_qgen_a"


def input_index(name: str) -> int | None:
    """Feature index of a data-input parameter name (``x3``, ``x[3]``, ``_x_3_`` -> 3), else None.

    >>> input_index("x[3]"), input_index("_x_3_"), input_index("w0")
    (3, 3, None)
    """
    m = _INPUT.match(name)
    if m is None:
        return None
    return int(next(g for g in m.groups() if g is not None))


def split_parameters(circuit: QuantumCircuit) -> tuple[list[str], list[str]]:
    """``(inputs in feature order, weights in circuit order)`` of a circuit's free parameters.

    Raises:
        ModelError: inputs that are not numbered 0..d-1 without gaps or repeats.
    """
    inputs: dict[int, str] = {}
    weights = []
    for p in circuit.parameters:
        i = input_index(p.name)
        if i is None:
            weights.append(p.name)
        elif i in inputs:
            raise ModelError(f"data input {i} appears twice ({inputs[i]!r} and {p.name!r})")
        else:
            inputs[i] = p.name
    if inputs and sorted(inputs) != list(range(len(inputs))):
        raise ModelError(
            f"data inputs must be numbered x0..x{len(inputs) - 1} without gaps; got {sorted(inputs.values())}"
        )
    return [inputs[i] for i in range(len(inputs))], weights


class DerivedAngle:
    """A non-linear angle: ``name`` is the circuit parameter standing for a sympy expression of inputs and
    weights; ``fn`` evaluates it in torch. Pickles as the expression's ``srepr`` (rebuilt on load)."""

    def __init__(self, name: str, expr) -> None:
        self.name = name
        self.expr = expr
        self.fn: Callable[[dict[str, torch.Tensor]], torch.Tensor] = _torch_fn(expr)

    @property
    def expression(self) -> str:
        """The expression as sympy ``srepr`` text."""
        return require_sympy().srepr(self.expr)

    def __getstate__(self) -> dict:
        return {"name": self.name, "expression": self.expression}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["name"], require_sympy().sympify(state["expression"]))

    def __repr__(self) -> str:
        return f"DerivedAngle({self.name!r}, {self.expr})"


_FUNCS: dict[str, Callable] = {
    "sin": torch.sin,
    "cos": torch.cos,
    "tan": torch.tan,
    "exp": torch.exp,
    "log": torch.log,
    "asin": torch.asin,
    "acos": torch.acos,
    "atan": torch.atan,
    "Abs": torch.abs,
    "sqrt": torch.sqrt,
}


def _torch_fn(expr) -> Callable[[dict[str, torch.Tensor]], torch.Tensor | float]:
    """Compile a sympy expression into a function of ``{symbol name: tensor}`` built from torch ops."""
    if expr.is_Symbol:
        name = expr.name
        return lambda env: env[name]
    if expr.is_number:
        value = float(expr.evalf())
        return lambda env: value
    args = [_torch_fn(a) for a in expr.args]
    kind = expr.func.__name__
    if kind == "Add":
        return lambda env: sum(a(env) for a in args)
    if kind == "Mul":
        return lambda env: math.prod([a(env) for a in args])
    if kind == "Pow":
        return lambda env: args[0](env) ** args[1](env)
    if kind in _FUNCS:
        fn = _FUNCS[kind]
        return lambda env: fn(torch.as_tensor(args[0](env)))
    raise ModelError(f"cannot evaluate the angle function {kind!r} in {expr}; use + - * / ** sin cos exp")


def _is_linear(value: ParameterExpression) -> bool:
    for p in value.parameters:
        grad = value.gradient(p)
        if isinstance(grad, ParameterExpression) and grad.parameters:
            return False
    return True


def lower_angles(circuit: QuantumCircuit) -> tuple[QuantumCircuit, list[DerivedAngle]]:
    """Replace every non-linear gate angle by a derived parameter; returns the new circuit and the angles.

    Identical expressions share one derived parameter. Gates with definitions are flattened first when
    they carry a non-linear angle.
    """
    require_sympy()
    flat = circuit
    for _ in range(4):  # flatten composite gates that hide non-linear angles
        hidden = [
            inst
            for inst in flat.data
            if getattr(inst.operation, "definition", None) is not None
            and inst.operation.name not in _STANDARD
            and any(isinstance(v, ParameterExpression) and v.parameters for v in inst.operation.params)
        ]
        if not hidden:
            break
        flat = flat.decompose()
    out = flat.copy_empty_like()
    derived: dict[str, DerivedAngle] = {}
    params: dict[str, Parameter] = {}
    for inst in flat.data:
        op = inst.operation
        new = []
        changed = False
        for v in op.params:
            if isinstance(v, ParameterExpression) and v.parameters and not _is_linear(v):
                key = str(v)
                if key not in derived:
                    name = f"{DERIVED_PREFIX}{len(derived)}"
                    derived[key] = DerivedAngle(name, v.sympify())
                    params[key] = Parameter(name)
                new.append(params[key])
                changed = True
            else:
                new.append(v)
        if changed:
            op = op.to_mutable()
            op.params = new
        out.append(op, inst.qubits, inst.clbits)
    return out, list(derived.values())


def require_sympy():
    """sympy (a dependency of torch) evaluates non-linear angles."""
    from qgen.optional import require

    return require("sympy", extra="all", purpose="non-linear feature-map angles")


def _standard() -> set[str]:
    from qiskit.circuit.library import get_standard_gate_name_mapping

    return set(get_standard_gate_name_mapping())


_STANDARD = _standard()


def evaluate_derived(
    derived: Sequence[DerivedAngle],
    inputs: Sequence[str],
    x: torch.Tensor,
    weight_names: Sequence[str],
    weights: torch.Tensor,
) -> torch.Tensor:
    """Values ``(N, len(derived))`` of the derived angles for features ``x`` ``(N, d)`` and ``weights``."""
    env: dict[str, torch.Tensor] = {n: x[:, i] for i, n in enumerate(inputs)}
    env.update({n: weights[i] for i, n in enumerate(weight_names)})
    cols = []
    for d in derived:
        v = d.fn(env)
        v = torch.as_tensor(v, dtype=x.dtype, device=x.device)
        cols.append(v.expand(x.shape[0]) if v.dim() == 0 else v)
    return torch.stack(cols, dim=1) if cols else x.new_zeros(x.shape[0], 0)
