"""synthesis_bench: AQ* (qgen) against Solovay-Kitaev (Qiskit) and gridsynth (pygridsynth), same run.

Every method's word is scored by the same distance, d(U, V) = sqrt(1 - |tr(U^dag V)/2^n|^2), computed here
from the returned gates; a target counts as reached only if d <= eps (failures are counted, not dropped).

Parts (``--parts``, default all):
  single  100 Haar-random SU(2) targets at eps 1e-2 and 1e-3: AQ*; pygridsynth via U3 (ZXZ Euler angles, three
          Rz at eps/3 each: the compiler's ``gridsynth`` synthesiser); pygridsynth's own single-qubit
          unitary approximation (``approximate_one_qubit_unitary``); Qiskit's Solovay-Kitaev over {H, T, Tdg}
          (recursion degree raised until d <= eps, up to 5).
  rz      100 uniform Rz angles at the same eps: AQ*, pygridsynth (Ross-Selinger), Solovay-Kitaev.
  two     random two-qubit unitaries at total eps 1e-2: Qiskit's KAK decomposition (<= 3 CX) then each
          single-qubit factor by AQ* (eps / 8 each), against the same KAK with per-rotation gridsynth.
  rl      deep-Q (DeepCubeA-style value iteration) against stable-baselines3's DQN at equal training time on
          the same environment (clifford_t, cost per gate, scrambles of length 1..10), scored by greedy
          success and length; then AQ* on two-qubit Clifford+T scrambles with and without the network.

Usage:
    python benchmarks/synthesis_bench.py                  # the acceptance run (several minutes)
    python benchmarks/synthesis_bench.py --quick          # smoke run: 4 targets, 1e-2, 2 s RL budgets
    python benchmarks/synthesis_bench.py --parts single --targets 100 --eps 1e-2
Timings are wall clock on this machine; the CPU may be shared (the load average is recorded).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from rich.console import Console
from rich.table import Table

from qgen._version import __version__
from qgen.compiler.synthesis.aqstar import AQStarSynthesizer
from qgen.compiler.synthesis.aqstar.table import normal_form_table
from qgen.compiler.synthesis.lowering import synthesize_two_qubit
from qgen.compiler.synthesis.unitaries import GATE_MATRICES, distance, haar_unitaries, rz_matrix
from qgen.compiler.synthesis.words import word_matrix

console = Console(width=130)
METRIC = "d(U, V) = sqrt(1 - |tr(U^dag V)/2^n|^2)"
T_NAMES = ("t", "tdg")


def registry_synth(name: str, **kwargs):
    """The compiler's registered synthesiser (``gridsynth``, ``sk``), or None if absent."""
    try:
        from qgen.compiler.synthesis import SYNTHESIZERS

        return SYNTHESIZERS[name](**kwargs)
    except Exception:  # noqa: BLE001 - absent or broken: reported as skipped
        return None


class PygridsynthUnitary:
    """pygridsynth's direct single-qubit approximation (magnitude approximation + Rz), as published."""

    name = "pygridsynth-unitary"
    _letters = {"H": "h", "S": "s", "T": "t", "X": "x", "W": None}

    def synthesize_unitary(self, u: np.ndarray, eps: float) -> tuple[tuple[str, ...], float]:
        """Word (circuit order) and seconds."""
        import mpmath
        from pygridsynth.unitary_approximation import approximate_one_qubit_unitary

        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            circ, _ = approximate_one_qubit_unitary(mpmath.matrix(u.tolist()), mpmath.mpf(eps))
        text = circ.to_simple_str()  # a matrix product: the rightmost letter acts first
        word = tuple(self._letters[c] for c in reversed(text) if self._letters.get(c))
        return word, time.perf_counter() - start


