"""Batched optimisation: train the parameters of many circuits at once, each with its own loss.

Every circuit owns one row of a ``(B, P)`` parameter matrix; losses are summed, so gradients (and the
element-wise optimisers: Adam, Adagrad, ...) stay independent per circuit. Circuits that meet their stop rule
are frozen, and the batch is compacted once a quarter of it has stopped, so finished circuits cost nothing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import torch

from qgen.errors import QgenError
from qgen.progress import Progress, report
from qgen.registry import Registry
from qgen.sim.compiled import CircuitLike, CompiledBatch, as_gatelist
from qgen.sim.device import resolve_device
from qgen.sim.gatelist import GateList

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
"""``loss(psi, rows) -> (b,)``: per-circuit losses for statevectors ``psi`` ``(b, 2**n)`` of circuits
``rows`` (indices into the original batch)."""

StopFn = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]
"""``stop(psi, loss, rows) -> (b,) bool``: True where a circuit is done (e.g. its most probable bitstring
is a ground state)."""

_FUSED_DTYPES = (torch.float64, torch.float32, torch.float16, torch.bfloat16)


def _fusable(params) -> bool:
    """Whether torch's fused Adam kernel takes these parameters (floating tensors on CPU or CUDA)."""
    tensors = [t for p in params for t in (p["params"] if isinstance(p, dict) else [p])]
    kinds = ("cpu", "cuda")
    return bool(tensors) and all(t.device.type in kinds and t.dtype in _FUSED_DTYPES for t in tensors)


class Adam(torch.optim.Adam):
    """torch's Adam, fused (one kernel call updates every parameter tensor) where the parameters allow it.

    The update is torch's Adam's, equal to its one-tensor-at-a-time loop; a step on a few small tensors (a
    QML model's weights, output scale and bias) costs half as much. ``fused`` / ``foreach`` given explicitly
    are passed on unchanged.
    """

    def __init__(self, params, lr: float = 1e-3, **kwargs) -> None:
        params = list(params)
        super().__init__(params, lr=lr, **_fused_default(params, kwargs))


class AdamW(torch.optim.AdamW):
    """torch's AdamW, fused where the parameters allow it (see :class:`Adam`)."""

    def __init__(self, params, lr: float = 1e-3, **kwargs) -> None:
        params = list(params)
        super().__init__(params, lr=lr, **_fused_default(params, kwargs))


class Adagrad(torch.optim.Adagrad):
    """torch's Adagrad, fused where the parameters allow it (see :class:`Adam`): a step on the parameter
    matrix of a thousand candidates costs half as much."""

    def __init__(self, params, lr: float = 1e-2, **kwargs) -> None:
        params = list(params)
        super().__init__(params, lr=lr, **_fused_default(params, kwargs))


def _fused_default(params: list, kwargs: dict) -> dict:
    """``kwargs`` with ``fused=True`` added when the caller chose no implementation and the kernel applies."""
    if "fused" in kwargs or "foreach" in kwargs or kwargs.get("differentiable") or not _fusable(params):
        return kwargs
    return {**kwargs, "fused": True}


OPTIMIZERS: Registry[type[torch.optim.Optimizer]] = Registry("optimizer")
OPTIMIZERS.register("adam", Adam)
OPTIMIZERS.register("adamw", AdamW)
OPTIMIZERS.register("adagrad", Adagrad)
OPTIMIZERS.register("sgd", torch.optim.SGD)
OPTIMIZERS.register("rmsprop", torch.optim.RMSprop)


@dataclass
class TrainResult:
    """Outcome of :func:`train` for ``B`` circuits.

    Attributes:
        params: best parameters of each circuit (a 1-D tensor of its own length); for a circuit that met
            its stop rule, the parameters of the step where it did (of the best converged restart).
        loss: best loss per circuit ``(B,)``.
        steps: optimisation steps each circuit took ``(B,)``.
        converged: whether the stop rule (target / stop function) fired ``(B,)``.
        history: losses per step ``(steps, B)``, NaN once a circuit has stopped.
        restart: index of the restart that gave the best result ``(B,)``.
    """

    params: list[torch.Tensor]
    loss: torch.Tensor
    steps: torch.Tensor
    converged: torch.Tensor
    history: torch.Tensor
    restart: torch.Tensor
    seconds: float = 0.0
    settings: dict = field(default_factory=dict)


