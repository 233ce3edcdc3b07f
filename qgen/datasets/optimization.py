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
from qgen.datasets.builders import DatasetKind, register_kind
from qgen.datasets.compact import compact_qasm3, round_parameters
from qgen.datasets.errors import DatasetError
from qgen.datasets.optimization_plan import OptimizationConfig, Task, shard_tasks
from qgen.datasets.optimize import diagonals, optimise_group, random_mean_energies
from qgen.datasets.problems import PROBLEMS, ExactSolution, Instance, solve_exact
from qgen.datasets.prompts import (
    COMPACT_SYSTEM_PROMPT,
    TEMPLATES,
    PromptInput,
    graph_form,
    messages,
    render,
    short_prompt,
)
from qgen.datasets.schemas import DEFAULT_MAX_QUBITS, OPTIMIZATION_FIELDS, split_list
from qgen.executors import tick
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
        # rounded before the stored circuit is simulated: the stored numbers are those of the short angles
        params = [round_parameters(p) for p in params]
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
            tick(1)
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
    item = PromptInput(fam.title, inst.text, n, task.method, circuit.ansatz, circuit.layers, inst.hamiltonian)
    prompt = render(template, item)
    compact = compact_qasm3(circuit.circuit, params, circuit.layers, fold_layers=task.method != "adapt")
    short = short_prompt(item, graph_form(task.problem, inst.graph, n, inst.data))
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
        "qasm3_compact": compact,
        "prompt": prompt,
        "response": qasm,
        "prompt_compact": short,
        "messages": messages(short, compact, COMPACT_SYSTEM_PROMPT),
        "prompt_template": template,
        "seed": cfg.seed,
    }
    row.update(extra)
    return row


# ----------------------------------------------------------------------------------------- dataset kind
def _stats(g) -> dict:
    return {
        "rows": len(g),
        "qubits": f"{g.num_qubits.min()}-{g.num_qubits.max()}",
        "success_rate": round(float(g.success.mean()), 3),
        "beats_random_rate": round(float(g.beats_random.mean()), 3),
        "mean_approximation_ratio": round(float(g.approximation_ratio.mean()), 3),
        "mean_ground_state_probability": round(float(g.ground_state_probability.mean()), 3),
        "converged_rate": round(float(g.converged.mean()), 3),
    }


def _check(row: dict, atol: float) -> tuple[list[str], dict[str, float]]:
    from qgen.datasets.verify import verify_optimization_row

    e_err, p_err, problems = verify_optimization_row(row, atol)
    if "qasm3_compact" in row:
        problems += compact_problems(row)
    return problems, {"energy": e_err, "probability": p_err}


def compact_problems(row: dict, atol: float = 1e-10) -> list[str]:
    """Whether ``qasm3_compact`` loads and gives the state of ``qasm3`` (complex128, to ``atol``)."""
    from qgen.circuits import load
    from qgen.sim import statevector

    try:
        psi = statevector(load(row["qasm3_compact"]), dtype=torch.complex128).numpy()
    except Exception as exc:  # noqa: BLE001 - any failure to load is a problem of this row
        return [f"{row['id']}: qasm3_compact does not load: {exc}"]
    ref = statevector(load(row["qasm3"]), dtype=torch.complex128).numpy()
    err = float(np.max(np.abs(psi - ref)))
    return [f"{row['id']}: qasm3_compact gives another state (max deviation {err:.2e})"] if err > atol else []


def _methods(value: str | None) -> tuple[tuple[str, float], ...] | None:
    """``qaoa,vqe`` (equal weights) or ``qaoa=0.5,vqe=0.3,adapt=0.2``."""
    if not value:
        return None
    out = []
    for item in split_list(value):
        name, _, weight = item.partition("=")
        try:
            out.append((name.strip(), float(weight) if weight else 1.0))
        except ValueError:
            raise DatasetError(f"--methods: weight of {name!r} is not a number: {weight!r}") from None
    return tuple(out)


def config_from_options(o: dict) -> OptimizationConfig:
    """The config of ``qgen dataset build optimization`` options (None: not given)."""
    from dataclasses import replace

    from qgen.datasets.optimize import TrainSettings

    cfg = OptimizationConfig(max_qubits=o.get("max_qubits") or DEFAULT_MAX_QUBITS, seed=o.get("seed", 0))
    for key in ("size", "min_qubits", "shard_size"):
        if o.get(key) is not None:
            cfg = replace(cfg, **{key: o[key]})
    cfg = replace(cfg, problems=split_list(o.get("problems")), ansatze=split_list(o.get("ansatze")))
    if (m := _methods(o.get("methods"))) is not None:
        cfg = replace(cfg, methods=m)
    if o.get("steps") is not None:
        cfg = replace(cfg, train=replace(TrainSettings(), steps=o["steps"]))
    return cfg


def command_parts(cfg: OptimizationConfig) -> list[str]:
    """The options that describe ``cfg`` on a command line."""
    parts = ["--max-qubits", str(cfg.max_qubits), "--min-qubits", str(cfg.min_qubits)]
    parts += ["--size", str(cfg.size)]
    return parts + (["--problems", ",".join(cfg.problems)] if cfg.problems else [])


KIND = register_kind(
    DatasetKind(
        name="optimization",
        description="optimised QAOA / VQE / ADAPT-VQE circuits for combinatorial problems with exact "
        "solutions",
        config_type=OptimizationConfig,
        fields=OPTIMIZATION_FIELDS,
        run_shard=run_shard,
        title="qgen optimisation circuits (QAOA / VQE / ADAPT-VQE with exact solutions)",
        license="apache-2.0",
        tags=("qaoa", "vqe", "combinatorial-optimization"),
        stats_keys=("problem", "ansatz"),
        stats_columns=(
            "problem", "ansatz", "num_qubits", "success", "beats_random", "approximation_ratio",
            "ground_state_probability", "converged",
        ),
        group_stats=_stats,
        check_row=_check,
        deviations=("energy", "probability"),
        guarantee=(
            "For every row, `qasm3` parses with `qgen.load` and simulating it (qgen.sim, complex128) "
            "reproduces "
            "`expectation_value` and `top_probabilities` to 1e-6; `qasm3_symbolic` with `parameters` "
            "gives the "
            "same state. `qgen dataset verify DIR` checks every row (`--sample N` for a random sample)."
        ),
        stats_note=(
            "success = the most probable bitstring is a ground state; approximation ratio = "
            "(E_max - E) / (E_max - E_0) with exact E_0 and E_max; beats random = E below the mean energy of "
            "the same circuit with random parameters.\n\n"
        ),
        limitations=(
            "- Instances are small (exact enumeration; default at most 10 qubits) and random; they are not "
            "drawn from an application.\n"
            "- Low-depth QAOA and hardware-efficient VQE often cannot make a ground state the most probable "
            "outcome; such rows are kept (success = false) with their best energy.\n"
            "- Penalty weights are the smallest simple bounds that make ground states feasible, not "
            "tuned for "
            "trainability.\n"
            "- Training uses Adam with the ground-state stop rule (and an energy below the random mean); the "
            "paper's setting was AdamW, lr 0.01, 500 steps, up to 3 restarts."
        ),
        cli_options=("max_qubits", "min_qubits", "problems", "methods", "ansatze", "steps"),
        config_from_options=config_from_options,
        command_parts=command_parts,
    )
)  # fmt: skip
