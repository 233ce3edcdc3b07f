"""``qgen synth`` (AQ* synthesis of a rotation or a unitary) and ``qgen train synthesizer`` (deep-Q)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import typer
from rich.table import Table

from qgen.cli._common import console, fail, handle_errors, print_json
from qgen.compiler.synthesis.errors import SynthesisError


def read_unitary(path: Path) -> np.ndarray:
    """Read a matrix from ``.npy``, ``.json`` (rows of numbers, ``[re, im]`` pairs, ``"a+bj"``) or text.

    Raises:
        SynthesisError: unreadable or non-numeric content.
        OSError: missing file.
    """
    if not path.is_file():
        raise SynthesisError(f"{path}: no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".npy":
            return np.asarray(np.load(path, allow_pickle=False), dtype=complex)
        if suffix == ".json":
            rows = json.loads(path.read_text())
            return np.array([[_entry(x) for x in row] for row in rows], dtype=complex)
        return np.loadtxt(path, dtype=complex, delimiter="," if suffix == ".csv" else None, ndmin=2)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise SynthesisError(f"{path}: cannot read a complex matrix ({exc})") from None


def _entry(x: object) -> complex:
    if isinstance(x, (list, tuple)) and len(x) == 2:
        return complex(float(x[0]), float(x[1]))
    if isinstance(x, str):
        return complex(x.replace(" ", "").replace("i", "j"))
    return complex(x)  # type: ignore[arg-type]


#: how the printed word reads (stated in the output and the JSON)
WORD_ORDER = "circuit order: the first gate acts first; as a matrix product the word reads right to left"


def _write_word(basis_spec, res, path: Path) -> None:
    """Write a synthesised word as an OpenQASM 3 circuit (with its global phase) to ``path``."""
    from qgen.circuits import dumps
    from qgen.files import atomic_write_text

    try:
        qc = basis_spec.to_circuit(res.gates)
    except (AttributeError, TypeError, ValueError) as exc:
        raise SynthesisError(f"--qasm: the word has a gate Qiskit cannot write ({exc})") from None
    qc.global_phase = float(res.global_phase or 0.0)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, dumps(qc, version=3))


@handle_errors
def synth_cmd(
    rz: float | None = typer.Option(None, "--rz", help="Synthesise Rz(THETA) (radians, Qiskit convention)."),
    unitary: Path | None = typer.Option(
        None, "--unitary", help="Synthesise the unitary in FILE (.npy, .json, .txt/.csv).", show_default=False
    ),
    eps: float = typer.Option(1e-2, "--eps", help="Tolerance on d = sqrt(1 - |tr(U^dag V)/2^n|^2)."),
    basis: str = typer.Option("clifford_t", "--basis", help="A registered basis: clifford_t, ht, hrc, ..."),
    model: Path | None = typer.Option(
        None, "--model", help="Deep-Q model (model.safetensors or run folder) as heuristic."
    ),
    weight: float = typer.Option(0.0, "--weight", help="Heuristic weight (0: uniform-cost, T-optimal)."),
    table_t: int = typer.Option(15, "--table-t", help="T-count of the Clifford+T normal-form table."),
    max_nodes: int = typer.Option(2_000_000, "--max-nodes", help="Search node budget."),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Search time budget in seconds."),
    fallback: str = typer.Option(
        "gridsynth", "--fallback", help="Synthesiser used if AQ* runs out of budget ('none': report failure)."
    ),
    qasm: Path | None = typer.Option(
        None, "--qasm", help="Write the word as an OpenQASM 3 circuit (gates in circuit order) to this file."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Approximate Rz(THETA) or a unitary over a gate basis with AQ*; print the word and its figures."""
    from qgen.compiler.synthesis.aqstar import AQStarSynthesizer
    from qgen.compiler.synthesis.bases import get_basis

    if (rz is None) == (unitary is None):
        raise fail("give exactly one of --rz THETA or --unitary FILE")
    basis_spec = get_basis(basis)
    synth = AQStarSynthesizer(
        basis=basis,
        model=model,
        weight=weight,
        table_t=table_t,
        max_nodes=max_nodes,
        time_limit=time_limit,
        cost=basis_spec.default_cost,
        fallback=None if fallback.lower() == "none" else fallback,
    )
    if rz is not None:
        res = synth.synthesize_rz(rz, eps)
        what = f"Rz({rz:g})"
    else:
        res = synth.synthesize_unitary(read_unitary(unitary), eps)
        what = str(unitary)
    ok = bool(res.info.get("success"))
    data = {
        "target": what,
        "basis": basis,
        "gates": list(res.gates),
        "t_count": res.t_count,
        "length": res.length,
        "distance": res.distance,
        "metric": res.info["metric"],
        "eps": eps,
        "global_phase": res.global_phase,
        "seconds": res.seconds,
        "success": ok,
        "proven_optimal": res.info.get("proven_optimal"),
        "nodes_generated": res.info.get("nodes_generated"),
        "fallback": res.info.get("fallback"),
        "order": WORD_ORDER,
    }
    if qasm is not None and res.gates:
        _write_word(basis_spec, res, qasm)
        data["qasm"] = str(qasm)
    if as_json:
        print_json(data)
    else:
        console.print(f"word ({WORD_ORDER}):", markup=False, highlight=False)
        console.print(" ".join(res.gates) if res.gates else "(empty word)", markup=False, highlight=False)
        if "qasm" in data:
            console.print(f"wrote {qasm} (OpenQASM 3, the same gate order)", markup=False, highlight=False)
        table = Table(title=f"AQ* synthesis of {what}", show_header=False)
        for key in ("t_count", "length", "distance", "eps", "global_phase", "seconds", "nodes_generated"):
            value = data[key]
            table.add_row(key.replace("_", " "), f"{value:.3g}" if isinstance(value, float) else str(value))
        table.add_row("metric", data["metric"])
        table.add_row("T-optimal", "yes (proven)" if data["proven_optimal"] else "not proven")
        console.print(table)
    if not ok:
        raise fail(res.info.get("message", f"no word within eps={eps:g}"))


