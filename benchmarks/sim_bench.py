"""sim_bench: qgen.sim against a TorchQuantum-style batched simulator and PennyLane, same workloads.

Workload 1 (search): the candidate scoring of "Quantum Architecture Search with Unsupervised Representation
Learning" (Sun et al., 2024, arXiv:2401.11576): random circuits from the QAS search space (gate pool {X, Y,
Z, H, RX, RY, RZ, CNOT, CZ, U3, SWAP}; e.g. 4 qubits, 10 gates, depth <= 5), each trained 50 Adagrad steps
(step 0.5) on a state-preparation fidelity loss to the state of a random target circuit of the same space.
Every candidate has its own structure. Peers, all from the same starting parameters:

* qgen.sim: every candidate in one compiled batch (``qgen.sim.train``; ``--engine``: the numba op-table
  engine where it runs (<= 16 qubits, CPU, ``pip install 'qgen[fast]'``), else the torch executors).
* batched-U3 (TorchQuantum style, plain torch; Wang et al., 2022, arXiv:2107.10845): a batch of
  *different* candidates is run TorchQuantum's way, gates grouped into depth layers first, then per layer
  one batched U3 per qubit (identity where a candidate has no one-qubit gate there) and one batched 4x4
  per qubit pair that some candidate uses in that layer (identity for the others), applied with
  permute + ``bmm``; gradients by autograd. (TorchQuantum itself pins qiskit < 1 and cannot be installed
  beside Qiskit 2.)
* PennyLane ``default.qubit`` (torch interface, backprop) and ``lightning.qubit`` (adjoint
  differentiation), one candidate at a time, on a subset.

Workload 2 (QML): one 6-qubit data re-uploading classifier (Perez-Salinas et al., 2020, arXiv:1907.02085)
evaluated on 1,000 inputs, forward pass and gradient of the summed outputs: qgen ``CircuitModule`` against
PennyLane ``default.qubit`` with parameter broadcasting (one broadcast tape over the 1,000 inputs).

Times are CPU seconds of this process (``time.process_time``, torch limited to ``--threads``, default 1), so
they hold on a shared machine; qgen and each peer run interleaved in the same process. Correctness: final
fidelities of every peer are compared with qgen's, and qgen's states at the trained parameters with Qiskit's
``Statevector``.

Usage:
    python benchmarks/sim_bench.py --quick          # small sizes, a few seconds per row
    python benchmarks/sim_bench.py                  # 4, 8, 12, 16 qubits + the QML case
    python benchmarks/sim_bench.py --sizes 4 8 --no-qml --complex64 --out results.json
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import torch

from qgen.search import SearchSpace
from qgen.sim import CircuitModule, GateList, compile_batch, resolve_device, statevector, train
from qgen.sim.losses import infidelity

STEPS, LR = 50, 0.5
# PennyLane's Projector(state) observable becomes a dense 2**n x 2**n matrix (64 GiB at 16 qubits)
PENNYLANE_MAX_QUBITS = 12
INSTALL_HINT = "install the bench extra: pip install 'qgen[bench]'"
# qubits: (gates, depth limit, candidates batched, PennyLane subset)
SETTINGS = {4: (10, 5, 1000, 10), 8: (20, 5, 1000, 5), 12: (30, 6, 100, 2), 16: (40, 6, 20, 1)}
QUICK = {4: (10, 5, 200, 2), 8: (20, 5, 100, 1), 12: (30, 6, 10, 1), 16: (40, 6, 2, 1)}
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


def cpu() -> float:
    """CPU seconds of this process."""
    return time.process_time()


def have_pennylane() -> bool:
    """Whether PennyLane (and its lightning plugin) imports."""
    try:
        import pennylane  # noqa: F401
    except ImportError:
        return False
    return True


# ---------------------------------------------------------------------------------------------- workload
def targets_for(space: SearchSpace, count: int, seed: int, device: torch.device):
    """Random target circuits of the space, their angles and their states."""
    rng = np.random.default_rng(seed)
    circuits = [space.sample(rng) for _ in range(count)]
    batch = compile_batch(circuits, device=device)
    params = torch.tensor(rng.uniform(-np.pi, np.pi, size=(count, batch.num_parameters)), device=device)
    with torch.no_grad():
        return circuits, params, batch.run(params)


def qgen_scores(cands, targets, init_rows, device, dtype=torch.complex128, engine="auto") -> tuple:
    """Train every candidate in one qgen batch; (CPU seconds, fidelity at the last step, TrainResult)."""
    t0 = cpu()
    res = train(
        cands,
        infidelity(targets),
        init=init_rows,
        optimizer="adagrad",
        lr=LR,
        steps=STEPS,
        device=device,
        dtype=dtype,
        engine=engine,
    )
    if device.type == "cuda":
        torch.cuda.synchronize()
    return cpu() - t0, 1 - res.history[-1].numpy(), res


# ------------------------------------------------------------------- batched-U3 peer (TorchQuantum style)
# every one-qubit gate of the pool as U3(theta, phi, lambda) up to a global phase: (offsets, which angle is
# the parameter) -- the phases do not change fidelities
U3_FORM = {
    "x": ((np.pi, 0.0, np.pi), ()),
    "y": ((np.pi, np.pi / 2, np.pi / 2), ()),
    "z": ((0.0, 0.0, np.pi), ()),
    "h": ((np.pi / 2, 0.0, np.pi), ()),
    "rx": ((0.0, -np.pi / 2, np.pi / 2), (0,)),
    "ry": ((0.0, 0.0, 0.0), (0,)),
    "rz": ((0.0, 0.0, 0.0), (2,)),
    "u3": ((0.0, 0.0, 0.0), (0, 1, 2)),
}
_CX01 = np.eye(4)[[0, 3, 2, 1]]  # control on the low local bit
_CX10 = np.eye(4)[[0, 1, 3, 2]]  # control on the high local bit
_CZ, _SWAP = np.diag([1, 1, 1, -1]), np.eye(4)[[0, 2, 1, 3]]
PAIR_KINDS = {"id": np.eye(4), "cx01": _CX01, "cx10": _CX10, "cz": _CZ, "swap": _SWAP}


class BatchedU3:
    """A batch of different candidates run TorchQuantum's way: per depth layer, one batched U3 per qubit and
    one batched 4x4 per used qubit pair (identity rows where a candidate has no such gate)."""

    def __init__(self, cands: list[GateList]) -> None:
        n = cands[0].num_qubits
        self.n, self.batch = n, len(cands)
        self.width = max(c.num_parameters for c in cands) + 1  # last column: a constant zero
        one: dict[tuple[int, int], dict] = {}
        two: dict[tuple[int, int, int], np.ndarray] = {}
        kinds = list(PAIR_KINDS)
        zero = self.width - 1
        for b, gl in enumerate(cands):
            level = [0] * n
            for op in gl.ops:
                layer = max(level[q] for q in op.qubits)
                for q in op.qubits:
                    level[q] = layer + 1
                if len(op.qubits) == 1:
                    key1 = (layer, op.qubits[0])
                    if key1 not in one:
                        shape = (self.batch, 3)
                        one[key1] = {"offset": np.zeros(shape), "index": np.full(shape, zero)}
                    slot = one[key1]
                    offsets, free = U3_FORM[op.name]
                    slot["offset"][b] = offsets
                    for j, k in enumerate(free):
                        slot["index"][b, k] = op.params[j].terms[0][0]
                else:
                    a, c = op.qubits
                    key = (layer, min(a, c), max(a, c))
                    if key not in two:
                        two[key] = np.zeros(self.batch, dtype=np.int64)
                    ids = two[key]
                    name = op.name if op.name != "cx" else ("cx01" if a < c else "cx10")
                    ids[b] = kinds.index(name)
        table = torch.tensor(np.stack(list(PAIR_KINDS.values())), dtype=torch.complex128)
        self.ops = []
        for layer in range(max([k[0] for k in one] + [k[0] for k in two]) + 1):
            for q in range(n):
                if (layer, q) in one:
                    s = one[(layer, q)]
                    self.ops.append(("u3", (q,), torch.tensor(s["offset"]), torch.tensor(s["index"])))
            for (lay, a, c), ids in two.items():
                if lay == layer:
                    self.ops.append(("pair", (a, c), table[torch.tensor(ids)], None))

    def _apply(self, psi: torch.Tensor, mat: torch.Tensor, qubits: tuple[int, ...]) -> torch.Tensor:
        """TorchQuantum's apply_unitary_bmm: gate axes to the front, one bmm, axes back."""
        n, b = self.n, psi.shape[0]
        axes = [1 + (n - 1 - q) for q in reversed(qubits)]  # high local bit first
        rest = [i for i in range(1, n + 1) if i not in axes]
        perm = [0, *axes, *rest]
        t = psi.view(b, *([2] * n)).permute(perm).reshape(b, 2 ** len(qubits), -1)
        t = torch.bmm(mat, t).view(b, *([2] * n))
        return t.permute(np.argsort(perm).tolist()).reshape(b, 2**n)

    def states(self, params: torch.Tensor) -> torch.Tensor:
        """Final states ``(B, 2**n)`` for parameters ``(B, P)``."""
        flat = torch.cat([params, params.new_zeros(self.batch, 1)], dim=1)
        psi = torch.zeros(self.batch, 2**self.n, dtype=torch.complex128)
        psi[:, 0] = 1
        for kind, qubits, a, idx in self.ops:
            if kind == "u3":
                ang = a + flat.gather(1, idx)
                th, ph, la = ang[:, 0], ang[:, 1], ang[:, 2]
                c, s = torch.cos(th / 2).to(psi.dtype), torch.sin(th / 2).to(psi.dtype)
                eph, ela = torch.polar(torch.ones_like(ph), ph), torch.polar(torch.ones_like(la), la)
                top, bottom = torch.stack([c, -ela * s], -1), torch.stack([eph * s, eph * ela * c], -1)
                mat = torch.stack([top, bottom], -2)
            else:
                mat = a
            psi = self._apply(psi, mat, qubits)
        return psi


