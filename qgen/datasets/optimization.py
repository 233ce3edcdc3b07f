"""Build the rows of one shard of the optimisation dataset: instances, circuits, training, exact checks.

Per shard: every row's instance is generated from its own seed and solved exactly; rows are grouped by
(method, qubits, ansatz) and each group is trained as one qgen.sim batch (ADAPT-VQE groups run the adaptive
loop together). The stored numbers (expectation value, probabilities) come from a complex128 simulation of the
very circuit that is written as bound OpenQASM 3 (floats at full precision), so re-simulating the text gives
them back (checked by :func:`qgen.datasets.verify.verify_rows`).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import torch

from qgen.circuits import dumps, profile
from qgen.datasets.adapt import adapt_vqe
from qgen.datasets.ansatze import AnsatzCircuit, build_ansatz
from qgen.datasets.optimization_plan import OptimizationConfig, Task, shard_tasks
from qgen.datasets.optimize import diagonals, optimise_group, random_mean_energies
from qgen.datasets.problems import PROBLEMS, ExactSolution, Instance, solve_exact
from qgen.datasets.prompts import TEMPLATES, PromptInput, messages, render
from qgen.sim import CompiledBatch, from_qiskit


def final_probabilities(circuits: Sequence, params: Sequence[np.ndarray]) -> tuple[list, np.ndarray]:
    """Bound Qiskit circuits and their exact probabilities ``(B, 2**n)`` (complex128)."""
    bound = [
        c.assign_parameters(list(map(float, p))) if c.num_parameters else c
        for c, p in zip(circuits, params, strict=True)
    ]
    batch = CompiledBatch([from_qiskit(b) for b in bound], torch.complex128, torch.device("cpu"))
    with torch.no_grad():
        psi = batch.run(None)
    return bound, (psi.real**2 + psi.imag**2).numpy()


def _seed(config: OptimizationConfig, shard: int, group: int) -> int:
    return int(np.random.SeedSequence([config.seed, shard, group, 2]).generate_state(1)[0])


def run_shard(config: OptimizationConfig, shard: int) -> tuple[list[dict], dict]:
    """All rows of shard ``shard`` (plan order), as dicts matching ``OPTIMIZATION_SCHEMA``, and notes."""
    cfg = config.resolved()
    tasks = shard_tasks(cfg, shard)
    instances: dict[int, tuple[Instance, ExactSolution]] = {}
    for t in tasks:
        inst = PROBLEMS[t.problem].generate(t.size, np.random.default_rng(t.instance_seed(cfg.seed)))
        instances[t.index] = (inst, solve_exact(inst.hamiltonian))
    groups: dict[tuple, list[Task]] = defaultdict(list)
    for t in tasks:
        groups[(t.method, t.num_qubits, t.ansatz)].append(t)
    rows: dict[int, dict] = {}
    for g, key in enumerate(sorted(groups)):
        members = groups[key]
        seed = _seed(cfg, shard, g)
        insts = [instances[t.index][0] for t in members]
        sols = [instances[t.index][1] for t in members]
        hams = [i.hamiltonian for i in insts]
        diag = diagonals(hams)
        extra: list[dict] = [{} for _ in members]
        if key[0] == "adapt":
            res = adapt_vqe(hams, diag, sols, cfg.train, seed)
            circuits, params = res.circuits, res.params
            for k in range(len(members)):
                extra[k] = {
                    "converged": bool(res.converged[k]),
                    "train_steps": int(res.steps[k]),
                    "train_starts": 1,
                    "adapt_gradient_norm": float(res.grad_norm[k]),
                }
            rmean, rstd = random_mean_energies(
                [c.trainable for c in circuits], diag, cfg.train.random_samples, seed + 1
            )
        else:
            circuits = [build_ansatz(t.ansatz, h, t.layers) for t, h in zip(members, hams, strict=True)]
            rmean, rstd = random_mean_energies(
                [c.trainable for c in circuits], diag, cfg.train.random_samples, seed + 1
            )
            circuits, rmean, rstd = _unflatten(circuits, hams, diag, rmean, rstd, cfg, seed)
            res = optimise_group(circuits, hams, sols, rmean, cfg.train, seed)
            params = res.params
            for k in range(len(members)):
                extra[k] = {
                    "converged": bool(res.converged[k]),
                    "train_steps": int(res.steps[k]),
                    "train_starts": int(res.starts[k]),
                    "adapt_gradient_norm": None,
                }
        bound, probs = final_probabilities([c.circuit for c in circuits], params)
        for k, t in enumerate(members):
            rows[t.index] = _row(
                cfg,
                t,
                insts[k],
                sols[k],
                circuits[k],
                params[k],
                bound[k],
                probs[k],
                diag[k],
                float(rmean[k]),
                float(rstd[k]),
                extra[k],
            )
    return [rows[t.index] for t in tasks], {}


def _unflatten(circuits, hams, diag, rmean, rstd, cfg: OptimizationConfig, seed: int):
    """Give a layer more to circuits whose energy does not depend on their parameters (zero spread over
    random parameters: e.g. Sim et al. circuit 9 with few layers on some graphs), up to 3 more."""
    circuits, rmean, rstd = list(circuits), np.array(rmean), np.array(rstd)
    for _ in range(3):
        flat = [k for k in range(len(circuits)) if rstd[k] <= 1e-9 * (1.0 + abs(rmean[k]))]
        if not flat:
            break
        for k in flat:
            circuits[k] = build_ansatz(circuits[k].ansatz, hams[k], circuits[k].layers + 1)
        m, s = random_mean_energies(
            [circuits[k].trainable for k in flat], diag[flat], cfg.train.random_samples, seed + 1
        )
        rmean[flat], rstd[flat] = m, s
    return circuits, rmean, rstd


def _row(
    cfg: OptimizationConfig,
    task: Task,
    inst: Instance,
    sol: ExactSolution,
    circuit: AnsatzCircuit,
    params: np.ndarray,
    bound,
    probs: np.ndarray,
    diag: np.ndarray,
    rmean: float,
    rstd: float,
    extra: dict,
) -> dict:
    n = inst.num_qubits
    energy = float(probs @ diag)
    order = np.argsort(-probs, kind="stable")[: min(cfg.top_k, probs.size)]
    bits = [format(int(i), f"0{n}b") for i in order]
    ground = set(sol.ground_indices.tolist())
    prof = profile(bound)
    qasm = dumps(bound, version=3)
    fam = PROBLEMS[task.problem]
    rng = np.random.default_rng(np.random.SeedSequence([cfg.seed, task.index, 3]))
    template = int(rng.integers(len(TEMPLATES)))
    prompt = render(
        template,
        PromptInput(fam.title, inst.text, n, task.method, circuit.ansatz, circuit.layers, inst.hamiltonian),
    )
    paulis = inst.hamiltonian.paulis.to_labels()
    row = {
        "id": f"s{cfg.seed}-{task.index:06d}",
        "index": task.index,
        "split": task.split,
        "problem": task.problem,
        "problem_title": fam.title,
        "sense": fam.sense,
        "problem_size": task.size,
        "graph": inst.graph_json(),
        "instance": json.dumps(inst.data, sort_keys=True),
        "instance_text": inst.text,
        "num_qubits": n,
        "hamiltonian_paulis": paulis,
        "hamiltonian_coeffs": [float(c.real) for c in inst.hamiltonian.coeffs],
        "method": task.method,
        "ansatz": circuit.ansatz,
        "layers": circuit.layers,
        "num_parameters": len(params),
        "parameters": [float(p) for p in params],
        "expectation_value": energy,
        "random_mean_energy": rmean,
        "random_std_energy": rstd,
        "beats_random": energy < rmean,
        "top_bitstrings": bits,
        "top_probabilities": [float(probs[i]) for i in order],
        "most_probable": bits[0],
        "ground_energy": sol.ground_energy,
        "first_excited_energy": sol.first_excited_energy,
        "max_energy": sol.max_energy,
        "ground_states": list(sol.ground_states),
        "num_ground_states": len(sol.ground_states),
        "ground_state_probability": float(probs[sol.ground_indices].sum()),
        "success": int(order[0]) in ground,
        "approximation_ratio": sol.approximation_ratio(energy),
        "depth": prof.depth,
        "num_gates": prof.size,
        "two_qubit_gates": prof.two_qubit_count,
        "qasm3": qasm,
        "qasm3_symbolic": dumps(circuit.circuit, version=3),
        "prompt": prompt,
        "response": qasm,
        "messages": messages(prompt, qasm),
        "prompt_template": template,
        "seed": cfg.seed,
    }
    row.update(extra)
    return row
