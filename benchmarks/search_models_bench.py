"""search_models_bench: a circuit found by ``qgen search --task classifier`` vs the hardware-efficient ansatz.

For each dataset (two classes, standardised + PCA to ``--qubits`` features (fewer when the data has fewer),
angles in [0, pi]; 30 % held out for testing, stratified, seed 0; 20 % of the samples a validation split):

1. Search: random search (``--budget`` circuits per seed, seeds 0..``--seeds``-1) over a pool of
   ``--pool-size`` circuits of the space of Sun et al. 2024 (arXiv:2401.11576), one search per encoding
   variant of ``--variants`` (``ENCODING:UPLOADS``; the ``classifier`` task's ``encoding`` and ``uploads``
   options). Each candidate is trained as ``qgen fit`` trains a model (``--epochs`` Adam steps of ``--lr``,
   trained readout) on the training split and rewarded by its validation accuracy (ties broken by the
   validation cross-entropy). Per seed, the ``--finalists`` best circuits of each variant are
   cross-validated (``--folds`` stratified folds of the training + validation samples, the same training)
   and the best mean is kept (``--finalists 0``: the best validation reward over the variants). The test
   split is never seen by the search or the selection.
2. Models: :class:`qgen.models.VQClassifier` trained from random weights (seed = the search seed) on the
   training + validation samples, ``--epochs`` full-batch Adam steps of ``--lr``, scored on the test split,
   for (a) the searched circuit (its encoding, re-uploading and ansatz), (a') the same from the search's
   trained values (``qgen fit --circuit``'s warm start), (b) qgen fit's default circuit: RY(x_q) encoding +
   the hardware-efficient ansatz (RY, RZ layers + CX chain) cut to the searched circuit's parameter count,
   (c) the full default hardware-efficient ansatz (2 reps). Same optimiser, steps, readout and head for all.

Reports the median and the interquartile range over the seeds of each model's test accuracy, how often (a)
beats (b), the wall time and the load average.

Usage:
    python benchmarks/search_models_bench.py              # 6 datasets, 5 seeds
    python benchmarks/search_models_bench.py --datasets moons --variants ry:1 ry:2
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

DATASETS = ("breast_cancer", "digits:0,1", "digits:3,5", "wine:0,1", "iris:1,2", "moons")
VARIANTS = ("ry:1", "ry:2", "ry-zz:2")


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


def run_dataset(name: str, classes: str | None, args, pools: dict) -> dict:
    """Search once per variant (all seeds), pick each seed's variant by validation, train the models."""
    from qgen.search.run import search
    from qgen.search.tasks import make_task

    qubits = min(args.qubits, _feature_count(name))
    pool = pools.setdefault(qubits, _pool(qubits, args.pool_size))
    t = time.perf_counter()
    searches = {}
    with tempfile.TemporaryDirectory() as tmp:
        for variant in args.variants:
            encoding, _, uploads = variant.partition(":")
            task = make_task(
                "classifier", qubits, data=name, classes=classes, validation=0.2, encoding=encoding,
                uploads=int(uploads or 1), steps=args.epochs, lr=args.lr,
            )  # fmt: skip
            result = search(task, pool, None, methods=["random"], budget=args.budget, seeds=args.seeds,
                            out_dir=Path(tmp) / variant.replace(":", "_"), precompute=True)  # fmt: skip
            searches[variant] = (task, result)
        search_seconds = time.perf_counter() - t
        rows = _train_models(name, classes, args, pool, searches, Path(tmp))
    first = searches[args.variants[0]][0]
    out = {"task": first.describe(), "qubits": qubits, "search_seconds": round(search_seconds, 1),
           "seconds": round(time.perf_counter() - t, 1), "seeds": rows}  # fmt: skip
    for label in LABELS:
        acc = np.array([r[label] for r in rows])
        q1, med, q3 = np.percentile(acc, [25, 50, 75])
        out[label] = {"median": float(med), "q1": float(q1), "q3": float(q3), "min": float(acc.min()),
                      "max": float(acc.max()), "mean": float(acc.mean())}  # fmt: skip
    diff = np.array([r["searched"] - r["hea_matched"] for r in rows])
    out["searched_vs_matched"] = {"wins": int((diff > 0).sum()), "ties": int((diff == 0).sum()),
                                  "losses": int((diff < 0).sum()), "median_diff": float(np.median(diff))}
    return out


LABELS = ("searched", "searched_warm", "hea_matched", "hea_default")


def _feature_count(name: str) -> int:
    from qgen.datasets.tabular import load_data

    return int(load_data(name).X.shape[1])


def _pool(qubits: int, size: int):
    from qgen.search.pool import build_pool
    from qgen.search.tasks import default_space

    return build_pool(default_space(qubits), size, seed=0)


def _top_of_seed(pool, trace, count: int) -> list[tuple[int, float]]:
    """The seed's ``count`` best distinct circuits with at least one parameter, with validation rewards."""
    out: dict[int, float] = {}
    for i in np.argsort(-trace.rewards, kind="stable"):
        idx = int(trace.indices[i])
        if idx not in out and pool.gatelist(idx).num_parameters:
            out[idx] = float(trace.rewards[i])
            if len(out) == count:
                break
    return list(out.items())