def u3_scores(cands, targets: torch.Tensor, init: torch.Tensor) -> tuple[float, np.ndarray]:
    """Train every candidate with the batched-U3 simulator and torch autograd; (CPU seconds, fidelities)."""
    t0 = cpu()
    sim = BatchedU3(cands)
    p = torch.nn.Parameter(init.clone())
    opt = torch.optim.Adagrad([p], lr=LR)
    tgt = targets.cpu()
    for _ in range(STEPS):
        opt.zero_grad()
        ov = (tgt.conj() * sim.states(p)).sum(-1)
        loss = 1 - (ov.real**2 + ov.imag**2)
        loss.sum().backward()
        opt.step()
    return cpu() - t0, 1 - loss.detach().numpy()


# ---------------------------------------------------------------------------------------- PennyLane peers
def pennylane_scores(circuits: list[GateList], targets: np.ndarray, inits: list[np.ndarray], device: str):
    """Train each circuit alone with PennyLane; ``device`` is ``default`` (torch, backprop) or
    ``lightning`` (adjoint); returns (CPU seconds per circuit, fidelities at the last step)."""
    import pennylane as qml

    n = circuits[0].num_qubits
    if device == "default":
        dev, method = qml.device("default.qubit", wires=n), "backprop"
    else:
        dev, method = qml.device("lightning.qubit", wires=n), "adjoint"
    fids = []
    t0 = cpu()
    for gl, target, init in zip(circuits, targets, inits, strict=True):
        # PennyLane's wire 0 is the most significant bit, Qiskit's qubit 0 the least: qubit q -> wire n-1-q
        # makes PennyLane's state vector come out in qgen's (Qiskit's) order
        def body(p, gl=gl, target=target):
            for op in gl.ops:
                angles = [p[e.terms[0][0]] for e in op.params]
                getattr(qml, PL_NAMES[op.name])(*angles, wires=[n - 1 - q for q in op.qubits])
            return qml.expval(qml.Projector(target, wires=range(n)))

        qnode = qml.QNode(body, dev, interface="torch", diff_method=method)
        p = torch.tensor(init, requires_grad=True)
        opt = torch.optim.Adagrad([p], lr=LR)
        for _ in range(STEPS):
            opt.zero_grad()
            loss = 1 - qnode(p)
            loss.backward()
            opt.step()
        fids.append(1 - float(loss.detach()))
    return (cpu() - t0) / len(circuits), np.array(fids)


