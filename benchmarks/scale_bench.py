"""scale_bench: rows per second of a dataset build with the local executor and with Ray, Ray's per-task
overhead, and a SIMULATED scaling curve for 1-64 workers.

The build is a cheap one (an architecture pool of ``--rows`` rows, ``--shard-size`` rows per task), so the
benchmark finishes in a few minutes on 2 cores. Measured on this machine:

- ``inline``: one process (``--workers 1``);
- ``local``: ``--workers`` spawned processes (started per build, as ``qgen dataset build`` does);
- ``ray cold``: a local Ray instance with ``--workers`` CPUs, first build (workers start and import qgen);
- ``ray warm``: the next build on the same instance (another seed, so no cached pool helps);
- Ray's per-task overhead: no-op tasks through ``RayExecutor.map`` (driver-side cost per task) and one
  task at a time (round-trip latency); the driver's time to write one shard.

The scaling curve is NOT measured on a cluster: it is computed from the measured per-shard time, per-task
overhead and shard write time for a build of ``--sim-rows`` rows, as
``T(W) = max(ceil(S / W) * (t_shard + latency), S * (overhead + t_write))``: workers are busy with shards
while the driver schedules tasks and writes shards one at a time. It ignores network transfer, stragglers
and node failures.

Usage:
    python benchmarks/scale_bench.py                       # 1,000 rows, 2 workers (a few minutes)
    python benchmarks/scale_bench.py --rows 5000 --workers 4 --out benchmarks/results/scale.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path


def _noop(i: int) -> int:
    return i


def _build(out: Path, cfg, executor) -> tuple[float, int, list[float]]:
    from qgen.datasets import run_build

    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    report = run_build("architectures", out, cfg, executor=executor, card_verify_sample=0)
    wall = time.perf_counter() - t0
    seconds = [json.loads(p.read_text())["seconds"] for p in sorted((out / "shards").glob("*.json"))]
    return wall, report.rows, seconds


def _write_seconds(cfg, repeats: int = 5) -> float:
    """The driver's time to write one shard (Parquet files + record), median of ``repeats``."""
    from qgen.datasets import BUILDERS
    from qgen.datasets.runner import build_shard
    from qgen.datasets.shards import write_shard

    rows, notes, _, _ = build_shard("architectures", cfg.to_dict(), 0)
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            t0 = time.perf_counter()
            write_shard(Path(tmp), BUILDERS["architectures"], 0, rows, notes, 0.0)
            times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


def _ray_overhead(executor, tasks: int) -> tuple[float, float]:
    """(driver-side seconds per task with many in flight, round-trip seconds of one task at a time)."""
    list(executor.map(_noop, [(i,) for i in range(8)]))  # warm
    t0 = time.perf_counter()
    list(executor.map(_noop, [(i,) for i in range(tasks)]))
    per_task = (time.perf_counter() - t0) / tasks
    t0 = time.perf_counter()
    for i in range(20):
        list(executor.map(_noop, [(i,)]))
    return per_task, (time.perf_counter() - t0) / 20


def simulate(rows: int, shard_size: int, t_shard: float, overhead: float, latency: float, t_write: float,
             workers=(1, 2, 4, 8, 16, 32, 64)) -> list[dict]:  # fmt: skip
    """SIMULATED rows/s for each worker count (see the module docstring for the model)."""
    shards = math.ceil(rows / shard_size)
    out = []
    base = None
    for w in workers:
        compute = math.ceil(shards / w) * (t_shard + latency)
        driver = shards * (overhead + t_write)
        total = max(compute, driver)
        rate = rows / total
        base = base or rate
        out.append({"workers": w, "seconds": round(total, 2), "rows_per_s": round(rate, 1),
                    "speedup": round(rate / base, 2), "bound": "driver" if driver > compute else "workers"})
    return out


