"""tn_init_bench: VQE from a tensor-network start (qgen.tn) against random and small-angle starts.

Rudolph et al. (Nat. Commun. 14, 8367, 2023) start a parametrised circuit from a DMRG ground state encoded
into staircase layers and report faster training and no barren plateau. Here, for open TFIM (J = h = 1) and
Heisenberg XXX chains, one ansatz (``--layers`` staircase layers of 15-parameter KAK blocks) is trained with
one optimiser (Adam, ``--lr``) from three kinds of start, all rows of one qgen.sim batch:

- ``tn``: qgen.tn.tn_init (DMRG ground state, Ran layers + 2 sweeps) - qgen's figure;
- ``random``: uniform in [-pi, pi), ``--random-seeds`` seeds (>= 10) - the anchor is the best of them;
- ``small``: small angles (Gaussian, std 0.01 rad), ``--small-seeds`` seeds.

Energy error = E - E0, E0 from sparse diagonalisation (scipy eigsh on SparsePauliOp.to_matrix(sparse=True));
for each step budget T the error is the best energy seen within T optimisation steps (T = 0: the start).
Gradient variance: Var over samples of dE/dtheta_k, averaged over the parameters k; random starts vs TN starts
perturbed by Gaussian noise of std ``--grad-noise`` rad.

Usage:
    python benchmarks/tn_init_bench.py            # acceptance run: 8, 12, 16 qubits, 100 steps
    python benchmarks/tn_init_bench.py --quick    # 8 qubits, 10 steps, gradients at 8 qubits (seconds)
    python benchmarks/tn_init_bench.py --sizes 20 --steps 100   # more if it fits; results resume by entry
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch

from qgen.cli.progress import RichProgress
from qgen.sim import compile_batch, resolve_device, train
from qgen.sim.losses import energy
from qgen.tn import exact_ground_energy, hamiltonian, initial_values, tn_init
from qgen.tn.inits import SMALL_ANGLE_STD
from qgen.tn.io import versions

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args() -> argparse.Namespace:
    """Command-line options; defaults are the acceptance run."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small run: 8 qubits, 10 steps, 4 gradient samples")
    p.add_argument("--sizes", type=int, nargs="+", default=[8, 12, 16])
    p.add_argument("--hamiltonians", nargs="+", default=["tfim", "heisenberg"])
    p.add_argument("--layers", type=int, default=3, help="staircase layers (all TN-encoded)")
    p.add_argument("--steps", type=int, default=100)
    p.add_argument("--lr", type=float, default=0.02)
    p.add_argument("--random-seeds", type=int, default=10)
    p.add_argument("--small-seeds", type=int, default=3)
    p.add_argument("--grad-sizes", type=int, nargs="+", default=[4, 6, 8, 10, 12, 14, 16])
    p.add_argument("--grad-samples", type=int, default=16)
    p.add_argument("--grad-noise", type=float, default=0.1)
    p.add_argument("--dtype", choices=["complex128", "complex64"], default="complex128")
    p.add_argument("--device", default="auto")
    p.add_argument("--threads", type=int, default=1, help="torch threads (0: torch's default)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=RESULTS)
    p.add_argument("--fresh", action="store_true", help="ignore results of an earlier run")
    args = p.parse_args()
    if args.quick:
        args.sizes, args.steps, args.grad_sizes, args.grad_samples = [8], 10, [8], 4
    if args.random_seeds < 10 and not args.quick:
        p.error("--random-seeds must be >= 10 for the acceptance comparison")
    return args


def budgets(steps: int) -> list[int]:
    """Step budgets reported: 0 (the start), then about 7 points up to ``steps``."""
    pts = {0, steps, *[b for b in (5, 10, 25, 50, 100, 200, 400, 800) if b < steps]}
    return sorted(pts)


class Store:
    """The results JSON, rewritten atomically after every entry so a stopped run resumes where it stopped."""

    def __init__(self, path: Path, config: dict, fresh: bool) -> None:
        self.path = path
        old = json.loads(path.read_text()) if path.is_file() and not fresh else {}
        same = old.get("config") == config
        self.data = {"config": config, "versions": versions(), "machine": _machine(),
                     "energy": old.get("energy", {}) if same else {},
                     "gradients": old.get("gradients", {}) if same else {}}  # fmt: skip

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.data, indent=1))
        os.replace(tmp, self.path)


def _machine() -> dict:
    return {"platform": platform.platform(), "cpus": os.cpu_count(), "torch_threads": torch.get_num_threads(),
            "load_avg": os.getloadavg() if hasattr(os, "getloadavg") else None}  # fmt: skip


_TN_CACHE: dict[tuple[str, int], object] = {}