# -------------------------------------------------------------------------------------------- search rows
def qiskit_gap(cands: list[GateList], params: list[torch.Tensor], count: int) -> float:
    """Largest amplitude difference between qgen and Qiskit's Statevector at the trained parameters."""
    from qiskit.quantum_info import Statevector

    worst = 0.0
    for gl, p in list(zip(cands, params, strict=True))[:count]:
        ours = statevector(gl, p.to(torch.float64)).numpy()
        bound = gl.to_qiskit().assign_parameters(p.numpy())
        worst = max(worst, float(np.abs(ours - Statevector(bound).data).max()))
    return worst


def run_size(n: int, settings: dict, device: torch.device, args, pl: bool) -> dict:
    gates, depth, count, pl_count = settings[n]
    count = args.circuits or count
    pl_count = min(args.subset or pl_count, count)
    space = SearchSpace(num_qubits=n, num_gates=gates, max_depth=depth)
    cands = space.sample_many(count, seed=args.seed)
    _, _, targets = targets_for(space, count, args.seed + 1, device)
    gen = torch.Generator().manual_seed(args.seed)
    width = max(c.num_parameters for c in cands)
    init = (torch.rand(count, width, generator=gen, dtype=torch.float64) * 2 - 1) * np.pi
    init_rows = [init[i, : c.num_parameters].numpy() for i, c in enumerate(cands)]
    warm = min(8, count)
    eng = args.engine
    warm_init = init_rows[:warm]
    train(cands[:warm], infidelity(targets[:warm]), init=warm_init, optimizer="adagrad", steps=2, engine=eng)

    # interleaved: qgen, batched-U3, qgen, batched-U3, ... (best of three each where the U3 peer takes
    # seconds, best of two from 8 qubits up; the U3 peer once above 2^18 amplitudes)
    rounds = 3 if count * 2**n <= 2**14 else 2
    q_times, u_times = [], []
    qgen_fid = res = u3_fid = None
    for r in range(rounds):
        q, fid, result = qgen_scores(cands, targets, init_rows, device, engine=eng)
        q_times.append(q)
        if r == 0:
            qgen_fid, res = fid, result
        if r == 0 or count * 2**n <= 2**18:
            u, fid_u3 = u3_scores(cands, targets, init)
            u_times.append(u)
            if r == 0:
                u3_fid = fid_u3
    qgen_s, u3_s = min(q_times), min(u_times)
    row = {
        "qubits": n,
        "engine": compile_batch(cands[:1], device=device, engine=eng).engine,
        "gates": gates,
        "candidates": count,
        "qgen_per_candidate_ms": qgen_s / count * 1e3,
        "u3_per_candidate_ms": u3_s / count * 1e3,
        "speedup_vs_u3": u3_s / qgen_s,
        "max_fidelity_gap_vs_u3": float(np.abs(qgen_fid - u3_fid).max()),
        "max_state_gap_vs_qiskit": qiskit_gap(cands, res.params, max(pl_count, 3)),
        "mean_final_fidelity": float(qgen_fid.mean()),
        "pennylane_subset": pl_count if pl else 0,
    }
    if args.complex64:
        c1, fid64, _ = qgen_scores(cands, targets, init_rows, device, torch.complex64)
        c2, _, _ = qgen_scores(cands, targets, init_rows, device, torch.complex64)
        row["qgen_complex64_per_candidate_ms"] = min(c1, c2) / count * 1e3
        row["max_fidelity_gap_complex64"] = float(np.abs(qgen_fid - fid64).max())
    if pl:
        tg = targets[:pl_count].cpu().numpy()
        for name in ("default", "lightning"):
            if n > PENNYLANE_MAX_QUBITS:
                continue  # its state projector observable is dense: 2**n x 2**n
            per, fid = pennylane_scores(cands[:pl_count], tg, init_rows[:pl_count], name)
            row[f"{name}_per_candidate_ms"] = per * 1e3
            row[f"speedup_vs_{name}"] = per / (qgen_s / count)
            row[f"max_fidelity_gap_vs_{name}"] = float(np.abs(qgen_fid[:pl_count] - fid).max())
    return row


