"""Fuzz and speed benchmark of qgen's OpenQASM front end.

1. Speed: ``validate`` + ``load`` of a 100,000-statement OpenQASM 2 program, beside Qiskit's own
   ``qiskit.qasm2.loads`` in the same run.
2. Fuzzing: ``--mutants`` seeded mutants of examples/*.qasm and tests/data/qasmbench/*.qasm, each checked
   (tests/qasm_fuzz.py: only QgenErrors, validate <=> load, dumps(version=3) round trip) in a worker
   process under a time limit, so an abort or a hang is counted, not fatal.

    PYTHONPATH=. python benchmarks/fuzz_bench.py --mutants 20000 --workers 2 --timeout 10

A case is reproduced from its seed and index: ``--case 262 --seed 11 --dump /tmp/cases`` writes mutant 262
of seed 11 to ``/tmp/cases/seed11_case262.qasm`` and checks it alone, with its time (``--case`` may be
repeated; the mutants come out the same whatever ``--mutants`` is).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))


def speed(statements: int = 100_000) -> dict[str, float]:
    """Seconds for qgen's validate, qgen's load, and qiskit.qasm2.loads on one large program."""
    import qiskit.qasm2

    from qgen.circuits import load, validate

    pairs = range(statements // 2)
    body = "".join(f"rz(0.{i}) q[{i % 10}];\ncx q[{i % 10}],q[{(i + 1) % 10}];\n" for i in pairs)
    text = 'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[10];\n' + body
    times = {}
    for name, func in (
        ("qiskit.qasm2.loads", lambda: qiskit.qasm2.loads(text)),
        ("qgen.validate", lambda: validate(text)),
        ("qgen.load after validate", lambda: load(text)),  # qgen keeps the last large program checked
        ("qgen.load (validates)", lambda: load(text + "\n")),  # another text: checked afresh
    ):
        start = time.perf_counter()
        func()
        times[name] = time.perf_counter() - start
    return times


def _worker(conn) -> None:
    from qasm_fuzz import check

    while True:
        text = conn.recv()
        if text is None:
            return
        try:
            conn.send(("ok", check(text)))
        except AssertionError as exc:
            conn.send(("property", str(exc)[:300]))
        except BaseException as exc:  # noqa: BLE001 - any other exception is what the fuzzer looks for
            conn.send(("exception", f"{type(exc).__name__}: {str(exc)[:300]}"))


class _Slot:
    """One worker process and its pipe; restarted after an abort or a hang."""

    def __init__(self) -> None:
        self.conn, child = mp.Pipe()
        self.proc = mp.get_context("fork").Process(target=_worker, args=(child,), daemon=True)
        self.proc.start()

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join()


def fuzz(
    count: int, seed: int, workers: int, timeout: float, slow: float | None = None
) -> tuple[Counter, list[str], tuple[float, int]]:
    """Run ``count`` mutants; outcome counts, every failure (and case slower than ``slow`` s), the slowest
    finished case as (seconds, index)."""
    from qasm_fuzz import mutants

    cases = mutants(seed, count)
    counts: Counter = Counter()
    samples: list[str] = []
    slots = [_Slot() for _ in range(workers)]
    busy: dict[int, tuple[int, float]] = {}
    slowest, next_case, begin = (0.0, -1), 0, time.perf_counter()
    while next_case < len(cases) or busy:
        for k, slot in enumerate(slots):
            if k not in busy and next_case < len(cases):
                slot.conn.send(cases[next_case])
                busy[k] = (next_case, time.perf_counter())
                next_case += 1
        ready = mp.connection.wait([slots[k].conn for k in busy], timeout=0.2)
        now = time.perf_counter()
        for k in list(busy):
            case, started = busy[k]
            slot = slots[k]
            if slot.conn in ready:
                try:
                    status, detail = slot.conn.recv()
                except EOFError:
                    status, detail = "abort", f"worker died (exit code {slot.proc.exitcode})"
                    slot.kill()
                    slots[k] = _Slot()
                slowest = max(slowest, (now - started, case))
                if slow is not None and now - started > slow:
                    samples.append(f"case {case}: slow: {now - started:.1f} s")
                    print("  " + samples[-1], flush=True)
            elif now - started > timeout:
                status, detail = "hang", f"over {timeout} s"
                slot.kill()
                slots[k] = _Slot()
            else:
                continue
            del busy[k]
            counts[detail if status == "ok" else status] += 1
            if status != "ok":
                samples.append(f"case {case}: {status}: {detail}")
                print("  " + samples[-1], flush=True)
            done = sum(counts.values())
            if done % 1000 == 0:
                print(f"  ... {done} cases, {time.perf_counter() - begin:.0f} s", flush=True)
    for slot in slots:
        slot.conn.send(None)
    return counts, samples, slowest


def run_cases(indexes: list[int], seed: int, dump: Path | None) -> None:
    """Write (with ``dump``) and check single cases of a seed, printing each outcome and its time."""
    from qasm_fuzz import check, mutants

    cases = mutants(seed, max(indexes) + 1)
    for index in indexes:
        text = cases[index]
        if dump is not None:
            dump.mkdir(parents=True, exist_ok=True)
            path = dump / f"seed{seed}_case{index}.qasm"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            print(f"case {index}: wrote {path} ({len(text.encode('utf-8', 'surrogatepass'))} bytes)")
        start = time.perf_counter()
        try:
            outcome = check(text)
        except AssertionError as exc:
            outcome = f"property: {exc}"
        except BaseException as exc:  # noqa: BLE001 - report whatever escaped
            outcome = f"exception: {type(exc).__name__}: {str(exc)[:300]}"
        print(f"case {index}: {outcome} in {time.perf_counter() - start:.2f} s")


def main() -> None:
    """Print the speed comparison and the fuzzing counts."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mutants", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=10.0)
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--case", type=int, action="append", help="check only this case index (repeatable)")
    ap.add_argument("--dump", type=Path, help="with --case: write each case's program to this folder")
    ap.add_argument("--list-slow", type=float, metavar="S", help="print every case slower than S seconds")
    args = ap.parse_args()
    if args.case:
        run_cases(args.case, args.seed, args.dump)
        return
    if not args.skip_speed:
        for name, seconds in speed().items():
            print(f"100,000-statement OpenQASM 2 program: {name:24s} {seconds:6.2f} s")
    start = time.perf_counter()
    counts, samples, slowest = fuzz(args.mutants, args.seed, args.workers, args.timeout, args.list_slow)
    wall = time.perf_counter() - start
    print(f"{args.mutants} mutants (seed {args.seed}) in {wall:.0f} s with {args.workers} workers")
    for key in ("valid", "invalid", "property", "exception", "abort", "hang"):
        print(f"  {key:10s} {counts.get(key, 0)}")
    print(f"  slowest finished case: {slowest[0]:.1f} s (case {slowest[1]})")
    if samples:
        print("  failures and slow cases:")
    for line in samples:
        print("  " + line)


if __name__ == "__main__":
    main()