def tn_start(name: str, n: int, layers: int, seed: int):
    """TN initialisation (cached per Hamiltonian and size) and the seconds it took."""
    key = (name, n)
    if key not in _TN_CACHE:
        t = time.perf_counter()
        init = tn_init(name, layers, num_qubits=n, sweeps=2, seed=seed)
        _TN_CACHE[key] = (init, time.perf_counter() - t)
    return _TN_CACHE[key]


def energy_run(name: str, n: int, args, dtype, device) -> dict:
    """Train TN, random and small-angle starts of one ansatz in one batch; errors per step budget."""
    op = hamiltonian(name, n)
    t = time.perf_counter()
    e0 = exact_ground_energy(op)
    exact_s = time.perf_counter() - t
    init, tn_s = tn_start(name, n, args.layers, args.seed)
    circuit, gl = init.circuit, init.gatelist()
    rows = [init.values]
    rows += [initial_values(circuit, None, "random", seed=args.seed + s) for s in range(args.random_seeds)]
    rows += [initial_values(circuit, None, "small", seed=args.seed + s) for s in range(args.small_seeds)]
    kinds = ["tn"] + ["random"] * args.random_seeds + ["small"] * args.small_seeds
    t = time.perf_counter()
    starts = [torch.tensor(r) for r in rows]
    with RichProgress() as bar:
        res = train([gl] * len(rows), energy(op), init=starts, optimizer="adam", lr=args.lr,
                    steps=args.steps + 1, seed=args.seed, dtype=dtype, device=device,
                    progress=bar)  # fmt: skip
    train_s = time.perf_counter() - t
    best = torch.cummin(res.history, dim=0).values.numpy() - e0  # (steps + 1, B) best-so-far error
    kinds_arr = np.array(kinds)
    curves = {
        "tn": best[:, 0],
        "random_best": best[:, kinds_arr == "random"].min(axis=1),
        "random_median": np.median(best[:, kinds_arr == "random"], axis=1),
        "small_best": best[:, kinds_arr == "small"].min(axis=1),
    }
    return {
        "hamiltonian": name, "qubits": n, "parameters": circuit.num_parameters, "exact_energy": e0,
        "exact_method": "scipy.sparse.linalg.eigsh on SparsePauliOp.to_matrix(sparse=True)",
        "dmrg_energy": init.energy, "tn_fidelities": init.fidelities, "seconds_exact": exact_s,
        "seconds_tn_init": tn_s, "seconds_train": train_s, "batch": len(rows),
        "load_avg": _machine()["load_avg"], "curves": {k: v.tolist() for k, v in curves.items()},
    }  # fmt: skip


def gradient_variance(name: str, n: int, args, dtype, device) -> dict:
    """Var over samples of dE/dtheta_k averaged over k, for random starts and noisy TN starts."""
    op = hamiltonian(name, n)
    init, _ = tn_start(name, n, args.layers, args.seed)
    gl = init.gatelist()
    gen = torch.Generator().manual_seed(args.seed)
    count = args.grad_samples
    random = (torch.rand(count, init.values.size, generator=gen, dtype=torch.float64) * 2 - 1) * np.pi
    noise = torch.randn(count, init.values.size, generator=gen, dtype=torch.float64)
    tn = torch.tensor(init.values)[None] + args.grad_noise * noise
    batch = compile_batch([gl] * count, dtype=dtype, device=device)
    loss = energy(op)
    out = {"hamiltonian": name, "qubits": n}
    for kind, values in (("random", random), ("tn", tn)):
        v = values.to(device).requires_grad_(True)
        loss(batch.run(v), torch.arange(count)).sum().backward()
        g = v.grad.detach().cpu().double()
        out[kind] = float(g.var(dim=0).mean())
        out[f"{kind}_mean_sq"] = float(g.pow(2).mean())
    return out


def table(store: Store, steps: int) -> list[str]:
    """The printed table: qgen (TN) error beside the anchors' errors and the ratio, per step budget."""
    lines = [f"{'H':<11}{'n':>3}{'steps':>6}{'TN err':>11}{'rand best':>11}{'rand med':>11}{'small best':>11}"
             f"{'TN/rand':>9}{'TN<rand':>8}"]  # fmt: skip
    for entry in store.data["energy"].values():
        c = entry["curves"]
        for b in budgets(steps):
            tn, rb = c["tn"][b], c["random_best"][b]
            lines.append(f"{entry['hamiltonian']:<11}{entry['qubits']:>3}{b:>6}{tn:>11.2e}{rb:>11.2e}"
                         f"{c['random_median'][b]:>11.2e}{c['small_best'][b]:>11.2e}{tn / rb:>9.3f}"
                         f"{'yes' if tn < rb else 'NO':>8}")  # fmt: skip
    return lines