def score(method: str, targets: np.ndarray, eps: float, run) -> dict:
    """Run ``run(target) -> (gates, seconds)`` on every target; count T, length, time; check d <= eps."""
    t_counts, lengths, seconds, dists = [], [], [], []
    for u in targets:
        gates, secs = run(u)
        d = float(distance(word_matrix(gates), u))
        dists.append(d)
        t_counts.append(sum(g in T_NAMES for g in gates))
        lengths.append(len(gates))
        seconds.append(secs)
    ok = np.asarray(dists) <= eps
    t, n, s = np.asarray(t_counts), np.asarray(lengths), np.asarray(seconds)
    return {
        "method": method,
        "eps": eps,
        "targets": len(targets),
        "reached": int(ok.sum()),
        "failures": int((~ok).sum()),
        "median_t": float(np.median(t[ok])) if ok.any() else None,
        "mean_t": float(t[ok].mean()) if ok.any() else None,
        "median_length": float(np.median(n[ok])) if ok.any() else None,
        "mean_length": float(n[ok].mean()) if ok.any() else None,
        "median_ms": float(np.median(s) * 1e3),
        "mean_ms": float(s.mean() * 1e3),
        "max_ms": float(s.max() * 1e3),
        "median_distance": float(np.median(dists)),
        "metric": METRIC,
    }


def via_protocol(synth, rz: bool, eps: float):
    """Adapter: a ``Synthesizer`` as ``run(target) -> (gates, seconds)``."""

    def run(u: np.ndarray):
        start = time.perf_counter()
        if rz:
            theta = float(np.angle(u[1, 1]) - np.angle(u[0, 0]))
            res = synth.synthesize_rz(theta, eps)
        else:
            res = synth.synthesize_unitary(u, eps)
        return tuple(res.gates), time.perf_counter() - start

    return run


def single_qubit_part(kind: str, count: int, eps_list: list[float], seed: int, aqstar) -> list[dict]:
    """Haar SU(2) (``kind='single'``) or Rz (``kind='rz'``) targets for every method and eps."""
    rng = np.random.default_rng(seed)
    if kind == "single":
        targets = haar_unitaries(1, count, rng)
    else:
        targets = np.stack([rz_matrix(a) for a in rng.uniform(0, 2 * np.pi, count)])
    rz = kind == "rz"
    methods = [("aqstar", aqstar)]
    grid = registry_synth("gridsynth")
    methods.append(("gridsynth" if rz else "gridsynth-via-U3", grid))
    if not rz:
        methods.append(("pygridsynth-unitary", "direct"))
    methods.append(("solovay-kitaev", registry_synth("sk", max_degree=5)))
    rows = []
    for eps in eps_list:
        for name, synth in methods:
            if synth is None:
                console.print(f"[yellow]{name}: not available (the compiler's synthesiser missing), skipped")
                continue
            if synth == "direct":
                direct = PygridsynthUnitary()

                def run(u, direct=direct, eps=eps):
                    return direct.synthesize_unitary(u, eps)
            else:
                run = via_protocol(synth, rz, eps)
            with console.status(f"{kind}: {name} at eps {eps:g} on {count} targets"):
                rows.append({"part": kind, **score(name, targets, eps, run)})
            r = rows[-1]
            console.print(
                f"  {kind} {name:20s} eps {eps:g}: reached {r['reached']}/{count}, median T {r['median_t']}, "
                f"median length {r['median_length']}, median {r['median_ms']:.2f} ms"
            )
    return rows


def two_qubit_part(count: int, eps: float, seed: int, aqstar) -> list[dict]:
    """Random two-qubit unitaries: KAK + AQ* per single-qubit factor vs KAK + per-rotation gridsynth."""
    from qiskit.quantum_info import Operator

    targets = haar_unitaries(2, count, np.random.default_rng(seed))
    rows = []
    for name, synth in (("kak+aqstar", aqstar), ("kak+gridsynth-per-rotation", registry_synth("gridsynth"))):
        if synth is None:
            console.print(f"[yellow]{name}: gridsynth synthesiser missing, skipped")
            continue
        cx, tc, ln, secs, ok = [], [], [], [], []
        with console.status(f"two-qubit: {name} on {count} targets"):
            for u in targets:
                start = time.perf_counter()
                out = synthesize_two_qubit(u, synth, eps)
                secs.append(time.perf_counter() - start)
                d = float(distance(Operator(out.circuit).data, u))
                ok.append(d <= eps and d <= out.error_bound + 1e-9)
                cx.append(out.cx_count)
                tc.append(out.t_count)
                ln.append(out.length)
        ok_a = np.asarray(ok)
        rows.append(
            {
                "part": "two",
                "method": name,
                "eps": eps,
                "targets": count,
                "reached": int(ok_a.sum()),
                "failures": int((~ok_a).sum()),
                "median_cx": float(np.median(cx)),
                "median_t": float(np.median(np.asarray(tc)[ok_a])) if ok_a.any() else None,
                "median_length": float(np.median(np.asarray(ln)[ok_a])) if ok_a.any() else None,
                "median_ms": float(np.median(secs) * 1e3),
                "metric": METRIC,
            }
        )
        r = rows[-1]
        console.print(
            f"  two {name:28s}: reached {r['reached']}/{count}, CX {r['median_cx']}, "
            f"median T {r['median_t']}, length {r['median_length']}, {r['median_ms']:.0f} ms"
        )
    return rows


