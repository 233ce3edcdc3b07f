"""startup_bench: wall time of the first commands a user types (median of N runs), before and after.

Each command runs in a fresh interpreter (``python -m qgen.cli.app ...``), as the ``qgen`` script does, with
the tree under test first on ``PYTHONPATH``. ``--before PATH`` times another checkout (e.g. an older
commit made with ``git worktree add /tmp/qgen-before <rev>``) in the same run, interleaved, so both see the
same load.

Usage:
    python benchmarks/startup_bench.py                         # this checkout, median of 5
    python benchmarks/startup_bench.py --before /tmp/qgen-before --out benchmarks/results/startup.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "qgen --help": ["--help"],
    "qgen validate examples/ghz.qasm": ["validate", "examples/ghz.qasm"],
    "qgen profile examples/ghz.qasm": ["profile", "examples/ghz.qasm"],
    "qgen compile --engine qiskit": [
        "compile", "examples/ghz.qasm", "--target", "generic", "--engine", "qiskit"
    ],
}
LIMIT_S = {"qgen --help": 1.0, "qgen validate examples/ghz.qasm": 1.0}


def time_once(tree: Path, args: list[str]) -> float:
    """Seconds of one run of ``qgen ARGS`` from ``tree`` (the command must exit 0)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "qgen.cli.app", *args], cwd=tree, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{tree}: qgen {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return elapsed


def main() -> None:
    """Time every command on each tree and print one table."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", type=Path, help="another checkout to time in the same run")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, default=None, help="write the figures as JSON")
    args = ap.parse_args()
    trees = {"after": ROOT} if args.before is None else {"before": args.before.resolve(), "after": ROOT}
    times: dict[str, dict[str, list[float]]] = {t: {c: [] for c in COMMANDS} for t in trees}
    for name, cmd in COMMANDS.items():
        for tree in trees.values():  # warm the file cache once per tree
            time_once(tree, cmd)
        for _ in range(args.runs):
            for label, tree in trees.items():
                times[label][name].append(time_once(tree, cmd))
    medians = {t: {c: statistics.median(v) for c, v in d.items()} for t, d in times.items()}
    load = os.getloadavg()[0]
    print(f"startup wall time, median of {args.runs} (s); {os.cpu_count()} CPUs, load {load:.1f}, "
          f"{platform.python_version()}")
    header = "command".ljust(36) + "".join(t.rjust(10) for t in trees) + "  limit"
    print(header)
    ok = True
    for name in COMMANDS:
        limit = LIMIT_S.get(name)
        passed = limit is None or medians["after"][name] <= limit
        ok &= passed
        cells = "".join(f"{medians[t][name]:10.2f}" for t in trees)
        print(name.ljust(36) + cells + (f"  <= {limit:.1f} {'ok' if passed else 'MISSED'}" if limit else ""))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        record = {"runs": args.runs, "load": load, "times": times, "median": medians}
        args.out.write_text(json.dumps(record, indent=1))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