def plots(store: Store, out: Path, suffix: str = "") -> list[Path]:
    """Energy error against steps (per Hamiltonian and size) and gradient variance against qubits."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    entries = list(store.data["energy"].values())
    names = sorted({e["hamiltonian"] for e in entries})
    sizes = sorted({e["qubits"] for e in entries})
    written = []
    if entries:
        fig, axes = plt.subplots(
            len(names), len(sizes), figsize=(4 * len(sizes), 3.2 * len(names)), squeeze=False
        )
        for e in entries:
            ax = axes[names.index(e["hamiltonian"])][sizes.index(e["qubits"])]
            for key, style in (
                ("tn", "-"),
                ("random_best", "--"),
                ("random_median", ":"),
                ("small_best", "-."),
            ):
                ax.semilogy(np.maximum(e["curves"][key], 1e-8), style, label=key)
            ax.set_title(f"{e['hamiltonian']} n={e['qubits']}")
            ax.set_xlabel("Adam steps")
            ax.set_ylabel("E - E0 (best so far)")
        axes[0][0].legend(fontsize=8)
        fig.tight_layout()
        written.append(out / f"tn_init_energy{suffix}.png")
        fig.savefig(written[-1], dpi=120)
        plt.close(fig)
    grads = list(store.data["gradients"].values())
    if grads:
        fig, ax = plt.subplots(figsize=(5, 3.6))
        for name in sorted({g["hamiltonian"] for g in grads}):
            pts = sorted((g for g in grads if g["hamiltonian"] == name), key=lambda g: g["qubits"])
            for kind, marker in (("random", "o"), ("tn", "s")):
                ax.semilogy(
                    [g["qubits"] for g in pts], [g[kind] for g in pts], marker=marker, label=f"{name} {kind}"
                )
        ax.set_xlabel("qubits")
        ax.set_ylabel("mean Var[dE/dtheta]")
        ax.legend(fontsize=8)
        fig.tight_layout()
        written.append(out / f"tn_init_gradvar{suffix}.png")
        fig.savefig(written[-1], dpi=120)
        plt.close(fig)
    return written


def main() -> None:
    """Run (or resume) the benchmark, print the tables, write JSON and PNGs under ``--out``."""
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    dtype = torch.complex128 if args.dtype == "complex128" else torch.complex64
    args.device = str(resolve_device(args.device))
    config = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k not in ("fresh",)}
    config["small_angle_std"] = SMALL_ANGLE_STD
    store = Store(
        args.out / ("tn_init_bench_quick.json" if args.quick else "tn_init_bench.json"), config, args.fresh
    )
    for name in args.hamiltonians:
        for n in args.sizes:
            key = f"{name}-{n}"
            if key in store.data["energy"]:
                print(f"{key}: done earlier (resumed)")
                continue
            entry = energy_run(name, n, args, dtype, args.device)
            store.data["energy"][key] = entry
            store.save()
            print(f"{key}: TN fidelities {np.round(entry['tn_fidelities'], 4).tolist()}, "
                  f"TN init {entry['seconds_tn_init']:.1f} s, training {entry['seconds_train']:.1f} s "
                  f"({entry['batch']} starts, {args.steps} steps)", flush=True)  # fmt: skip
    for name in args.hamiltonians:
        for n in args.grad_sizes:
            key = f"{name}-{n}"
            if key not in store.data["gradients"]:
                store.data["gradients"][key] = gradient_variance(name, n, args, dtype, args.device)
                store.save()
    print(
        "\nEnergy error E - E0 (E0: sparse diagonalisation), best within the step budget; "
        f"TN = qgen.tn start, anchors = best / median of {args.random_seeds} random starts, "
        f"best of {args.small_seeds} small-angle starts; one ansatz ({args.layers} layers), Adam lr {args.lr}"
    )
    print("\n".join(table(store, args.steps)))
    print("\nGradient variance (mean over parameters of Var over samples of dE/dtheta): random vs TN start")
    print(f"{'H':<11}{'n':>3}{'random':>11}{'TN':>11}{'TN/random':>10}")
    for g in store.data["gradients"].values():
        ratio = g["tn"] / g["random"]
        print(f"{g['hamiltonian']:<11}{g['qubits']:>3}{g['random']:>11.2e}{g['tn']:>11.2e}{ratio:>10.2f}")
    accept = [e for e in store.data["energy"].values() if e["qubits"] in (12, 16)]
    if accept:
        ok = all(
            e["curves"]["tn"][b] < e["curves"]["random_best"][b] for e in accept for b in budgets(args.steps)
        )
        verdict = "met" if ok else "NOT met"
        print(f"\nAcceptance (12 and 16 qubits: TN error < best random error at every budget): {verdict}")
    for path in plots(store, args.out, "_quick" if args.quick else ""):
        print(f"wrote {path}")
    print(f"wrote {store.path}")
    print(f"load average at the end: {os.getloadavg() if hasattr(os, 'getloadavg') else 'n/a'} "
          "(timings are of a shared machine when this is above the core count)")  # fmt: skip


if __name__ == "__main__":
    main()
