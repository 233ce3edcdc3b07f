"""compile_bench: qgen ``best`` against plain Qiskit (O3) and plain pytket (default pass, level 2).

MQT Bench circuits (algorithm level, 5-30 qubits) are compiled to Quantinuum H2 (all-to-all, ZZPhase) and to
IBM Torino (133-qubit heavy-hex, CZ) by the three engines in the same run, with the same seed. For each
circuit: 2-qubit count, depth and wall time per engine; circuits of <= 12 qubits are verified (qgen.sim,
random states, up to global phase and the final permutation). Summary: geometric-mean 2-qubit counts per
engine and device, the ratio of qgen's to the better single engine, and how often ``best`` <= min(plain).

``--sweep`` adds the acceptance sweep: every circuit of <= 12 qubits compiled (engine ``best``, level 1) to
every registered target and verified.

``--qasmbench [DIR]`` compiles every QASMBench program of <= 10 qubits in DIR (default
``tests/data/qasmbench``; Li, Stein, Krishnamoorthy, Ang 2023, arXiv:2005.13018) to ``--qasmbench-target``
with the three engines, dynamic circuits (mid-circuit measurement, reset, ``if``) included: each result is
verified (random states, or Aer sampling with a total-variation bound for dynamic circuits) and ``best`` is
checked to use no more 2-qubit gates than plain Qiskit O3 and plain pytket level 2.

Usage:
    python benchmarks/compile_bench.py                       # the acceptance run (about 30 min on 2 cores)
    python benchmarks/compile_bench.py --quick               # 5 qubits only (add --families ghz qft)
    python benchmarks/compile_bench.py --sweep --resume      # continue a stopped run, then the sweep
    python benchmarks/compile_bench.py --sweep-only --out benchmarks/results/compile_sweep.json
    python benchmarks/compile_bench.py --qasmbench --out benchmarks/results/compile_qasmbench.json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
import warnings
from importlib.metadata import version
from pathlib import Path

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

DEVICES = ("quantinuum-h2", "ibm-torino")
ENGINES = (("qiskit", 3), ("tket", 2), ("best", 2))
# family -> sizes of the acceptance run (larger sizes only for families that stay cheap to compile)
FAMILIES = {
    "ghz": (5, 10, 20, 30),
    "graphstate": (5, 10, 20, 30),
    "dj": (5, 10, 20, 30),
    "wstate": (5, 10, 20, 30),
    "vqe_real_amp": (5, 10, 20, 30),
    "qaoa": (5, 10, 20),
    "qft": (5, 10, 20),
    "qftentangled": (5, 10, 20),
    "qpeexact": (5, 10, 20),
    "ae": (5, 10, 20),
    "randomcircuit": (5, 10),
}
QUICK = {name: (5,) for name in FAMILIES}  # --quick: the 5-qubit circuits (seconds per family)
SWEEP_TARGETS = (
    "quantinuum-h1",
    "quantinuum-h2",
    "ibm-torino",
    "ibm-sherbrooke",
    "google-willow",
    "generic",
    "clifford_t",
)

console = Console()


def benchmark_circuit(name: str, n: int):
    """The MQT Bench circuit ``name`` at ``n`` qubits (algorithm level, with its final measurements)."""
    from mqt.bench import BenchmarkLevel, get_benchmark

    return get_benchmark(name, BenchmarkLevel.ALG, n)


def compile_row(qc, device: str, engine: str, level: int, seed: int) -> dict:
    """Compile once and report 2-qubit count, depth, time, verdict and the winning pipeline."""
    import qgen.compiler as qc_mod

    start = time.perf_counter()
    res = qc_mod.compile(qc, target=device, engine=engine, optimization_level=level, seed=seed)
    return {
        "two_qubit_count": res.after.two_qubit_count,
        "depth": res.after.depth,
        "seconds": time.perf_counter() - start,
        "verified": None if res.verdict is None else res.verdict.equivalent,
        "pipeline": res.pipeline,
    }


def geomean(values: list[float]) -> float:
    """Geometric mean of positive numbers (0 for an empty list)."""
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else 0.0


def summarise(rows: list[dict]) -> dict:
    """Geometric means per engine (per device and overall), ratios and the per-circuit guarantee."""
    out: dict = {}
    groups = {d: [r for r in rows if r["device"] == d] for d in DEVICES}
    groups["all"] = rows
    for key, group in groups.items():
        if not group:
            continue
        geo = {e: geomean([max(1, r[e]["two_qubit_count"]) for r in group]) for e, _ in ENGINES}
        better = min(geo["qiskit"], geo["tket"])
        out[key] = {
            "circuits": len(group),
            "geomean_two_qubit": geo,
            "best_over_better_single": geo["best"] / better,
            "best_over_qiskit": geo["best"] / geo["qiskit"],
            "best_over_tket": geo["best"] / geo["tket"],
            "best_le_min_plain": sum(
                r["best"]["two_qubit_count"]
                <= min(r["qiskit"]["two_qubit_count"], r["tket"]["two_qubit_count"])
                for r in group
            ),
            "seconds": {e: sum(r[e]["seconds"] for r in group) for e, _ in ENGINES},
            "miscompiles": sum(r[e]["verified"] is False for r in group for e, _ in ENGINES),
        }
    return out


def write_json(path: Path, data: dict) -> None:
    """Write JSON atomically (temp file + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str))
    os.replace(tmp, path)


