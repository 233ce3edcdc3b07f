"""``qgen train llm``, ``qgen generate llm`` and ``qgen eval llm``: command functions the app attaches.

Registered in ``qgen/cli/app.py``: ``train.app.command("llm")(llm.train_llm_cmd)``,
``generate.app.command("llm")(llm.generate_llm_cmd)`` and ``evaluate.app.command("llm")(llm.eval_llm_cmd)``.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import typer
from rich.table import Table

from qgen.cli._common import console, err_console, handle_errors, print_json
from qgen.cli.progress import RichProgress


@handle_errors
def train_llm_cmd(
    base: str = typer.Option("smollm2-135m", "--base", help="Base model name, local folder or HF id."),
    data: Path = typer.Option(..., "--data", help="Optimisation dataset folder (its train split)."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder: checkpoints/, model/, train.json."),
    lora: bool = typer.Option(False, "--lora/--full", help="LoRA adapters (peft) or full fine-tuning."),
    lora_r: int = typer.Option(16, "--lora-r", help="LoRA rank."),
    epochs: float = typer.Option(3.0, "--epochs", help="Epochs over the train split."),
    max_steps: int = typer.Option(-1, "--max-steps", help="Stop after this many steps (-1: epochs)."),
    lr: float = typer.Option(5e-5, "--lr", help="Peak learning rate (cosine decay)."),
    batch_size: int = typer.Option(8, "--batch-size", help="Per-device batch size."),
    grad_accum: int = typer.Option(1, "--grad-accum", help="Gradient accumulation steps."),
    max_length: int = typer.Option(2048, "--max-length", help="Tokens per example."),
    limit: int | None = typer.Option(None, "--limit", help="Only the first N training rows."),
    methods: str = typer.Option("", "--methods", help="Train on these methods only, e.g. qaoa,vqe (all)."),
    max_qubits: int | None = typer.Option(None, "--max-qubits", help="Train on rows with <= N qubits."),
    pack: bool = typer.Option(False, "--pack/--no-pack", help="Pack examples into --max-length sequences."),
    threads: int | None = typer.Option(None, "--threads", help="CPU threads (default: the free cores)."),
    form: str = typer.Option("compact", "--form", help="compact (short prompt, compact QASM) or flat."),
    save_steps: int = typer.Option(200, "--save-steps", help="Checkpoint interval (steps)."),
    seed: int = typer.Option(0, "--seed", help="Seed."),
    device: str = typer.Option("auto", "--device", help="cpu, cuda or auto."),
    resume: bool = typer.Option(True, "--resume/--no-resume", help="Continue from the last checkpoint."),
    as_json: bool = typer.Option(False, "--json", help="Print the record as JSON."),
) -> None:
    """Fine-tune an LLM on an optimisation dataset (SFT, loss on the circuit only; checkpoints, resume)."""
    from qgen.generate.llm.training import MODEL_SUBDIR, LLMTrainConfig, train_llm

    cfg = LLMTrainConfig(
        base=base,
        data=str(data),
        out=str(out),
        lora=lora,
        lora_r=lora_r,
        epochs=epochs,
        max_steps=max_steps,
        lr=lr,
        batch_size=batch_size,
        grad_accum=grad_accum,
        max_length=max_length,
        limit=limit,
        methods=tuple(m.strip() for m in methods.split(",") if m.strip()),
        max_qubits=max_qubits,
        pack=pack,
        form=form,
        threads=threads,
        save_steps=save_steps,
        seed=seed,
        device=device,
        resume=resume,
    )
    # the Trainer prints its logs on stdout
    with contextlib.redirect_stdout(sys.stderr), RichProgress(enabled=not as_json) as bar:
        rec = train_llm(cfg, progress=bar)
    if as_json:
        print_json(rec)
        return
    console.print(
        f"fine-tuned {base} on {rec['train_rows']} rows ({rec['sequences']} sequences, "
        f"{rec['train_tokens']} tokens): "
        f"{rec['steps']} steps, "
        f"loss {rec['train_loss']:.4f}, {rec['seconds']:.1f} s -> {out / MODEL_SUBDIR}"
    )


@handle_errors
def generate_llm_cmd(
    model: Path = typer.Option(
        ..., "--model", help="Fine-tuned model folder (qgen train llm --out); a base model name warns."
    ),
    problem: str = typer.Option("maxcut", "--problem", help="maxcut or weighted_maxcut."),
    graph: Path = typer.Option(..., "--graph", help="Graph file: node-link JSON or `u v [w]` lines."),
    layers: int = typer.Option(1, "--layers", "-p", help="QAOA layers asked for."),
    constrained: bool = typer.Option(True, "--constrained/--free", help="Grammar-constrained decoding."),
    max_new_tokens: int = typer.Option(2048, "--max-new-tokens", help="Token budget."),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Write the circuit to this .qasm file, angles as named inputs, values in OUT.values.json.",
    ),
    bound: bool = typer.Option(
        False, "--bound", help="With --out: write the program exactly as generated (numbers, no values file)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed."),
    device: str = typer.Option("auto", "--device", help="cpu, cuda or auto."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Write a QAOA circuit for a graph problem with a fine-tuned LLM, then simulate and score it."""
    from qgen.generate.io import write_text
    from qgen.generate.llm.generation import GenerationSettings, generate_for_graph

    settings = GenerationSettings(
        constrained=constrained, max_new_tokens=max_new_tokens, batch_size=1, seed=seed
    )
    with contextlib.redirect_stdout(sys.stderr):
        res = generate_for_graph(model, problem, graph, layers, settings, device=device)
    if not res["fine_tuned"]:
        err_console.print(
            f"warning: {model} is a base model, not fine-tuned on circuits: expect a poor program "
            "(fine-tune first: qgen train llm --config train/llm-cpu.yaml --data DATA --out runs/llm)"
        )
    if out is not None:
        if bound or not res["valid"]:
            write_text(out, res["program"])
            if not bound:
                err_console.print(f"warning: the program does not parse; {out} holds it as generated")
        else:
            res["values_file"] = str(_write_parametrized(res["program"], out))
    if as_json:
        print_json(res)
        return
    console.print(res["program"], markup=False, highlight=False)
    if res["valid"]:
        console.print(
            f"energy <H> = {res['energy']:.4f} (ground {res['ground_energy']:.4f}); most probable "
            f"{res['most_probable']} ({'a' if res['is_ground_state'] else 'not a'} ground state)"
        )
    else:
        console.print("[red]the program does not parse:[/red] " + "; ".join(res["diagnostics"]))