# ---------------------------------------------------------------------------------------------- QML case
QML_QUBITS, QML_LAYERS, QML_INPUTS = 6, 3, 1000


def reuploading_circuit(n: int = QML_QUBITS, layers: int = QML_LAYERS) -> GateList:
    """Data re-uploading classifier: per layer RX(x_q) encodings, trainable RY/RZ per qubit, a CNOT ring."""
    ops = []
    for layer in range(layers):
        for q in range(n):
            ops.append(("rx", [q], [f"x{q}"]))
            ops.append(("ry", [q], [f"w{layer}_{q}_a"]))
            ops.append(("rz", [q], [f"w{layer}_{q}_b"]))
        for q in range(n):
            ops.append(("cx", [q, (q + 1) % n]))
    return GateList(n, ops)


def qml_case(pl: bool, reps: int) -> dict:
    """One circuit x 1,000 inputs, forward + gradient: qgen CircuitModule vs PennyLane broadcasting.

    ``CircuitModule`` runs on qgen.sim's one-structure / many-inputs executor
    (:class:`qgen.sim.structured.StructuredCircuit`); with numba installed that is the lanes executor
    (:mod:`qgen.sim.lanes`: the 1,000 samples in the SIMD lanes of every gate, the RX(x) RY(w) RZ(w) runs
    fused into one 2x2 matrix per sample, the CNOT rings a relabelling of rows, adjoint backward), else the
    torch stages (RX(x) as per-sample phase vectors, the weight-only gates one dense matrix per layer). qgen
    and PennyLane alternate, best of ``reps`` each; outputs and gradients are compared, and the load average
    is recorded.
    """
    gl = reuploading_circuit()
    n = gl.num_qubits
    inputs = [f"x{q}" for q in range(n)]
    x = torch.tensor(np.random.default_rng(5).uniform(-np.pi, np.pi, (QML_INPUTS, n)))
    layer = CircuitModule(gl, inputs=inputs, dtype=torch.complex128, seed=3)
    weights = layer.weights.detach().clone()

    def qgen_once(inputs=x):
        layer.zero_grad()
        out = layer(inputs)
        out.sum().backward()
        return out.detach().numpy(), layer.weights.grad.numpy().copy()

    # qgen keeps the data-only start of the circuit while the same inputs come back (a training loop);
    # alternating two input sets makes every call a fresh evaluation, the figure compared with PennyLane
    x_other = torch.tensor(np.random.default_rng(6).uniform(-np.pi, np.pi, (QML_INPUTS, n)))
    turn = [0]

    def qgen_fresh():
        turn[0] ^= 1
        return qgen_once(x_other if turn[0] else x)

    qgen_once()  # compile
    row: dict = {"qubits": n, "layers": QML_LAYERS, "inputs": QML_INPUTS, "load_average": os.getloadavg()}
    lanes = layer._compiled(layer.weights.device).uses_lanes(QML_INPUTS)
    row["executor"] = "lanes" if lanes else "torch stages"

    def best_of(fn) -> tuple[float, tuple]:
        best, result = np.inf, None
        for _ in range(reps):
            t0 = cpu()
            result = fn()
            best = min(best, cpu() - t0)
        return best, result

    row["qgen_repeated_inputs_ms"] = best_of(qgen_once)[0] * 1e3
    out, grad = qgen_once()
    best = best_of(qgen_fresh)[0]
    row["qgen_ms"] = best * 1e3
    if not pl:
        return row
    import pennylane as qml

    dev = qml.device("default.qubit", wires=n)
    names = layer.weight_names

    @qml.qnode(dev, interface="torch", diff_method="backprop")
    def circuit(xb, w):
        for op in gl.ops:
            wires = [n - 1 - q for q in op.qubits]
            if op.name == "cx":
                qml.CNOT(wires=wires)
                continue
            name = gl.parameters[op.params[0].terms[0][0]]
            arg = xb[:, inputs.index(name)] if name in inputs else w[names.index(name)]
            getattr(qml, PL_NAMES[op.name])(arg, wires=wires)
        return [qml.expval(qml.PauliZ(n - 1 - q)) for q in range(n)]

    def pl_once():
        w = weights.clone().requires_grad_()
        out = torch.stack(circuit(x, w), -1)
        out.sum().backward()
        return out.detach().numpy(), w.grad.numpy()

    pl_once()
    best_pl, (pl_out, pl_grad) = best_of(pl_once)
    best = min(best, best_of(qgen_fresh)[0])  # qgen again after PennyLane: same conditions for both
    row["qgen_ms"] = best * 1e3
    row["pennylane_broadcast_ms"] = best_pl * 1e3
    row["speedup_vs_pennylane"] = best_pl / best
    row["max_output_gap"] = float(np.abs(out - pl_out).max())
    row["max_gradient_gap"] = float(np.abs(grad - pl_grad).max())
    row["load_average_after"] = os.getloadavg()
    return row


