"""search_models_bench: a circuit found by ``qgen search --task classifier`` vs the hardware-efficient ansatz.

For each dataset (two classes, standardised + PCA to ``--qubits`` features, angles in [0, pi]; 30 % held out
for testing, stratified, seed 0; 20 % of the samples a validation split):

1. Search: random search (``--budget`` circuits per seed, seeds 0..``--seeds``-1) over a pool of
   ``--pool-size`` circuits of the 4-qubit space of Sun et al. 2024 (arXiv:2401.11576), rewarded by
   validation accuracy after 50 Adagrad steps (the ``classifier`` task). The test split is never seen.
   Each seed's best circuit with at least one parameter is kept (RY(x_q) encoding + the found ansatz).
2. Models: :class:`qgen.models.VQClassifier` trained from random weights (seed = the search seed) on the
   training + validation samples, ``--epochs`` full-batch Adam steps, scored on the test split, for
   (a) the searched circuit, (a') the same from the search's trained values (``qgen fit --circuit``'s warm
   start), (b) the hardware-efficient ansatz of ``qgen fit`` (RY, RZ layers + CX chain) cut to the same
   parameter count, (c) the full default hardware-efficient ansatz (2 reps). Same encoding, readout and head
   for all.

Reports the median and the range over the seeds of each model's test accuracy, and how often (a) beats (b).

Usage:
    python benchmarks/search_models_bench.py              # breast_cancer, digits 0/1 and 3/5, wine 0/1
    python benchmarks/search_models_bench.py --datasets moons --qubits 2
Writes benchmarks/results/search_models_bench.json (or --out).
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
from qiskit.circuit import Parameter, QuantumCircuit

DATASETS = ("breast_cancer", "digits:0,1", "digits:3,5", "wine:0,1")


def matched_hardware_efficient(num_qubits: int, num_params: int) -> QuantumCircuit:
    """RY(x_q) encoding + qgen's hardware-efficient ansatz cut after its ``num_params``-th rotation."""
    from qgen.models.builders import build

    reps = 1
    while 2 * num_qubits * reps + num_qubits < num_params:
        reps += 1
    full = build("hardware-efficient", num_qubits, reps)
    qc = QuantumCircuit(num_qubits)
    for q in range(num_qubits):
        qc.ry(Parameter(f"x{q}"), q)
    used = 0
    for inst in full.data:
        if used == num_params:
            break
        qc.append(inst)
        used += len(inst.operation.params)
    return qc


def encoded(ansatz: QuantumCircuit) -> QuantumCircuit:
    """RY(x_q) encoding, then ``ansatz``."""
    qc = QuantumCircuit(ansatz.num_qubits)
    for q in range(ansatz.num_qubits):
        qc.ry(Parameter(f"x{q}"), q)
    return qc.compose(ansatz)


def weights_of(qc: QuantumCircuit) -> int:
    """Trainable parameters (all but the inputs ``x*``)."""
    return sum(1 for p in qc.parameters if not p.name.startswith("x"))


def test_accuracy(circuit: QuantumCircuit | str, data: dict, seed: int, epochs: int, lr: float) -> float:
    """Held-out accuracy of a VQClassifier on ``circuit`` (or a QASM file) trained on train + validation."""
    from qgen.models import VQClassifier

    x = np.concatenate([data["x_train"], data["x_val"]])
    y = np.concatenate([data["y_train"], data["y_val"]]).astype(int)
    model = VQClassifier(source=circuit, epochs=epochs, lr=lr, scaling="none", random_state=seed)
    model.fit(x, y)
    return float(model.score(data["x_test"], data["y_test"].astype(int)))