def main() -> None:
    """Run the benchmark, print the figures and write them as JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--shard-size", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--noop-tasks", type=int, default=200)
    ap.add_argument("--sim-rows", type=int, default=100_000)
    ap.add_argument("--out", type=Path, default=Path("benchmarks/results/scale_bench.json"))
    args = ap.parse_args()

    import ray

    from qgen.executors import get_executor
    from qgen.search.architectures import ArchitectureConfig

    cfg = ArchitectureConfig(qubits=4, size=args.rows, shard_size=args.shard_size, seed=1)
    warm_cfg = ArchitectureConfig(qubits=4, size=args.rows, shard_size=args.shard_size, seed=2)
    load_start = os.getloadavg()
    tmp = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    results: dict = {"rows": args.rows, "shard_size": args.shard_size, "workers": args.workers,
                     "cpu_count": os.cpu_count()}  # fmt: skip
    try:
        measured = {}
        wall, n, _ = _build(tmp / "inline", cfg, get_executor("local", workers=1))
        measured["inline"] = {"seconds": wall, "rows": n}
        wall, n, shard_secs = _build(tmp / "local", cfg, get_executor("local", workers=args.workers))
        measured["local"] = {"seconds": wall, "rows": n}
        t0 = time.perf_counter()
        ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
        ray_init = time.perf_counter() - t0
        ex = get_executor("ray")
        wall, n, _ = _build(tmp / "ray-cold", warm_cfg, ex)
        measured["ray cold"] = {"seconds": wall, "rows": n}
        wall, n, ray_secs = _build(tmp / "ray-warm", cfg, ex)
        measured["ray warm"] = {"seconds": wall, "rows": n}
        same = all(
            (tmp / "local" / p.relative_to(tmp / "ray-warm")).read_bytes() == p.read_bytes()
            for p in (tmp / "ray-warm").glob("data/*/*.parquet")
        )
        overhead, latency = _ray_overhead(ex, args.noop_tasks)
        ray.shutdown()
        t_write = _write_seconds(cfg)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for m in measured.values():
        m["rows_per_s"] = round(m["rows"] / m["seconds"], 1)
        m["seconds"] = round(m["seconds"], 2)
    local_rate = measured["local"]["rows_per_s"]
    t_shard = sorted(shard_secs)[len(shard_secs) // 2]
    results.update(
        measured=measured,
        ray_init_seconds=round(ray_init, 2),
        ray_overhead_vs_local={k: round(1 - measured[k]["rows_per_s"] / local_rate, 3)
                               for k in ("ray cold", "ray warm")},  # fmt: skip
        ray_parquet_identical_to_local=same,
        per_shard_seconds_median=round(t_shard, 4),
        ray_task_overhead_seconds=round(overhead, 5),
        ray_task_latency_seconds=round(latency, 5),
        ray_task_overhead_share_of_shard=round((overhead + latency) / t_shard, 4),
        shard_write_seconds=round(t_write, 4),
        load_average_start=[round(x, 2) for x in load_start],
        load_average_end=[round(x, 2) for x in os.getloadavg()],
        simulated={
            "note": "SIMULATED, not measured on a cluster: computed from the measured per-shard time, Ray "
            "per-task overhead and latency, and shard write time; ignores network transfer and stragglers",
            "rows": args.sim_rows,
            "curve": simulate(args.sim_rows, args.shard_size, t_shard, overhead, latency, t_write),
        },
    )
    print(f"build of {args.rows} rows ({math.ceil(args.rows / args.shard_size)} shards), "
          f"{args.workers} workers, load average {results['load_average_start']} -> "
          f"{results['load_average_end']}")  # fmt: skip
    for name, m in measured.items():
        print(f"  {name:9s} {m['seconds']:8.2f} s  {m['rows_per_s']:8.1f} rows/s")
    print(f"  Ray vs local: overhead {100 * results['ray_overhead_vs_local']['ray warm']:.1f}% warm, "
          f"{100 * results['ray_overhead_vs_local']['ray cold']:.1f}% cold (negative: faster); "
          f"ray.init {ray_init:.1f} s; Parquet identical: {same}")
    print(f"  per shard {t_shard:.3f} s, Ray per task {1e3 * overhead:.2f} ms "
          f"(latency {1e3 * latency:.1f} ms), shard write {1e3 * t_write:.1f} ms; Ray's per-task cost is "
          f"{100 * results['ray_task_overhead_share_of_shard']:.2f}% of a shard")
    print(f"SIMULATED scaling for {args.sim_rows} rows (not measured; model in the module docstring):")
    for p in results["simulated"]["curve"]:
        print(f"  {p['workers']:3d} workers  {p['rows_per_s']:10.1f} rows/s  x{p['speedup']:<6} "
              f"({p['bound']}-bound)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(f"-> {args.out}")


if __name__ == "__main__":
    main()