# ------------------------------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=None, choices=sorted(SETTINGS))
    parser.add_argument("--quick", action="store_true", help="small batches (smoke run)")
    parser.add_argument("--device", default="cpu", help="cpu, cuda or auto (qgen only)")
    parser.add_argument("--circuits", type=int, default=None, help="override the batched candidate count")
    parser.add_argument("--subset", type=int, default=None, help="override the PennyLane subset size")
    parser.add_argument("--no-qml", action="store_true", help="skip the one-circuit x 1,000 inputs case")
    parser.add_argument("--complex64", action="store_true", help="also time qgen in complex64 (opt-in)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=None, help="write the results as JSON")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    engines = ["auto", "program", "torch"]
    parser.add_argument("--engine", default="auto", choices=engines, help="qgen.sim executor (default auto)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    settings = QUICK if args.quick else SETTINGS
    sizes = args.sizes or ([4, 8] if args.quick else [4, 8, 12, 16])
    pl = have_pennylane()
    machine = {
        "cpu": platform.processor() or platform.machine(),
        "threads": torch.get_num_threads(),
        "device": torch.cuda.get_device_name(0) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "load_average": os.getloadavg(),
    }
    print(f"sim_bench on {machine}: {STEPS} Adagrad steps (lr {LR}) per candidate, fidelity loss, CPU ms")
    if not pl:
        print(f"PennyLane is not installed; its columns are skipped ({INSTALL_HINT})")
    rows = []
    print(
        f"{'qubits':>6} {'gates':>5} {'cands':>6} {'qgen':>9} {'U3-batch':>9} {'ratio':>6} "
        f"{'default':>9} {'ratio':>6} {'lightning':>9} {'ratio':>6} {'fid gap':>8} {'qiskit':>8}"
    )
    for n in sizes:
        r = run_size(n, settings, device, args, pl)
        rows.append(r)
        peers = ("default", "lightning")
        gaps = [r["max_fidelity_gap_vs_u3"]] + [r.get(f"max_fidelity_gap_vs_{k}", 0.0) for k in peers]
        skipped = f" {'-':>9} {'-':>6}"
        pl_cols = "".join(
            f" {r[f'{k}_per_candidate_ms']:>9.1f} {r[f'speedup_vs_{k}']:>5.0f}x"
            if f"{k}_per_candidate_ms" in r
            else skipped
            for k in peers
        )
        print(
            f"{r['qubits']:>6} {r['gates']:>5} {r['candidates']:>6} {r['qgen_per_candidate_ms']:>9.3f} "
            f"{r['u3_per_candidate_ms']:>9.2f} {r['speedup_vs_u3']:>5.1f}x{pl_cols} {max(gaps):>8.1e} "
            f"{r['max_state_gap_vs_qiskit']:>8.1e}",
            flush=True,
        )
        if args.complex64:
            print(
                f"{'':>20} qgen complex64 {r['qgen_complex64_per_candidate_ms']:.3f} ms per candidate, "
                f"fidelity gap to complex128 {r['max_fidelity_gap_complex64']:.1e}"
            )
    result = {"machine": machine, "rows": rows}
    if not args.no_qml:
        gc.collect()  # the large cases' garbage is not collected inside the timed calls
        q = qml_case(pl, reps=2 if args.quick else 7)
        result["qml"] = q
        line = f"QML: {q['qubits']} qubits, {q['layers']} layers, {q['inputs']} inputs, forward+gradient: "
        line += f"qgen {q['qgen_ms']:.1f} ms"
        if pl:
            line += (
                f", PennyLane broadcasting {q['pennylane_broadcast_ms']:.1f} ms "
                f"({q['speedup_vs_pennylane']:.0f}x); "
                f"output gap {q['max_output_gap']:.1e}, gradient gap {q['max_gradient_gap']:.1e}"
            )
        print(line)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