@handle_errors
def synthesizer_cmd(
    out: Path = typer.Option(
        ..., "--out", help="Run folder (checkpoint, model.safetensors, config, metrics)."
    ),
    basis: str = typer.Option("clifford_t", "--basis", help="A registered basis: clifford_t, ht, hrc, ..."),
    cost: str = typer.Option("gate", "--cost", help="'gate' (1 per gate) or 't' (1 per T gate)."),
    eps: float = typer.Option(1e-2, "--eps", help="Goal tolerance of the value iteration."),
    iterations: int | None = typer.Option(2000, "--iterations", help="Total updates (resumed ones count)."),
    time_limit: float | None = typer.Option(None, "--time-limit", help="Seconds for this call."),
    hidden: int = typer.Option(256, "--hidden", help="Residual MLP width."),
    blocks: int = typer.Option(2, "--blocks", help="Residual blocks."),
    batch_size: int = typer.Option(500, "--batch-size", help="States per update."),
    max_walk: int = typer.Option(50, "--max-walk", help="Longest curriculum walk."),
    lr: float = typer.Option(1e-3, "--lr", help="Adam learning rate."),
    seed: int = typer.Option(0, "--seed", help="Seed of walks and weights."),
    device: str = typer.Option("auto", "--device", help="auto (CUDA when present), cpu or cuda."),
    checkpoint_every: int = typer.Option(500, "--checkpoint-every", help="Updates between checkpoints."),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="Continue from the folder's checkpoint."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Train the deep-Q synthesis network (DeepCubeA-style value iteration) for AQ*."""
    from qgen.cli.progress import RichProgress
    from qgen.compiler.synthesis.rl.model import DeepQConfig
    from qgen.compiler.synthesis.rl.training import train_synthesizer

    config = DeepQConfig(
        basis=basis,
        cost=cost,
        eps=eps,
        hidden=hidden,
        blocks=blocks,
        batch_size=batch_size,
        max_walk=max_walk,
        lr=lr,
        seed=seed,
    )
    with RichProgress(enabled=not as_json) as progress:
        summary = train_synthesizer(
            out,
            config,
            iterations=iterations,
            time_limit=time_limit,
            checkpoint_every=checkpoint_every,
            resume=resume,
            device=device,
            progress=progress,
        )
    if as_json:
        print_json(summary)
        return
    ev = summary.get("greedy_eval", {})
    console.print(
        f"trained {summary['updates']} updates (walk length {summary['walk_length_reached']}) "
        f"-> {summary['model']}\n"
        f"greedy success {ev.get('success_rate', float('nan')):.3f}, "
        f"mean length solved {ev.get('mean_length_solved', float('nan')):.2f} ({ev.get('metric', '')})",
        markup=False,
        highlight=False,
    )


__all__ = ["read_unitary", "synth_cmd", "synthesizer_cmd", "SynthesisError"]
