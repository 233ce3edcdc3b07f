"""sim_bench: qgen.sim (all candidates batched) against PennyLane default.qubit (one candidate at a time).

The workload is the candidate scoring of "Quantum Architecture Search with Unsupervised Representation
Learning" (Sun et al.): random circuits from the QAS search space (gate pool {X, Y, Z, H, RX, RY, RZ, CNOT,
CZ, U3, SWAP}; 4 qubits, 10 gates, depth <= 5), each trained 50 Adagrad steps (step 0.5) on a
state-preparation fidelity loss to the state of a random target circuit of the same space. The paper scores
every candidate with PennyLane ``default.qubit`` one by one; we time that on a subset and report the
per-candidate time, next to qgen training all candidates in one batch. Both start from the same parameters,
and the final fidelities of the subset are compared as a correctness check.

PennyLane parameter broadcasting and TorchQuantum batch *one* circuit structure over many parameter sets;
each candidate here has its own structure, so neither applies. We also time PennyLane with its torch
interface and backprop (the fastest PennyLane route per circuit) for reference.

Usage:
    python benchmarks/sim_bench.py                 # 4, 8, 12, 16 qubits on the CPU
    python benchmarks/sim_bench.py --device cuda   # qgen on the GPU (PennyLane stays on the CPU)
    python benchmarks/sim_bench.py --sizes 4 --circuits 1000 --subset 20 --out results.json
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
import torch

from qgen.search import SearchSpace
from qgen.sim import GateList, compile_batch, resolve_device, train
from qgen.sim.losses import infidelity

STEPS, LR = 50, 0.5
# (qubits, gates, depth limit, circuits batched, PennyLane subset)
SETTINGS = {
    4: (10, 5, 1000, 20),
    8: (20, 5, 1000, 10),
    12: (30, 6, 300, 5),
    16: (40, 6, 100, 3),
}
PL_NAMES = {
    "x": "PauliX",
    "y": "PauliY",
    "z": "PauliZ",
    "h": "Hadamard",
    "rx": "RX",
    "ry": "RY",
    "rz": "RZ",
    "cx": "CNOT",
    "cz": "CZ",
    "u3": "U3",
    "swap": "SWAP",
}


def targets_for(space: SearchSpace, count: int, seed: int, device: torch.device) -> torch.Tensor:
    """States of random target circuits of the space with uniform random angles."""
    rng = np.random.default_rng(seed)
    circuits = [space.sample(rng) for _ in range(count)]
    batch = compile_batch(circuits, device=device)
    params = torch.tensor(rng.uniform(-np.pi, np.pi, size=(count, batch.num_parameters)), device=device)
    with torch.no_grad():
        return batch.run(params)


def pennylane_scores(circuits: list[GateList], targets: np.ndarray, inits: list[np.ndarray], interface: str):
    """Train each circuit alone with PennyLane default.qubit; return (seconds per circuit, fidelities)."""
    import pennylane as qml

    n = circuits[0].num_qubits
    dev = qml.device("default.qubit", wires=n)
    fids = []
    start = time.perf_counter()
    for gl, target, init in zip(circuits, targets, inits, strict=True):
        # PennyLane's wire 0 is the most significant bit, Qiskit's qubit 0 the least: qubit q -> wire n-1-q
        # makes PennyLane's state vector come out in qgen's (Qiskit's) order
        def body(p, gl=gl):
            for op in gl.ops:
                angles = [p[e.terms[0][0]] for e in op.params]
                getattr(qml, PL_NAMES[op.name])(*angles, wires=[n - 1 - q for q in op.qubits])
            return qml.state()

        if interface == "autograd":
            from pennylane import numpy as pnp

            qnode = qml.QNode(body, dev, interface="autograd")
            tgt = pnp.array(target, requires_grad=False)

            def cost(p, qnode=qnode, tgt=tgt):
                ov = pnp.sum(pnp.conj(tgt) * qnode(p))
                return 1 - pnp.real(ov * pnp.conj(ov))

            opt = qml.AdagradOptimizer(LR)
            p = pnp.array(init, requires_grad=True)
            for _ in range(STEPS):
                p, last = opt.step_and_cost(cost, p)
            fids.append(1 - float(last))  # loss at the last evaluation, as qgen's history[-1]
        else:
            qnode = qml.QNode(body, dev, interface="torch", diff_method="backprop")
            tgt = torch.tensor(target)
            p = torch.tensor(init, requires_grad=True)
            opt = torch.optim.Adagrad([p], lr=LR)
            for _ in range(STEPS):
                opt.zero_grad()
                ov = torch.sum(tgt.conj() * qnode(p))
                loss = 1 - (ov.real**2 + ov.imag**2)
                loss.backward()
                opt.step()
            fids.append(1 - float(loss.detach()))
    return (time.perf_counter() - start) / len(circuits), np.array(fids)


def run_size(n: int, device: torch.device, circuits: int | None, subset: int | None, seed: int) -> dict:
    gates, depth, count, pl_count = SETTINGS[n]
    count = circuits or count
    pl_count = min(subset or pl_count, count)
    space = SearchSpace(num_qubits=n, num_gates=gates, max_depth=depth)
    cands = space.sample_many(count, seed=seed)
    targets = targets_for(space, count, seed + 1, device)
    gen = torch.Generator().manual_seed(seed)
    width = max(c.num_parameters for c in cands)
    init = (torch.rand(count, width, generator=gen, dtype=torch.float64) * 2 - 1) * np.pi
    init_rows = [init[i, : c.num_parameters].numpy() for i, c in enumerate(cands)]

    # warm-up (kernels, allocator), then the timed batched run
    train(
        cands[: min(8, count)],
        infidelity(targets[: min(8, count)]),
        init=init_rows[: min(8, count)],
        optimizer="adagrad",
        lr=LR,
        steps=2,
        device=device,
    )
    if device.type == "cuda":
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    res = train(
        cands, infidelity(targets), init=init_rows, optimizer="adagrad", lr=LR, steps=STEPS, device=device
    )
    if device.type == "cuda":
        torch.cuda.synchronize()
    qgen_total = time.perf_counter() - t0
    # fidelity at the last (50th) evaluation, for the cross-check with PennyLane (best-so-far is res.loss)
    qgen_fid = 1 - res.history[-1].numpy()

    tg = targets[:pl_count].cpu().numpy()
    pl_auto, pl_fid = pennylane_scores(cands[:pl_count], tg, init_rows[:pl_count], "autograd")
    pl_torch, pl_torch_fid = pennylane_scores(cands[:pl_count], tg, init_rows[:pl_count], "torch")
    per = qgen_total / count
    return {
        "qubits": n,
        "gates": gates,
        "candidates": count,
        "qgen_total_s": qgen_total,
        "qgen_per_candidate_ms": per * 1e3,
        "pennylane_autograd_per_candidate_ms": pl_auto * 1e3,
        "pennylane_torch_backprop_per_candidate_ms": pl_torch * 1e3,
        "pennylane_subset": pl_count,
        "speedup_vs_default_qubit": pl_auto / per,
        "speedup_vs_default_qubit_torch": pl_torch / per,
        "max_fidelity_gap_vs_pennylane": float(np.abs(qgen_fid[:pl_count] - pl_fid).max()),
        "max_fidelity_gap_vs_pennylane_torch": float(np.abs(qgen_fid[:pl_count] - pl_torch_fid).max()),
        "mean_final_fidelity": float(qgen_fid.mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4, 8, 12, 16], choices=sorted(SETTINGS))
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (qgen only)")
    parser.add_argument("--circuits", type=int, default=None, help="override the batched candidate count")
    parser.add_argument("--subset", type=int, default=None, help="override the PennyLane subset size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    machine = {
        "cpu": platform.processor() or platform.machine(),
        "threads": torch.get_num_threads(),
        "device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
    }
    rows = [run_size(n, device, args.circuits, args.subset, args.seed) for n in args.sizes]
    header = (
        f"{'qubits':>6} {'gates':>5} {'cands':>6} {'qgen ms/cand':>13} {'PL ms/cand':>11} "
        f"{'ratio':>7} {'PL-torch ms':>11} {'ratio':>7} {'fid gap':>8}"
    )
    print(f"sim_bench on {machine}: {STEPS} Adagrad steps (lr {LR}) per candidate, fidelity loss")
    print(header)
    for r in rows:
        print(
            f"{r['qubits']:>6} {r['gates']:>5} {r['candidates']:>6} {r['qgen_per_candidate_ms']:>13.3f} "
            f"{r['pennylane_autograd_per_candidate_ms']:>11.1f} {r['speedup_vs_default_qubit']:>6.0f}x "
            f"{r['pennylane_torch_backprop_per_candidate_ms']:>11.1f} "
            f"{r['speedup_vs_default_qubit_torch']:>6.0f}x {r['max_fidelity_gap_vs_pennylane']:>8.1e}"
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"machine": machine, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
