"""llm_bench: quality of the fine-tuned LLM circuit generator on held-out rows, beside the base model and
random parameters, with training and generation throughput.

Workload: SmolLM2-135M (``smollm2-135m``) fine-tuned on the train split of an optimisation dataset (compact
form: ``qasm3_compact`` answers to ``prompt_compact`` prompts), then evaluated on rows of the ``test`` split
(held-out instances the training never reads), filtered like the training rows (QAOA and VQE, <= 8 qubits).

Figures (``benchmarks/results/llm_bench.json``), for the fine-tuned model, the base model (few-shot) and
random parameters on the row's circuit structure:
- ``parse_rate``: constrained decoding (``parse_rate_unconstrained``: free decoding);
- ``kl_ratio``: mean KL(p_gen || p_opt) / mean KL of random parameters (lower is better; random = 1);
- ``de_share``: share of rows with |E_gen - E_opt| <= 0.2;
- ``seconds_per_circuit``: generation wall time per held-out row (constrained, compact form).
Published comparison: Agent-Q's fine-tuned Qwen2.5-3B, KL ratio 0.64-0.70 and |dE| <= 0.2 on 19.5-21.7 % of
200 held-out rows (Jern et al. 2025, arXiv:2504.11109).

Usage:
    python benchmarks/llm_bench.py --data data/opt-cpu --model runs/llm-cpu  # CPU (trains if no model)
    python benchmarks/llm_bench.py --quick                                    # tiny smoke run (tests)
    python benchmarks/llm_bench.py --gpu [--form flat]                        # full-size recipe on one GPU
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from qgen.generate.io import versions, write_json
from qgen.generate.llm.report import EvalConfig, evaluate_llm
from qgen.generate.llm.training import LLMTrainConfig, train_llm
from qgen.progress import NullProgress
from qgen.sim.device import configure_threads, resolve_device

#: the CPU recipe (train/llm-cpu.yaml) and the full-size GPU recipe
CPU = {"epochs": 1.0, "batch_size": 1, "grad_accum": 8, "lr": 3e-4, "max_length": 1024, "pack": True}
GPU = {"epochs": 3.0, "batch_size": 8, "grad_accum": 1, "lr": 1e-4, "max_length": 4096, "pack": True}


def _ensure_data(path: Path, size: int, max_qubits: int, methods: str, seed: int, steps: int | None) -> float:
    from qgen.datasets import OptimizationConfig, build_optimization
    from qgen.datasets.optimization import config_from_options

    if (path / "build.json").exists():
        return 0.0
    cfg = config_from_options({"size": size, "max_qubits": max_qubits, "methods": methods, "seed": seed,
                               "steps": steps})
    assert isinstance(cfg, OptimizationConfig)
    start = time.perf_counter()
    build_optimization(str(path), cfg)
    return time.perf_counter() - start


def _figures(ev: dict) -> dict:
    """The headline figures of an ``evaluate_llm`` report: fine-tuned, base model, random parameters."""
    v = ev["variants"]
    con, free = v.get("fine-tuned, constrained", {}), v.get("fine-tuned, unconstrained", {})
    base = next((m for name, m in v.items() if name.startswith("base")), {})
    rnd = ev["random"]
    return {
        "parse_rate": con.get("parse_rate"),
        "parse_rate_unconstrained": free.get("parse_rate"),
        "kl_ratio": con.get("kl_ratio_vs_random"),
        "kl_ratio_unconstrained": free.get("kl_ratio_vs_random"),
        "de_share": con.get("de_rate"),
        "de_share_unconstrained": free.get("de_rate"),
        "ground_share": con.get("ground_rate"),
        "seconds_per_circuit": con["generation_seconds"] / ev["rows"] if con else None,
        "base_model": {
            "parse_rate": base.get("parse_rate"),
            "kl_ratio": base.get("kl_ratio_vs_random"),
            "de_share": base.get("de_rate"),
            "ground_share": base.get("ground_rate"),
        },
        "random_parameters": {
            "parse_rate": 1.0,
            "kl_ratio": 1.0,
            "de_share": rnd.get("de_rate"),
            "ground_share": rnd.get("ground_rate"),
        },
        "paper_qwen2.5_3b": {"kl_ratio": [0.64, 0.70], "de_share": [0.195, 0.217], "rows": 200},
    }


def main() -> None:
    """Train (unless the model exists), evaluate on held-out rows and write the JSON report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: 16 rows, 2 steps, 2 test rows")
    ap.add_argument("--gpu", action="store_true", help="full-size recipe on one GPU (3,400 rows, bf16)")
    ap.add_argument("--form", default="compact", choices=["compact", "flat"], help="SFT target form")
    ap.add_argument("--base", default="smollm2-135m")
    ap.add_argument("--data", default=None, help="dataset folder (built if missing)")
    ap.add_argument("--model", default=None, help="fine-tuned run folder (trained if it has no model/)")
    ap.add_argument("--size", type=int, default=2600, help="rows to build when --data is missing")
    ap.add_argument("--max-qubits", type=int, default=8)
    ap.add_argument("--methods", default="qaoa,vqe")
    ap.add_argument("--eval-limit", type=int, default=100, help="held-out rows (paper: 200)")
    ap.add_argument("--few-shot", type=int, default=1, help="examples shown to the base model")
    ap.add_argument("--batch-size", type=int, default=8, help="prompts per generate call")
    ap.add_argument("--max-new-tokens", type=int, default=1536)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="benchmarks/results/llm_bench.json")
    args = ap.parse_args()
    recipe = dict(GPU if args.gpu else CPU)
    steps = None
    if args.gpu:
        args.size = 3400
    if args.quick:
        args.size, args.max_qubits, args.eval_limit, args.few_shot = 16, 3, 2, 1
        args.max_new_tokens, steps = 160, 20
        recipe.update(max_steps=2, grad_accum=1, max_length=512)  # 2 steps of one row each
    device = str(resolve_device("cuda" if args.gpu else ("cpu" if not torch.cuda.is_available() else "auto")))
    threads = configure_threads(args.threads) if device == "cpu" else None
    tag = "quick" if args.quick else ("gpu" if args.gpu else "cpu")
    data = Path(args.data or f"data/llm-bench-{tag}-{args.size}-q{args.max_qubits}")
    build_s = _ensure_data(data, args.size, args.max_qubits, args.methods, args.seed, steps)
    run_dir = Path(args.model or f"runs/llm-bench-{tag}-{args.form}")
    methods = tuple(m for m in args.methods.split(",") if m)
    rec = None
    if args.quick or not (run_dir / "model" / "config.json").exists():
        rec = train_llm(
            LLMTrainConfig(
                base=args.base, data=str(data), out=str(run_dir), form=args.form, methods=methods,
                max_qubits=args.max_qubits, seed=args.seed, device=device, threads=threads,
                save_steps=200, resume=not args.quick, **recipe,
            ),
            progress=NullProgress(),
        )
    else:
        rec = json.loads((run_dir / "train.json").read_text()) if (run_dir / "train.json").exists() else None
    ev = evaluate_llm(
        EvalConfig(
            model=str(run_dir), data=str(data), limit=args.eval_limit, base=args.base, few_shot=args.few_shot,
            max_new_tokens=args.max_new_tokens, batch_size=args.batch_size, seed=args.seed, device=device,
            methods=methods, max_qubits=args.max_qubits, random_draws=4,
        ),
        out=run_dir / "eval.json",
    )
    result = {
        **_figures(ev),
        "quick": bool(args.quick),
        "gpu": bool(args.gpu),
        "form": args.form,
        "held_out_rows": ev["rows"],
        "split": "test",
        "machine": {
            "device": device, "platform": platform.platform(), "cpu_threads": threads,
            "gpu": torch.cuda.get_device_name(0) if device.startswith("cuda") else None,
        },
        "args": vars(args),
        "data": str(data),
        "dataset_build_seconds": build_s,
        "train": rec,
        "train_tokens_per_s": rec.get("tokens_per_second") if rec else None,
        "eval": ev,
        "versions": versions(),
    }
    write_json(args.out, result)
    print(f"{device}; held-out rows {ev['rows']} (test split); model {run_dir}")
    for who, f in (("fine-tuned", result), ("base model", result["base_model"]),
                   ("random params", result["random_parameters"])):
        print(f"{who:<14} parse {f['parse_rate']}  KL ratio {f['kl_ratio']}  |dE|<=0.2 {f['de_share']}")
    spc = result["seconds_per_circuit"]
    print(f"free decoding parse {result['parse_rate_unconstrained']}; {spc} s/circuit")
    print("paper Qwen2.5-3B: KL ratio 0.64-0.70, |dE|<=0.2 on 19.5-21.7 %")
    print(json.dumps({"written": args.out}))


if __name__ == "__main__":
    main()