def print_table(rows: list[dict], summary: dict) -> None:
    """The per-circuit table and the geometric-mean summary."""
    table = Table(
        title="2-qubit gates (depth) [seconds]; qgen best vs plain Qiskit O3 and plain pytket level 2"
    )
    for col in ("device", "circuit", "n", "qiskit O3", "pytket", "qgen best", "best/min"):
        table.add_column(col, justify="right" if col not in ("device", "circuit") else "left")
    for r in rows:
        cells = []
        for e, _ in ENGINES:
            x = r[e]
            mark = "" if x["verified"] in (True, None) else " MISCOMPILE"
            cells.append(f"{x['two_qubit_count']} ({x['depth']}) [{x['seconds']:.1f}s]{mark}")
        low = min(r["qiskit"]["two_qubit_count"], r["tket"]["two_qubit_count"])
        ratio = r["best"]["two_qubit_count"] / max(1, low)
        table.add_row(r["device"], r["family"], str(r["n"]), *cells, f"{ratio:.3f}")
    console.print(table)
    for key, s in summary.items():
        g = s["geomean_two_qubit"]
        console.print(
            f"[bold]{key}[/]: {s['circuits']} circuits; geomean 2q: qiskit {g['qiskit']:.1f}, "
            f"tket {g['tket']:.1f}, "
            f"best {g['best']:.1f}; best / better single = {s['best_over_better_single']:.3f} "
            f"({100 * (1 - s['best_over_better_single']):.1f}% fewer); best <= min(plain) on "
            f"{s['best_le_min_plain']}/{s['circuits']}; time qiskit {s['seconds']['qiskit']:.0f}s, "
            f"tket {s['seconds']['tket']:.0f}s, best {s['seconds']['best']:.0f}s; "
            f"miscompiles {s['miscompiles']}",
            highlight=False,
        )