def _write_parametrized(program: str, out: Path) -> Path:
    """Write ``program`` with its angles as named inputs to ``out`` and their values to OUT.values.json."""
    import json

    from qgen.circuits import dumps, load
    from qgen.circuits.parametrize import lift_parameters
    from qgen.files import atomic_write_text

    circuit, values = lift_parameters(load(program))
    values_path = out.with_suffix(".values.json")
    atomic_write_text(out, dumps(circuit, version=3))
    atomic_write_text(values_path, json.dumps(values, indent=2) + "\n")
    return values_path


@handle_errors
def eval_llm_cmd(
    model: Path = typer.Option(..., "--model", help="Fine-tuned model folder."),
    data: Path = typer.Option(..., "--data", help="Optimisation dataset folder."),
    split: str = typer.Option("test", "--split", help="Held-out split."),
    limit: int | None = typer.Option(None, "--limit", help="First N rows of the split."),
    base: str | None = typer.Option(None, "--base", help="Base model for the few-shot baseline."),
    few_shot: int = typer.Option(2, "--few-shot", help="Examples shown to the base model."),
    unconstrained: bool = typer.Option(
        True, "--unconstrained/--no-unconstrained", help="Also free decoding."
    ),
    random_draws: int = typer.Option(4, "--random-draws", help="Random parameter vectors per row."),
    batch_size: int = typer.Option(8, "--batch-size", help="Prompts per generate call."),
    out: Path | None = typer.Option(None, "--out", "-o", help="Report JSON (default MODEL/eval.json)."),
    seed: int = typer.Option(0, "--seed", help="Seed."),
    device: str = typer.Option("auto", "--device", help="cpu, cuda or auto."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Evaluate a fine-tuned LLM on the held-out split beside random parameters, the base model, the paper."""
    from qgen.generate.llm.report import EvalConfig, evaluate_llm

    cfg = EvalConfig(
        model=str(model),
        data=str(data),
        split=split,
        limit=limit,
        unconstrained=unconstrained,
        base=base,
        few_shot=few_shot,
        random_draws=random_draws,
        batch_size=batch_size,
        seed=seed,
        device=device,
    )
    with contextlib.redirect_stdout(sys.stderr), RichProgress(enabled=not as_json) as bar:
        report = evaluate_llm(cfg, out or model / "eval.json", progress=bar)
    if as_json:
        print_json(report)
        return
    console.print(report_table(report))


def _fmt(v: object) -> str:
    return "-" if v is None else (f"{v:.3f}" if isinstance(v, float) else str(v))


def report_table(report: dict) -> Table:
    """Rich table: one column per variant, random parameters and the paper's 3B model."""
    table = Table(title=f"LLM circuit generator on {report['rows']} held-out rows")
    names = list(report["variants"])
    table.add_column("metric")
    for name in [*names, "random params", "paper 3B"]:
        table.add_column(name, justify="right")
    metrics = [
        ("parse rate", "parse_rate"),
        ("most probable = ground state", "ground_rate"),
        ("KL(gen||opt) < 0.1", "kl_rate"),
        ("|E_gen - E_opt| <= 0.2", "de_rate"),
        ("mean KL (nats)", "mean_kl"),
        ("KL ratio vs random", "kl_ratio_vs_random"),
    ]
    rnd = report["random"]
    for label, key in metrics:
        cells = [_fmt(report["variants"][n].get(key)) for n in names]
        rnd_val = 1.0 if key == "parse_rate" else (1.0 if key == "kl_ratio_vs_random" else rnd.get(key))
        table.add_row(label, *cells, _fmt(rnd_val), _fmt(report["paper_3b"].get(key)))
    return table
