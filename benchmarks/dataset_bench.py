"""dataset_bench: optimised circuits per CPU-core-hour, qgen.datasets vs the paper's stack, same instances.

Workload: the optimisation rows of ``qgen dataset build optimization`` (QAOA p = 1..4 and VQE ansatze with
1..4 layers on random instances of every problem family, <= --max-qubits qubits). qgen builds all rows of the
plan the way the build does (instances batched per shard, ground-state stop rule, restarts). The anchor is
the stack of Jern et al. (Agent-Q, arXiv:2504.11109): PennyLane ``default.qubit``, one circuit at a
time (torch interface, backprop, the same Adam settings, the same stop rule, steps, restarts and the same
random starts budget), on an evenly spaced subset of the same rows (same instances, ansatz, layers).

Both figures are CPU-seconds of this process (``time.process_time``; torch limited to one thread), so the
ratio holds on a loaded machine; wall time is printed too. qgen's figure includes everything a build does
(instances, exact solutions, random baselines, training, export); the anchor's only the optimisation (its
instances, exact solutions and stop thresholds are prepared untimed), which favours the anchor.
Success rates (most probable bitstring is a ground state) are printed beside them: the two stacks must
solve about as many rows for the ratio to mean anything.

Usage:
    python benchmarks/dataset_bench.py            # acceptance: 300 rows <= 10 qubits, anchor on 16 of them
    python benchmarks/dataset_bench.py --quick    # 8 rows <= 4 qubits, 100 steps, anchor on 4 (seconds)
    python benchmarks/dataset_bench.py --size 1000 --anchor-rows 30 --out benchmarks/results/dataset.json
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from qgen.datasets import OptimizationConfig, TrainSettings
from qgen.datasets.ansatze import build_ansatz
from qgen.datasets.optimization import run_shard
from qgen.datasets.optimization_plan import plan
from qgen.datasets.optimize import diagonals, random_mean_energies
from qgen.datasets.problems import PROBLEMS, solve_exact
from qgen.datasets.shards import versions

PL_GATES = {
    "h": "Hadamard",
    "cx": "CNOT",
    "cz": "CZ",
    "rx": "RX",
    "ry": "RY",
    "rz": "RZ",
    "rzz": "IsingZZ",
    "crx": "CRX",
    "cry": "CRY",
    "crz": "CRZ",
}


def anchor_inputs(task, seed: int, cfg: OptimizationConfig) -> dict:
    """Instance, exact ground states, circuit and stop threshold of one row (not timed: shared setup)."""
    inst = PROBLEMS[task.problem].generate(task.size, np.random.default_rng(task.instance_seed(cfg.seed)))
    sol = solve_exact(inst.hamiltonian)
    ac = build_ansatz(task.ansatz, inst.hamiltonian, task.layers)
    rmean, _ = random_mean_energies(
        [ac.trainable], diagonals([inst.hamiltonian]), cfg.train.random_samples, seed + 1
    )
    return {
        "inst": inst,
        "ground": set(sol.ground_indices.tolist()),
        "ansatz": ac,
        "threshold": float(rmean[0]),
    }


def pennylane_optimise(prep: dict, seed: int, cfg: OptimizationConfig) -> dict:
    """Optimise one row's circuit with PennyLane default.qubit (the anchor); returns success and steps."""
    import pennylane as qml

    settings = cfg.train
    inst, ac, ground, threshold = prep["inst"], prep["ansatz"], prep["ground"], prep["threshold"]
    n = inst.num_qubits
    ops, coeffs = [], []
    for label, c in zip(inst.hamiltonian.paulis.to_labels(), inst.hamiltonian.coeffs, strict=True):
        zs = [qml.PauliZ(k) for k in range(n) if label[n - 1 - k] == "Z"]
        ops.append(qml.prod(*zs) if len(zs) > 1 else (zs[0] if zs else qml.Identity(0)))
        coeffs.append(float(c.real))
    ham = qml.dot(coeffs, ops)
    dev = qml.device("default.qubit", wires=n)
    gates = ac.trainable.ops

    @qml.qnode(dev, interface="torch", diff_method="backprop")
    def circuit(p):
        for op in gates:
            angles = [e.offset + sum(c * p[i] for i, c in e.terms) for e in op.params]
            getattr(qml, PL_GATES[op.name])(*angles, wires=list(op.qubits))
        return qml.expval(ham), qml.probs(wires=list(reversed(range(n))))

    gen = torch.Generator().manual_seed(seed)
    steps_used, success = 0, False
    for _ in range(settings.rounds * settings.restarts):
        p = (torch.rand(ac.num_parameters, generator=gen, dtype=torch.float64) * 2 - 1) * np.pi
        p.requires_grad_(True)
        opt = torch.optim.Adam([p], lr=settings.lr)
        best, since = np.inf, 0
        for _ in range(settings.steps):
            opt.zero_grad()
            energy, probs = circuit(p)
            energy.backward()
            steps_used += 1
            e = float(energy.detach())
            top = int(torch.argmax(probs))
            if top in ground and e < threshold:
                success = True
                break
            if e < best - settings.tol:
                best, since = e, 0
            else:
                since += 1
                if since >= settings.patience:
                    break
            opt.step()
        if success:
            break
    return {"success": success, "steps": steps_used}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 8 rows <= 4 qubits, 100 steps, 1 round, anchor on 4"
    )
    parser.add_argument("--size", type=int, default=300, help="rows of the plan that qgen builds")
    parser.add_argument("--max-qubits", type=int, default=10)
    parser.add_argument("--anchor-rows", type=int, default=16, help="rows PennyLane optimises (subset)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/dataset_bench.json"))
    args = parser.parse_args()
    train = TrainSettings()
    if args.quick:
        args.size, args.max_qubits, args.anchor_rows = 8, 4, 4
        train = TrainSettings(steps=100, rounds=1)  # both stacks use these settings
    torch.set_num_threads(1)
    cfg = OptimizationConfig(
        size=args.size,
        max_qubits=args.max_qubits,
        seed=args.seed,
        methods=(("qaoa", 0.5), ("vqe", 0.5)),
        train=train,
    ).resolved()
    try:
        import pennylane  # noqa: F401

        with_anchor = True
    except ImportError:
        if not args.quick:
            parser.error("the anchor needs PennyLane: pip install 'qgen[bench]' (or pennylane)")
        with_anchor = False
        print("PennyLane is not installed (pip install 'qgen[bench]'): quick run without the anchor")
    tasks = plan(cfg)

    # qgen: every shard of the plan, as `qgen dataset build` runs them
    cpu0, wall0 = time.process_time(), time.perf_counter()
    rows = []
    for shard in range(cfg.num_shards):
        rows += run_shard(cfg, shard)[0]
        print(
            f"qgen shard {shard + 1}/{cfg.num_shards}: {len(rows)} rows, "
            f"{time.process_time() - cpu0:.0f} CPU-s",
            flush=True,
        )
    qgen_cpu, qgen_wall = time.process_time() - cpu0, time.perf_counter() - wall0
    by_index = {r["index"]: r for r in rows}

    # anchor: an evenly spaced subset of the same rows, one circuit at a time
    pick = [tasks[int(i)] for i in np.linspace(0, len(tasks) - 1, args.anchor_rows).round()]
    preps = [anchor_inputs(task, args.seed * 1000 + k, cfg) for k, task in enumerate(pick) if with_anchor]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    anchor = []
    for k, task in enumerate(pick if with_anchor else []):
        anchor.append(pennylane_optimise(preps[k], args.seed * 1000 + k, cfg))
        print(
            f"pennylane {k + 1}/{len(pick)}: {task.method} {task.ansatz} p={task.layers} "
            f"{task.num_qubits}q -> {anchor[-1]}",
            flush=True,
        )
    pl_cpu, pl_wall = time.process_time() - cpu0, time.perf_counter() - wall0

    qgen_rate = len(rows) / (qgen_cpu / 3600)
    pl_rate = len(anchor) / (pl_cpu / 3600) if anchor else None
    mean = lambda values: float(np.mean(values)) if values else None  # noqa: E731
    subset_qgen = [by_index[t.index] for t in pick]
    result = {
        "metric": "optimised circuits per CPU-core-hour (process CPU time, torch 1 thread)",
        "qgen": {
            "rows": len(rows),
            "cpu_s": qgen_cpu,
            "wall_s": qgen_wall,
            "per_core_hour": qgen_rate,
            "success_rate": float(np.mean([r["success"] for r in rows])),
            "beats_random_rate": float(np.mean([r["beats_random"] for r in rows])),
            "subset_success_rate": mean([r["success"] for r in subset_qgen]),
        },
        "pennylane_default_qubit": {
            "rows": len(anchor),
            "cpu_s": pl_cpu,
            "wall_s": pl_wall,
            "per_core_hour": pl_rate,
            "subset_success_rate": mean([a["success"] for a in anchor]),
            "mean_steps": mean([a["steps"] for a in anchor]),
        },
        "ratio_qgen_over_pennylane": qgen_rate / pl_rate if pl_rate else None,
        "config": cfg.to_dict(),
        "versions": versions(),
        "machine": platform.platform(),
        "seed": args.seed,
    }
    print()
    print(f"{'stack':<28}{'rows':>6}{'CPU-s':>10}{'circuits/core-hour':>22}{'success':>10}")
    print(
        f"{'qgen (batched, all rows)':<28}{len(rows):>6}{qgen_cpu:>10.1f}{qgen_rate:>22.0f}"
        f"{result['qgen']['success_rate']:>10.2f}"
    )
    if anchor:
        print(
            f"{'  same rows as anchor':<28}{len(pick):>6}{'':>10}{'':>22}"
            f"{result['qgen']['subset_success_rate']:>10.2f}"
        )
        print(
            f"{'PennyLane default.qubit':<28}{len(pick):>6}{pl_cpu:>10.1f}{pl_rate:>22.0f}"
            f"{result['pennylane_default_qubit']['subset_success_rate']:>10.2f}"
        )
        print(f"ratio qgen / PennyLane: {result['ratio_qgen_over_pennylane']:.1f}x")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(json.dumps(result, indent=1, default=str))
    tmp.replace(args.out)
    print(f"results: {args.out}")


if __name__ == "__main__":
    main()