def rl_part(
    seconds: float,
    seed: int,
    two_seconds: float,
    per_length: int = 50,
    two_per_length: int = 10,
    max_nodes: int = 20_000,
) -> dict:
    """Deep-Q vs SB3 DQN at equal time; AQ* on two-qubit scrambles with and without the trained network.

    ``per_length`` / ``two_per_length``: evaluation scrambles per walk length; ``max_nodes``: AQ*'s budget.
    """
    from qgen.compiler.synthesis.bases import get_basis
    from qgen.compiler.synthesis.rl.compare import compare_learners, train_deepq_for
    from qgen.compiler.synthesis.rl.evaluation import eval_targets
    from qgen.compiler.synthesis.rl.model import DeepQConfig

    torch.set_num_threads(1)  # both learners alike; small networks gain nothing from threads on a shared CPU
    with console.status(f"rl: deep-Q and SB3 DQN, {seconds:.0f} s each"):
        cmp = compare_learners(
            "clifford_t",
            seconds,
            max_walk=10,
            per_length=per_length,
            seed=seed,
            deepq_kwargs={"hidden": 128, "blocks": 2, "batch_size": 256, "check_every": 20},
        )
    for who in ("deepq", "dqn"):
        r = cmp[who]
        console.print(
            f"  rl {who:6s}: greedy success {r['success_rate']:.3f}, mean length solved "
            f"{r['mean_length_solved']:.2f} ({r['training']})"
        )
    console.print(f"  rl mean length on targets both solved: {cmp['mean_length_both_solved']}")
    out = {"compare": cmp}
    if two_seconds > 0:
        cfg = DeepQConfig(
            basis="clifford_t_cx",
            cost="gate",
            max_walk=20,
            hidden=256,
            blocks=2,
            batch_size=256,
            check_every=20,
            seed=seed,
        )
        with console.status(f"rl: two-qubit deep-Q network, {two_seconds:.0f} s"):
            model, report = train_deepq_for(cfg, two_seconds)
        basis = get_basis("clifford_t_cx")
        lengths = [8, 12, 16, 20]
        targets, lens = eval_targets(basis, lengths, two_per_length, seed + 5)
        rows = []
        for weight in (0.0, 1.0):
            synth = AQStarSynthesizer(
                basis="clifford_t_cx",
                cost="gate",
                model=model,
                weight=weight,
                table_length=3,
                table_entries=50_000,
                max_nodes=max_nodes,
                batch_size=32,
            )
            res = [synth.synthesize_unitary(u, 1e-6) for u in targets]
            ok = np.array([r.info["success"] for r in res])
            rows.append(
                {
                    "weight": weight,
                    "heuristic": "deep-q" if weight else "none (uniform cost)",
                    "success_rate": float(ok.mean()),
                    "success_by_walk_length": {k: float(ok[lens == k].mean()) for k in lengths},
                    "mean_length_solved": float(np.mean([r.length for r in res if r.info["success"]]))
                    if ok.any()
                    else None,
                    "median_nodes": float(np.median([r.info["nodes_generated"] for r in res])),
                    "median_ms": float(np.median([r.seconds for r in res]) * 1e3),
                }
            )
            r = rows[-1]
            console.print(
                f"  AQ* two-qubit scrambles, {r['heuristic']:20s}: success {r['success_rate']:.2f} "
                f"{r['success_by_walk_length']}, mean length {r['mean_length_solved']}, "
                f"median nodes {r['median_nodes']:.0f}"
            )
        out["two_qubit_aqstar"] = {
            "training": report, "node_budget": max_nodes, "table_length": 3, "rows": rows,
            "targets_per_walk_length": two_per_length,
        }  # fmt: skip
    return out