def _pick(pool, searches: dict, seed: int, finalists: int, folds: int) -> tuple[str, int, float, dict]:
    """The seed's circuit: the best validation reward over the variants, or (``finalists`` > 0) the best
    ``folds``-fold cross-validated reward among each variant's top ``finalists`` (train + validation only)."""
    count = max(finalists, 1)
    tops = {v: _top_of_seed(pool, res.traces["random"][seed], count) for v, (_, res) in searches.items()}
    if finalists <= 0:
        variant = max(tops, key=lambda v: tops[v][0][1])  # first of equals: the variants' order
        return variant, tops[variant][0][0], tops[variant][0][1], {}
    scores = {}
    for v, top in tops.items():
        cv = searches[v][0].cross_validate(pool.gatelists([i for i, _ in top]), folds=folds, seed=seed)
        scores.update({(v, i): float(c) for (i, _), c in zip(top, cv, strict=True)})
    v, idx = max(scores, key=lambda key: scores[key])
    reward = dict(tops[v])[idx]
    return v, idx, reward, {f"{key[0]}/{key[1]}": c for key, c in scores.items()}


def _train_models(name, classes, args, pool, searches: dict, tmp: Path) -> list[dict]:
    """Per seed: the best circuit of the seed's best variant and the baselines, trained and tested."""
    from qgen.circuits import dump

    rows = []
    for seed in range(args.seeds):
        variant, idx, reward, cv = _pick(pool, searches, seed, args.finalists, args.folds)
        task, result = searches[variant]
        gl = pool.gatelist(idx)
        searched = task.export(gl)
        k = weights_of(searched)
        # the search's trained values beside the QASM: the warm start `qgen fit --circuit` uses
        values = task.named_values(gl, result.table.trained_params(idx))
        warm = tmp / f"seed{seed}.qasm"
        dump(searched, warm)
        warm.with_suffix(".json").write_text(json.dumps({"values": values}))
        row = {"seed": seed, "variant": variant, "pool_index": idx, "parameters": k,
               "validation_reward": reward, "cross_validation": cv}
        models = {"searched": searched, "searched_warm": str(warm),
                  "hea_matched": matched_hardware_efficient(task.num_qubits, k),
                  "hea_default": encoded(_default_hea(task.num_qubits))}  # fmt: skip
        for label, source in models.items():
            row[label] = test_accuracy(source, task.data, seed, args.epochs, args.lr)
        rows.append(row)
        picked = f"validation {reward:.3f}" + (f", cv {cv[f'{variant}/{idx}']:.3f}" if cv else "")
        print(f"  {name} {classes or ''} seed {seed}: {variant}, {k} params, {picked}; "
              + ", ".join(f"{label} {row[label]:.3f}" for label in LABELS), flush=True)
    return rows


def _default_hea(num_qubits: int) -> QuantumCircuit:
    from qgen.models.builders import build

    return build("hardware-efficient", num_qubits, 2)


def main() -> None:
    """Run the benchmark and write its JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datasets", nargs="+", default=list(DATASETS), help="NAME or NAME:A,B (two classes)")
    ap.add_argument("--qubits", type=int, default=4, help="features (PCA) and qubits; fewer if the data has")
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), help="ENCODING:UPLOADS searched")
    ap.add_argument("--pool-size", type=int, default=500)
    ap.add_argument("--budget", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--finalists", type=int, default=5, help="per variant, cross-validate the top N (0: off)")
    ap.add_argument("--folds", type=int, default=5, help="folds of the finalists' cross-validation")
    ap.add_argument("--epochs", type=int, default=100, help="Adam steps of the search and of the models")
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (0: the free cores)")
    default_out = Path(__file__).parent / "results" / "search_models_bench.json"
    ap.add_argument("--out", type=Path, default=default_out)
    args = ap.parse_args()

    from qgen.sim.device import configure_threads

    threads = configure_threads(args.threads)
    t0 = time.perf_counter()
    report = {"settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
              "threads": threads, "machine": platform.processor() or platform.machine(),
              "load_before": _load(), "datasets": {}}  # fmt: skip
    pools: dict = {}
    for name in args.datasets:
        data, _, classes = name.partition(":")
        report["datasets"][name] = run_dataset(data, classes or None, args, pools)
        r = report["datasets"][name]
        r["load_after"] = _load()
        figures = ", ".join(
            f"{lb} {r[lb]['median']:.3f} [{r[lb]['q1']:.3f}, {r[lb]['q3']:.3f}]" for lb in LABELS
        )
        wins = r["searched_vs_matched"]
        print(f"{name}: {figures}; searched vs matched HEA: {wins['wins']} wins, {wins['ties']} ties, "
              f"{wins['losses']} losses ({r['seconds']} s, load {r['load_after']})", flush=True)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    report["load_after"] = _load()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out} ({report['seconds']} s)")


def _load() -> list[float]:
    """The 1, 5 and 15 minute load averages (``uptime``)."""
    import os

    return [round(v, 2) for v in os.getloadavg()]


if __name__ == "__main__":
    main()