def init_params(
    counts: Sequence[int], width: int, init: str, scale: float, generator: torch.Generator, dtype: torch.dtype
) -> torch.Tensor:
    """Initial parameter matrix ``(len(counts), width)``: ``uniform`` in [-scale*pi, scale*pi),
    ``normal`` with std ``scale``, or ``zeros``; padding columns are zero."""
    shape = (len(counts), width)
    if init == "uniform":
        p = (torch.rand(shape, generator=generator, dtype=torch.float64) * 2 - 1) * math.pi * scale
    elif init == "normal":
        p = torch.randn(shape, generator=generator, dtype=torch.float64) * scale
    elif init == "zeros":
        p = torch.zeros(shape, dtype=torch.float64)
    else:
        raise QgenError(f"unknown init {init!r}; use 'uniform', 'normal', 'zeros' or a tensor of values")
    cols = torch.arange(width)[None, :]
    mask = cols < torch.tensor(counts)[:, None]
    return (p * mask).to(dtype)


def train(
    circuits: Sequence[CircuitLike],
    loss: LossFn,
    *,
    init: str | torch.Tensor | Sequence = "uniform",
    init_scale: float = 1.0,
    optimizer: str = "adam",
    lr: float = 0.01,
    steps: int = 100,
    target: float | None = None,
    stop: StopFn | None = None,
    tol: float = 0.0,
    patience: int | None = None,
    restarts: int = 1,
    seed: int | None = 0,
    dtype: torch.dtype = torch.complex128,
    device: str | torch.device = "cpu",
    optimizer_kwargs: dict | None = None,
    progress: Progress | None = None,
    engine: str = "auto",
) -> TrainResult:
    """Optimise the parameters of many circuits at once on qgen.sim.

    Args:
        circuits: circuits of one qubit count (structures may differ).
        loss: per-circuit loss ``loss(psi, rows) -> (b,)``; :mod:`qgen.sim.losses` has energy and fidelity.
        init: ``"uniform"`` / ``"normal"`` / ``"zeros"``, or initial values ``(B, P)`` / one vector each
            (then restarts after the first start from ``"uniform"``).
        init_scale: range of the random init (uniform: fraction of pi; normal: standard deviation).
        optimizer: a name in :data:`OPTIMIZERS` (adam, adamw, adagrad, sgd, rmsprop).
        lr: learning rate (step size).
        steps: step budget per circuit.
        target: a circuit stops (converged) once its loss is <= target.
        stop: a stop rule evaluated every step; True marks a circuit converged.
        tol, patience: a circuit also stops when its best loss has not improved by more than ``tol`` for
            ``patience`` steps (not counted as converged).
        restarts: independent random starts per circuit; the best is kept.
        seed: seed of the random init (same seed, same result).
        dtype, device: simulation precision and device (``"auto"`` picks CUDA when present).
        optimizer_kwargs: extra keyword arguments of the torch optimiser.
        progress: a :class:`qgen.progress.Progress` told of every step (task ``"training"``, with the
            number of circuits still training); the CLI draws it.
        engine: the simulator's executor (see :class:`qgen.sim.CompiledBatch`): ``"auto"``, ``"program"``
            or ``"torch"``.

    Returns:
        A :class:`TrainResult` (best parameters and losses per circuit).

    >>> from qgen.sim import GateList
    >>> from qgen.sim.losses import energy
    >>> from qiskit.quantum_info import SparsePauliOp
    >>> res = train([GateList(1, [("ry", [0], ["a"])])], energy(SparsePauliOp("Z")), lr=0.1, steps=200)
    >>> round(float(res.loss[0]), 3)
    -1.0
    """
    import time

    start_time = time.perf_counter()
    gatelists: list[GateList] = [as_gatelist(c) for c in circuits]
    num = len(gatelists)
    if num == 0:
        raise QgenError("train() needs at least one circuit")
    if restarts < 1:
        raise QgenError(f"restarts must be >= 1, got {restarts}")
    dev = resolve_device(device)
    real = torch.float64 if dtype == torch.complex128 else torch.float32
    counts = [g.num_parameters for g in gatelists]
    width = max(counts)
    gen = torch.Generator().manual_seed(0 if seed is None else int(seed))

    # rows of the expanded batch: circuit i, restart r -> i * restarts + r
    expanded = [g for g in gatelists for _ in range(restarts)]
    owner = torch.arange(num).repeat_interleave(restarts)
    exp_counts = [counts[i] for i in owner.tolist()]
    if isinstance(init, str):
        start = init_params(exp_counts, width, init, init_scale, gen, real)
    else:
        given = _given_init(init, counts, width, real)
        start = init_params(exp_counts, width, "uniform", init_scale, gen, real)
        start[::restarts] = given
    opt_cls = OPTIMIZERS[optimizer]

    total = num * restarts
    best_loss = torch.full((total,), math.inf, dtype=torch.float64)
    best_params = start.clone()
    steps_taken = torch.zeros(total, dtype=torch.long)
    converged = torch.zeros(total, dtype=torch.bool)
    history = torch.full((steps, total), math.nan, dtype=torch.float64)
    since_best = torch.zeros(total, dtype=torch.long)

    active = torch.arange(total)  # rows of the expanded batch still in the compiled batch
    batch = CompiledBatch([expanded[i] for i in active.tolist()], dtype, dev, engine=engine)
    param = torch.nn.Parameter(start.to(dev))
    opt = opt_cls([param], lr=lr, **(optimizer_kwargs or {}))
    running = torch.ones(total, dtype=torch.bool)  # not yet stopped

    bar = report(progress if not isinstance(progress, bool) else None)  # a bool: the old flag, drawn by none
    bar.start("training", total=steps, unit="step")
    dirty = True  # the set of live rows changed: recompute what depends on it
    for step in range(steps):
        if dirty:
            live = running[active]  # (b,) which compiled rows still train
            if not bool(live.any()):
                break
            all_live = bool(live.all())
            live_dev = live.to(dev)
            rows = owner[active].to(dev)
            dirty = False
        opt.zero_grad(set_to_none=True)
        # after compaction the remaining circuits may have fewer parameters than the matrix is wide:
        # the extra columns are padding of the dropped circuits
        psi = batch.run(param if param.shape[1] == batch.num_parameters else param[:, : batch.num_parameters])
        values = loss(psi, rows)
        if values.shape != (len(active),):
            raise QgenError(
                f"loss must return one value per circuit, shape ({len(active)},); got {tuple(values.shape)}"
            )
        (values.sum() if all_live else (values * live_dev).sum()).backward()
        with torch.no_grad():
            vals = values.detach().to(torch.float64).cpu()
            best_now = best_loss[active]
            if all_live:
                history[step, active] = vals
                steps_taken[active] += 1
                improved = vals < best_now - tol
                better = vals < best_now
            else:
                history[step, active[live]] = vals[live]
                steps_taken[active[live]] += 1
                improved = live & (vals < best_now - tol)
                better = live & (vals < best_now)
            if bool(better.any()):
                best_loss[active[better]] = vals[better]
                best_params[active[better]] = param.detach()[better.to(dev)].cpu().to(best_params.dtype)
            since_best[active] = torch.where(improved, 0, since_best[active] + live.long())
            done = torch.zeros(len(active), dtype=torch.bool)
            if target is not None:
                done |= vals <= target
            if stop is not None:
                done |= stop(psi.detach(), values.detach(), rows).cpu().bool()
            done &= live
            if bool(done.any()):
                converged[active[done]] = True
                # a circuit that meets its stop rule keeps the parameters of that step (they satisfy the rule)
                best_loss[active[done]] = vals[done]
                best_params[active[done]] = param.detach()[done.to(dev)].cpu().to(best_params.dtype)
            stale = live & ~done & (since_best[active] >= patience) if patience else torch.zeros_like(done)
            finished = done | stale
            any_finished = bool(finished.any())
            freeze = None
            if any_finished or not all_live:  # stopped rows keep their parameters through the step
                freeze = ~live_dev | finished.to(dev)
                frozen = param.detach()[freeze].clone()
            if any_finished:
                running[active[finished]] = False
                dirty = True
        opt.step()
        if freeze is not None:
            with torch.no_grad():
                param.data[freeze] = frozen
        bar.advance("training", 1, circuits=f"{int(running.sum())}/{total}")
        if any_finished:
            still = running[active]
            if bool(still.any()) and still.float().mean() < 0.75:
                active, batch, param, opt = _compact(
                    active, still, expanded, param, opt, opt_cls, lr, optimizer_kwargs, dtype, dev, engine
                )
    bar.finish("training")

    # keep the best restart of each circuit: the lowest loss among restarts that converged, if any did
    per = best_loss.view(num, restarts)
    per_conv = converged.view(num, restarts)
    masked = torch.where(per_conv, per, torch.full_like(per, math.inf))
    choice = torch.where(per_conv.any(1), torch.argmin(masked, dim=1), torch.argmin(per, dim=1))
    pick = torch.arange(num) * restarts + choice
    chosen = best_params[pick]  # one gather; every circuit's parameters are a row of it
    params_out = [row[:c] for row, c in zip(chosen.unbind(0), counts, strict=True)]
    return TrainResult(
        params=params_out,
        loss=best_loss[pick],
        steps=steps_taken[pick],
        converged=converged[pick],
        history=history[:, pick],
        restart=choice,
        seconds=time.perf_counter() - start_time,
        settings={
            "optimizer": optimizer,
            "lr": lr,
            "steps": steps,
            "target": target,
            "restarts": restarts,
            "seed": seed,
            "init": init if isinstance(init, str) else "given",
            "dtype": str(dtype),
        },
    )