def markdown(rows: list[dict], summary: dict) -> str:
    """The per-circuit table and the summary as Markdown (for BENCHMARKS.md)."""
    out = [
        "| device | circuit | n | Qiskit O3 2q (depth) [s] | pytket L2 2q (depth) [s] "
        "| qgen best 2q (depth) [s] | best / min(plain) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cells = [f"{r[e]['two_qubit_count']} ({r[e]['depth']}) [{r[e]['seconds']:.1f}]" for e, _ in ENGINES]
        low = min(r["qiskit"]["two_qubit_count"], r["tket"]["two_qubit_count"])
        ratio = r["best"]["two_qubit_count"] / max(1, low)
        out.append(f"| {r['device']} | {r['family']} | {r['n']} | " + " | ".join(cells) + f" | {ratio:.3f} |")
    out += [
        "",
        "| group | circuits | geomean 2q Qiskit | pytket | best | best / better single | best <= min |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, s in summary.items():
        g = s["geomean_two_qubit"]
        out.append(
            f"| {key} | {s['circuits']} | {g['qiskit']:.2f} | {g['tket']:.2f} | {g['best']:.2f} | "
            f"{s['best_over_better_single']:.3f} | {s['best_le_min_plain']}/{s['circuits']} |"
        )
    return "\n".join(out)


def run_sweep(families: dict, seed: int, done: dict, save) -> list[dict]:
    """Compile every circuit of <= 12 qubits to every target (engine best, level 1) and verify it."""
    import qgen.compiler as qc_mod

    jobs = [(t, f, n) for t in SWEEP_TARGETS for f, sizes in families.items() for n in sizes if n <= 12]
    out = list(done.values())
    with Progress(console=console) as progress:
        task = progress.add_task("sweep", total=len(jobs))
        for t, f, n in jobs:
            key = f"{t}/{f}/{n}"
            if key not in done:
                start = time.perf_counter()
                try:
                    res = qc_mod.compile(
                        benchmark_circuit(f, n), target=t, engine="best", optimization_level=1, seed=seed
                    )
                    row = {
                        "key": key,
                        "target": t,
                        "family": f,
                        "n": n,
                        "verified": res.verdict.equivalent,
                        "two_qubit_count": res.after.two_qubit_count,
                        "pipeline": res.pipeline,
                        "metric": res.verdict.metric,
                        "value": res.verdict.value,
                    }
                except Exception as exc:  # noqa: BLE001 - a benchmark records failures and goes on
                    row = {
                        "key": key,
                        "target": t,
                        "family": f,
                        "n": n,
                        "verified": False,
                        "error": repr(exc),
                    }
                row["seconds"] = time.perf_counter() - start
                out.append(row)
                done[key] = row
                save()
            progress.advance(task)
    return out


QASMBENCH_MAX_QUBITS = 10


def run_qasmbench(folder: Path, target: str, seed: int, out: Path) -> list[dict]:
    """Compile every program of <= 10 qubits in ``folder`` with the three engines; print and save the rows."""
    import qgen
    import qgen.compiler as qc_mod
    from qgen.compiler.engines import two_qubit_count
    from qgen.compiler.rewire import is_dynamic

    rows: list[dict] = []
    for path in sorted(folder.glob("*.qasm")):
        row: dict = {"program": path.stem}
        try:
            qc = qgen.load(path)
        except Exception as exc:  # noqa: BLE001 - a benchmark records failures and goes on
            row["load_error"] = repr(exc)
            rows.append(row)
            continue
        if qc.num_qubits > QASMBENCH_MAX_QUBITS:
            continue
        row.update(n=qc.num_qubits, dynamic=is_dynamic(qc))
        for engine, level in ENGINES:
            start = time.perf_counter()
            try:
                res = qc_mod.compile(qc, target=target, engine=engine, optimization_level=level, seed=seed)
                row[engine] = {
                    "two_qubit_count": two_qubit_count(res.circuit),
                    "depth": res.after.depth,
                    "verified": None if res.verdict is None else res.verdict.equivalent,
                    "method": None if res.verdict is None else res.verdict.method,
                    "value": None if res.verdict is None else res.verdict.value,
                    "tolerance": None if res.verdict is None else res.verdict.tolerance,
                    "pipeline": res.pipeline,
                    "dropped": [c for c in res.candidates if c.get("status") == "dropped"],
                }
            except Exception as exc:  # noqa: BLE001
                row[engine] = {"error": repr(exc)}
            row[engine]["seconds"] = time.perf_counter() - start
        ok = all("error" not in row[e] for e, _ in ENGINES)
        row["best_le_min_plain"] = ok and row["best"]["two_qubit_count"] <= min(
            row["qiskit"]["two_qubit_count"], row["tket"]["two_qubit_count"]
        )
        rows.append(row)
        write_json(out, {"target": target, "seed": seed, "qasmbench": rows})
        cells = [
            row[e].get("error", f"{row[e].get('two_qubit_count')} {row[e].get('method')} "
                     f"{row[e].get('verified')} [{row[e]['seconds']:.1f}s]")
            for e, _ in ENGINES
        ]
        head = f"{path.stem} n={qc.num_qubits} dynamic={row['dynamic']}: "
        console.print(head + " | ".join(cells), highlight=False)
    compiled = [r for r in rows if "n" in r]
    good = [r for r in compiled if r["best_le_min_plain"] and r["best"].get("verified") is True]
    seconds = {e: sum(r[e]["seconds"] for r in compiled) for e, _ in ENGINES}
    console.print(
        f"qasmbench -> {target}: {len(compiled)} programs of <= {QASMBENCH_MAX_QUBITS} qubits "
        f"({sum(r['dynamic'] for r in compiled)} dynamic); best verified and <= min(qiskit O3, tket L2) on "
        f"{len(good)}; load errors {sum('load_error' in r for r in rows)}; "
        f"time qiskit {seconds['qiskit']:.0f}s, "
        f"tket {seconds['tket']:.0f}s, best {seconds['best']:.0f}s",
        highlight=False,
    )
    for r in rows:
        if "load_error" in r or not r.get("best_le_min_plain") or r["best"].get("verified") is False:
            console.print(f"  {r['program']}: {r.get('load_error') or r}", highlight=False)
    return rows


def main() -> None:
    """Parse arguments, run (or resume) the benchmark, print and save the results."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="5 qubits only")
    parser.add_argument("--families", nargs="*", help="subset of circuit families")
    parser.add_argument("--devices", nargs="*", default=list(DEVICES), choices=DEVICES)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--sweep", action="store_true", help="also compile <= 12-qubit circuits to every target"
    )
    parser.add_argument("--sweep-only", action="store_true", help="only the sweep over every target")
    parser.add_argument(
        "--markdown", action="store_true", help="print the tables of --out as Markdown and exit"
    )
    parser.add_argument("--resume", action="store_true", help="skip circuits already in --out")
    parser.add_argument("--threads", type=int, default=1, help="torch threads of the verifier (qgen.sim)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/compile_bench.json"))
    parser.add_argument(
        "--qasmbench",
        type=Path,
        nargs="?",
        const=Path("tests/data/qasmbench"),
        help="compile the QASMBench programs of <= 10 qubits in this folder (and nothing else)",
    )
    parser.add_argument("--qasmbench-target", default="quantinuum-h2")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")
    if args.qasmbench is not None:
        run_qasmbench(args.qasmbench, args.qasmbench_target, args.seed, args.out)
        return
    families = dict(QUICK if args.quick else FAMILIES)
    if args.families:
        families = {f: families[f] for f in args.families}
    config = {
        "quick": args.quick,
        "families": families,
        "devices": args.devices,
        "engines": [f"{e} level {lvl}" for e, lvl in ENGINES],
        "seed": args.seed,
        "sweep": args.sweep,
    }
    machine = {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version()}
    versions = {
        p: version(p) for p in ("qiskit", "pytket", "pytket-quantinuum", "pytket-qiskit", "mqt.bench")
    }
    if args.markdown:
        data = json.loads(args.out.read_text())
        print(markdown(data["rows"], summarise(data["rows"])))
        return
    previous = json.loads(args.out.read_text()) if args.resume and args.out.exists() else {}
    done = {r["key"]: r for r in previous.get("rows", [])}
    sweep_done = {r["key"]: r for r in previous.get("sweep", [])}
    rows: list[dict] = []
    sweep: list[dict] = []

    def save() -> None:
        write_json(
            args.out,
            {
                "config": config,
                "machine": machine,
                "versions": versions,
                "rows": rows,
                "summary": summarise(rows),
                "sweep": list(sweep_done.values()),
            },
        )

    jobs = [(d, f, n) for d in args.devices for f, sizes in families.items() for n in sizes]
    if args.sweep_only:
        jobs, args.sweep = [], True
    with Progress(console=console) as progress:
        task = progress.add_task("compile", total=len(jobs))
        for device, family, n in jobs:
            key = f"{device}/{family}/{n}"
            if key in done:
                rows.append(done[key])
            else:
                qc = benchmark_circuit(family, n)
                row = {"key": key, "device": device, "family": family, "n": n}
                for engine, level in ENGINES:
                    row[engine] = compile_row(qc, device, engine, level, args.seed)
                rows.append(row)
                save()
            progress.advance(task)
    if args.sweep:
        sweep = run_sweep(families, args.seed, sweep_done, save)
    save()
    summary = summarise(rows)
    print_table(rows, summary)
    if sweep:
        bad = [r for r in sweep if not r["verified"]]
        console.print(
            f"sweep: {len(sweep)} compilations to {len(SWEEP_TARGETS)} targets, {len(bad)} not verified"
        )
        for r in bad:
            console.print(f"  {r['key']}: {r.get('error', r.get('value'))}", highlight=False)
    console.print(f"results: {args.out}")


if __name__ == "__main__":
    main()