def run_dataset(name: str, classes: str | None, args, pool) -> dict:
    """Search once per seed, then train the three models per seed."""
    from qgen.search.run import search
    from qgen.search.tasks import make_task

    task = make_task("classifier", args.qubits, data=name, classes=classes, validation=0.2)
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        result = search(task, pool, None, methods=["random"], budget=args.budget, seeds=args.seeds,
                        out_dir=Path(tmp) / "search", precompute=True)  # fmt: skip
        search_seconds = time.perf_counter() - t
        rows = _train_models(name, classes, args, pool, task, result, Path(tmp))
    out = {"task": task.describe(), "search_seconds": round(search_seconds, 1), "seeds": rows}
    for label in LABELS:
        acc = np.array([r[label] for r in rows])
        out[label] = {"median": float(np.median(acc)), "min": float(acc.min()), "max": float(acc.max()),
                      "mean": float(acc.mean())}  # fmt: skip
    diff = np.array([r["searched"] - r["hea_matched"] for r in rows])
    out["searched_vs_matched"] = {"wins": int((diff > 0).sum()), "ties": int((diff == 0).sum()),
                                  "losses": int((diff < 0).sum()), "median_diff": float(np.median(diff))}
    return out


LABELS = ("searched", "searched_warm", "hea_matched", "hea_default")


def _train_models(name, classes, args, pool, task, result, tmp: Path) -> list[dict]:
    """Per seed: the best circuit of the seed's search and the three baselines, trained and tested."""
    from qgen.circuits import dump

    rows = []
    for seed, trace in enumerate(result.traces["random"]):
        order = np.argsort(-trace.rewards, kind="stable")
        best = next(i for i in order if pool.gatelist(int(trace.indices[i])).num_parameters)
        idx = int(trace.indices[best])
        gl = pool.gatelist(idx)
        searched = task.export(gl)
        k = weights_of(searched)
        # the search's trained values beside the QASM: the warm start `qgen fit --circuit` uses
        names = [p.name for p in gl.to_qiskit().parameters]
        values = dict(zip(names, result.table.trained_params(idx).tolist(), strict=True))
        warm = tmp / f"seed{seed}.qasm"
        dump(searched, warm)
        warm.with_suffix(".json").write_text(json.dumps({"values": values}))
        row = {"seed": seed, "pool_index": idx, "parameters": k,
               "validation_reward": float(trace.rewards[best])}  # fmt: skip
        models = {"searched": searched, "searched_warm": str(warm),
                  "hea_matched": matched_hardware_efficient(args.qubits, k),
                  "hea_default": encoded(_default_hea(args.qubits))}  # fmt: skip
        for label, source in models.items():
            row[label] = test_accuracy(source, task.data, seed, args.epochs, args.lr)
        rows.append(row)
        print(f"  {name} {classes or ''} seed {seed}: {k} params, validation {row['validation_reward']:.3f}; "
              + ", ".join(f"{label} {row[label]:.3f}" for label in LABELS), flush=True)
    return rows


def _default_hea(num_qubits: int) -> QuantumCircuit:
    from qgen.models.builders import build

    return build("hardware-efficient", num_qubits, 2)


def main() -> None:
    """Run the benchmark and write its JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", nargs="+", default=list(DATASETS), help="NAME or NAME:A,B (two classes)")
    ap.add_argument("--qubits", type=int, default=4)
    ap.add_argument("--pool-size", type=int, default=1000)
    ap.add_argument("--budget", type=int, default=150)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=100)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0: the free cores)")
    default_out = Path(__file__).parent / "results" / "search_models_bench.json"
    ap.add_argument("--out", type=Path, default=default_out)
    args = ap.parse_args()

    from qgen.search.pool import build_pool
    from qgen.search.tasks import default_space
    from qgen.sim.device import configure_threads

    threads = configure_threads(args.threads)
    t0 = time.perf_counter()
    pool = build_pool(default_space(args.qubits), args.pool_size, seed=0)
    report = {"settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
              "threads": threads, "machine": platform.processor() or platform.machine(), "datasets": {}}
    for name in args.datasets:
        data, _, classes = name.partition(":")
        report["datasets"][name] = run_dataset(data, classes or None, args, pool)
        r = report["datasets"][name]
        figures = ", ".join(
            f"{lb} {r[lb]['median']:.3f} [{r[lb]['min']:.3f}, {r[lb]['max']:.3f}]" for lb in LABELS
        )
        wins = r["searched_vs_matched"]
        print(f"{name}: {figures}; searched vs matched HEA: {wins['wins']} wins, {wins['ties']} ties, "
              f"{wins['losses']} losses", flush=True)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out} ({report['seconds']} s)")


if __name__ == "__main__":
    main()