def _given_init(init, counts: Sequence[int], width: int, real: torch.dtype) -> torch.Tensor:
    if isinstance(init, torch.Tensor) and init.dim() == 2:
        if init.shape != (len(counts), width):
            raise QgenError(f"init must have shape {(len(counts), width)}, got {tuple(init.shape)}")
        return init.detach().to(real).cpu()
    rows = list(init)
    if len(rows) != len(counts):
        raise QgenError(f"init has {len(rows)} rows for {len(counts)} circuits")
    out = np.zeros((len(counts), width))
    for i, (r, c) in enumerate(zip(rows, counts, strict=True)):
        r = np.asarray(r.detach().cpu() if isinstance(r, torch.Tensor) else r, dtype=np.float64).reshape(-1)
        if r.size != c:
            raise QgenError(f"init row {i} has {r.size} values for a circuit with {c} parameters")
        out[i, :c] = r
    return torch.from_numpy(out).to(real)


def _compact(active, still, expanded, param, opt, opt_cls, lr, optimizer_kwargs, dtype, dev, engine):
    """Drop stopped circuits from the compiled batch, carrying the optimiser state of the others."""
    keep = still.nonzero().flatten()
    new_active = active[keep]
    batch = CompiledBatch([expanded[i] for i in new_active.tolist()], dtype, dev, engine=engine)
    keep_dev = keep.to(param.device)
    new_param = torch.nn.Parameter(param.detach()[keep_dev].clone())
    new_opt = opt_cls([new_param], lr=lr, **(optimizer_kwargs or {}))
    old_state = opt.state.get(param, {})
    state = {}
    for key, value in old_state.items():
        if isinstance(value, torch.Tensor) and value.dim() > 0 and value.shape[0] == param.shape[0]:
            state[key] = value[keep_dev].clone()
        else:
            state[key] = value.clone() if isinstance(value, torch.Tensor) else value
    if state:
        new_opt.state[new_param] = state
    return new_active, batch, new_param, new_opt