def print_tables(rows: list[dict]) -> None:
    """One table per part: every method, and AQ*'s figure over each anchor's (the ratio)."""
    for part in ("single", "rz", "two"):
        sub = [r for r in rows if r["part"] == part]
        if not sub:
            continue
        table = Table(title=f"{part}: {METRIC}, reached = d <= eps")
        for col in (
            "method",
            "eps",
            "reached",
            "median T",
            "median length",
            "median ms",
            "T ratio",
            "ms ratio",
        ):
            table.add_column(col, justify="right" if col != "method" else "left")
        for r in sub:
            ours = next(
                (x for x in sub if x["eps"] == r["eps"] and x["method"] in ("aqstar", "kak+aqstar")), None
            )
            t_ratio = ms_ratio = "-"
            if ours and r is not ours and ours["median_t"] and r["median_t"]:
                t_ratio = f"{ours['median_t'] / r['median_t']:.2f}"
                ms_ratio = f"{ours['median_ms'] / max(r['median_ms'], 1e-9):.2f}"
            table.add_row(
                r["method"],
                f"{r['eps']:g}",
                f"{r['reached']}/{r['targets']}",
                str(r["median_t"]),
                str(r["median_length"]),
                f"{r['median_ms']:.2f}",
                t_ratio,
                ms_ratio,
            )
        console.print(table)


def main() -> None:
    """Parse arguments, run the parts, print tables, write JSON."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: 4 targets, 1e-2 only, 2 s RL budgets"
    )
    parser.add_argument("--parts", default="single,rz,two,rl", help="comma list of single, rz, two, rl")
    parser.add_argument("--targets", type=int, default=100, help="targets per set")
    parser.add_argument("--eps", type=float, nargs="+", default=[1e-2, 1e-3], help="tolerances")
    parser.add_argument("--table-t", type=int, default=15, help="AQ* normal-form table T-count")
    parser.add_argument("--two-count", type=int, default=20, help="random two-qubit unitaries")
    parser.add_argument("--rl-seconds", type=float, default=120.0, help="training time of each learner")
    parser.add_argument("--two-rl-seconds", type=float, default=240.0, help="two-qubit network training time")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "synthesis_bench.json"
    )
    args = parser.parse_args()
    rl_eval = {}
    if args.quick:
        args.targets, args.eps, args.two_count = 4, [1e-2], 2
        args.rl_seconds, args.two_rl_seconds = 2.0, 2.0
        rl_eval = {"per_length": 10, "two_per_length": 2, "max_nodes": 5_000}
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    load_start = os.getloadavg()
    aqstar = AQStarSynthesizer(table_t=args.table_t, fallback=None)  # pure AQ*: failures count as such
    start = time.perf_counter()
    table = normal_form_table(args.table_t)
    build = time.perf_counter() - start
    console.print(
        f"AQ* table: {len(table):,} Clifford+T unitaries of T-count <= {args.table_t}, built in {build:.2f} s"
    )
    rows: list[dict] = []
    if "single" in parts:
        rows += single_qubit_part("single", args.targets, args.eps, args.seed, aqstar)
    if "rz" in parts:
        rows += single_qubit_part("rz", args.targets, args.eps, args.seed + 1, aqstar)
    if "two" in parts:
        rows += two_qubit_part(args.two_count, 1e-2, args.seed + 2, aqstar)
    rl = rl_part(args.rl_seconds, args.seed, args.two_rl_seconds, **rl_eval) if "rl" in parts else None
    print_tables(rows)
    import gymnasium
    import qiskit
    import stable_baselines3

    result = {
        "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "seed": args.seed,
        "metric": METRIC,
        "table": {"t_count": args.table_t, "entries": len(table), "build_seconds": build},
        "rows": rows,
        "rl": rl,
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "torch_threads": torch.get_num_threads(),
            "loadavg_start": load_start,
            "loadavg_end": os.getloadavg(),
        },
        "versions": {
            "qgen": __version__,
            "torch": torch.__version__,
            "qiskit": qiskit.__version__,
            "gymnasium": gymnasium.__version__,
            "stable_baselines3": stable_baselines3.__version__,
            "numpy": np.__version__,
        },
        "gate_set": sorted(set(GATE_MATRICES) & {"h", "s", "sdg", "t", "tdg", "x", "z"}),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.out.with_name(args.out.name + ".tmp")
    tmp.write_text(json.dumps(result, indent=2, default=str))
    tmp.replace(args.out)
    console.print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
