"""ketgpt_bench: KetGPT-style generation, qgen against the paper's procedure and published figures.

What is measured, on one trained model (``qgen train ketgpt``) and the algorithm corpus it was trained on:

- seconds per generated circuit: qgen's batched, grammar-constrained sampling (top-k 2, qgen's default;
  ``--top-k 5`` is the paper's setting) next to (a) the same model sampled unconstrained in the same
  batches (the constraint's cost) and (b) the paper's procedure measured in the same run: one circuit per
  ``generate`` call, unconstrained (KetGPT's notebook sampled circuits one by one; on a subset); plus the
  paper's published 8.8 s/circuit. On a GPU (``--device cuda``) the CPU figures are taken too when
  ``--cpu-too`` is given.
- validity: share of samples that parse (``qgen.circuits.load``) and simulate, constrained and not
  (the paper did not report it);
- realism: held-out accuracy of qgen's real-vs-random classifier (paper: DistilBERT 98.2%) and the share of
  generated circuits judged real (paper: 99.9%);
- novelty (share not copies of training circuits) and structural profile distances.

Usage:
    python benchmarks/ketgpt_bench.py --model runs/ketgpt/small --corpus data/ketgpt-corpus       # 1,000
    python benchmarks/ketgpt_bench.py --quick --model runs/ketgpt/small --corpus data/ketgpt-corpus
    python benchmarks/ketgpt_bench.py --quick       # builds a small corpus, trains a tiny model first

Results: ``benchmarks/results/ketgpt_bench.json`` (settings, seed, versions, every figure).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import torch

from qgen.generate.ketgpt.defaults import DEFAULT_TOP_K
from qgen.generate.ketgpt.evaluate import evaluate_ketgpt
from qgen.generate.ketgpt.mqt import mqt_corpus, write_rows
from qgen.generate.ketgpt.sampling import load_model, sample
from qgen.generate.ketgpt.validity import check_programs

PAPER = {
    "seconds_per_circuit": 8.818,  # 1,000 circuits in 8,818 s (Apak et al. 2024, arXiv:2402.13352)
    "plain_generate_h100": 0.041,  # unconstrained batched generate of a model this size on an H100
    "classifier_accuracy": 0.982,
    "judged_real": 0.999,
    "validity": None,  # not reported
    "novelty": None,  # not reported
}


def _prepare(args) -> tuple[Path, Path]:
    """Corpus and model paths; with --quick and no model, build a small corpus and train a tiny model."""
    results = Path(args.out).parent
    corpus = Path(args.corpus) if args.corpus else results / "ketgpt_corpus"
    if not corpus.exists():
        print(f"building a corpus with MQT Bench -> {corpus}")
        families = ["ghz", "qft", "wstate", "graphstate", "dj", "bv"]  # --quick: 6 families, 2-6 qubits
        sizes = range(2, 7) if args.quick else range(2, 13)
        write_rows(mqt_corpus(None if not args.quick else families, sizes=sizes, seed=args.seed), corpus)
    model = Path(args.model) if args.model else results / "ketgpt_model"
    if not (model / "ketgpt.json").exists():
        from qgen.generate.ketgpt.training import train_ketgpt

        print(f"training a {'tiny' if args.quick else 'small'} model -> {model}")
        train_ketgpt(
            corpus,
            model,
            config="tiny" if args.quick else "small",
            epochs=1 if args.quick else 3,
            batch_size=8,
            learning_rate=3e-3 if args.quick else 1e-3,
            seed=args.seed,
            device=args.device,
        )
    return corpus, model


def _timed_sample(loaded, n: int, constrained: bool, args, batch_size: int) -> tuple[object, dict]:
    res = sample(
        loaded,
        n,
        constrained=constrained,
        batch_size=batch_size,
        top_k=args.top_k,
        temperature=args.temperature,
        cancel_free=not args.allow_cancel,
        seed=args.seed,
        device=args.device,
    )
    tokens = sum(s.num_tokens or len(s.words) for s in res.samples)
    return res, {
        "circuits": n,
        "batch_size": batch_size,
        "seconds": res.seconds,
        "seconds_per_circuit": res.seconds_per_circuit,
        "tokens": tokens,
        "ms_per_token": 1000 * res.seconds / max(tokens, 1),
        "grammar_valid": res.valid_fraction,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: train one into benchmarks/results)")
    parser.add_argument("--corpus", help="real/random corpus folder (default: build one)")
    parser.add_argument("-n", type=int, default=1000, help="circuits per mode (acceptance: 1,000)")
    parser.add_argument("--n-raw", type=int, default=None, help="unconstrained circuits (default: -n)")
    parser.add_argument(
        "--top-k", type=int, default=DEFAULT_TOP_K, help=f"top-k (default {DEFAULT_TOP_K}, qgen's; paper: 5)"
    )
    parser.add_argument("--temperature", type=float, default=1.0, help="sampling temperature (default 1)")
    parser.add_argument(
        "--allow-cancel", action="store_true", help="constrained mode without the no-undo rule (ablation)"
    )
    parser.add_argument("--anchor", type=int, default=20, help="circuits sampled one at a time (paper's way)")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--cpu-too", action="store_true", help="on a GPU, also time the CPU")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 20 circuits, anchor on 2, tiny model (1 epoch)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="benchmarks/results/ketgpt_bench.json")
    args = parser.parse_args()
    if args.quick:
        args.n, args.anchor = min(args.n, 20), min(args.anchor, 2)
    torch.set_num_threads(args.threads)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    corpus, model_dir = _prepare(args)
    loaded = load_model(model_dir, args.device)
    device = str(next(loaded[0].parameters()).device)
    print(f"model {model_dir} ({loaded[2]['config']}, {loaded[2]['parameters']:,} parameters) on {device}")

    timings = {}
    con, timings["constrained"] = _timed_sample(loaded, args.n, True, args, args.batch_size)
    raw, timings["unconstrained"] = _timed_sample(loaded, args.n_raw or args.n, False, args, args.batch_size)
    _, timings["anchor_one_at_a_time"] = _timed_sample(loaded, args.anchor, False, args, 1)
    if args.cpu_too and device != "cpu":
        cpu = load_model(model_dir, "cpu")
        args_cpu = argparse.Namespace(**{**vars(args), "device": "cpu"})
        _, timings["constrained_cpu"] = _timed_sample(cpu, min(args.n, 200), True, args_cpu, args.batch_size)
    raw_checks = check_programs([s.qasm for s in raw.samples])
    raw_valid = sum(c.simulated for c in raw_checks) / len(raw_checks)

    t0 = time.perf_counter()
    ev = evaluate_ketgpt(
        con, corpus, model_dir=model_dir, out=Path(args.out).parent / "ketgpt_eval", seed=args.seed,
        plots=not args.quick,
    )  # fmt: skip
    eval_seconds = time.perf_counter() - t0
    rep = ev.report
    s_con = timings["constrained"]["seconds_per_circuit"]
    s_raw = timings["unconstrained"]["seconds_per_circuit"]
    s_one = timings["anchor_one_at_a_time"]["seconds_per_circuit"]
    g = rep["structure"]["generated_vs_real"]
    rnd = rep["structure"]["random_vs_real"]
    paper_s = PAPER["seconds_per_circuit"]
    w1 = lambda d, m: d[m]["w1_over_std"]  # noqa: E731
    rows = [
        ("s / circuit, constrained batched", s_con, paper_s, paper_s / s_con),
        ("s / circuit, unconstrained batched", s_raw, None, None),
        ("s / circuit, one at a time (paper's way)", s_one, paper_s, s_one / s_con),
        ("ms / token constrained / unconstrained", timings["constrained"]["ms_per_token"],
         timings["unconstrained"]["ms_per_token"],
         timings["constrained"]["ms_per_token"] / timings["unconstrained"]["ms_per_token"]),
        ("parse + simulate, constrained", rep["validity"]["rate"], None, None),
        ("parse + simulate, unconstrained", raw_valid, None, None),
        ("classifier held-out accuracy", rep["realism"]["heldout_accuracy"], PAPER["classifier_accuracy"],
         None),
        ("judged real", rep["realism"]["judged_real"], PAPER["judged_real"], None),
        ("novel", rep["novelty"]["novel"], None, None),
        ("gate-type TV generated (random)", g["gate_types_tv"], rnd["gate_types_tv"], None),
        ("W1/std depth generated (random)", w1(g, "depth"), w1(rnd, "depth"), None),
        ("W1/std 2q fraction generated (random)", w1(g, "two_qubit_fraction"),
         w1(rnd, "two_qubit_fraction"), None),
        ("W1/std density generated (random)", w1(g, "density"), w1(rnd, "density"), None),
    ]  # fmt: skip
    print(f"\n{'figure':44s} {'qgen':>10s} {'anchor':>10s} {'ratio':>9s}")
    for name, ours, anchor, ratio in rows:
        fmt = lambda x: "-" if x is None else f"{x:10.4f}"  # noqa: E731
        print(f"{name:44s} {fmt(ours)} {fmt(anchor)} {'-' if ratio is None else f'{ratio:8.1f}x'}")
    print(
        "anchor column: the paper's published figure, except 'one at a time' (measured here; ratio = its "
        "time / qgen's), 'ms / token' (ratio = constraint overhead) and the structure rows (random "
        "counterparts)."
    )
    if device == "cpu":
        print(
            "no GPU: speed figures are CPU figures (torch threads =", args.threads, "), load", os.getloadavg()
        )
    result = {
        "settings": vars(args),
        "model": {
            k: loaded[2].get(k) for k in ("config", "shape", "parameters", "settings", "data", "seconds")
        },
        "device": device,
        "timings": timings,
        "unconstrained_parse_simulate": raw_valid,
        "evaluation": rep,
        "eval_seconds": eval_seconds,
        "paper": PAPER,
        "machine": {
            "cpu_count": os.cpu_count(),
            "load_average": os.getloadavg(),
            "platform": platform.platform(),
            "torch": torch.__version__,
            "gpu": torch.cuda.get_device_name() if torch.cuda.is_available() else None,
        },
    }
    tmp = Path(args.out + ".tmp")
    tmp.write_text(json.dumps(result, indent=2, default=float))
    os.replace(tmp, args.out)
    print(f"results -> {args.out}")


if __name__ == "__main__":
    main()
