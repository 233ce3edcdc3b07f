"""``qgen search``: run search methods over seeds on an embedded pool, export the best circuits, report.

>>> import tempfile
>>> from qgen.search import SearchSpace, build_pool, make_task
>>> pool = build_pool(SearchSpace(2, 3, None, gate_pool=("ry", "cx")), 30, seed=0)
>>> emb = np.random.default_rng(0).normal(size=(30, 4))
>>> res = search(make_task("state_prep", 2), pool, emb, methods=["random"], budget=10, seeds=2,
...              out_dir=tempfile.mkdtemp())
>>> res.summary["random"]["best_reward"]["max"] <= 1.0
True
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from qgen._version import __version__
from qgen.executors import Executor
from qgen.files import atomic_write_text
from qgen.progress import Progress, report
from qgen.search.errors import SearchError
from qgen.search.methods import METHODS, Trace, latent_methods
from qgen.search.oracle import RewardTable
from qgen.search.pool import Pool, atomic_savez, space_to_dict
from qgen.search.report import plot_traces, summarise
from qgen.search.tasks.base import Task


@dataclass
class SearchResult:
    """Outcome of :func:`search`.

    Attributes:
        traces: per method, one :class:`Trace` per seed.
        summary: per method, medians / IQRs of the metrics (see :func:`qgen.search.report.summarise`).
        best: per method, the best circuit found (pool index, reward, files, reproduction check).
        out_dir: where ``results.json``, ``plot.png`` and the best circuits were written.
    """

    traces: dict[str, list[Trace]]
    summary: dict[str, dict]
    best: dict[str, dict]
    out_dir: Path | None
    table: RewardTable
    config: dict = field(default_factory=dict)


def search(
    task: Task,
    pool: Pool,
    embeddings: np.ndarray | None,
    *,
    methods: Sequence[str] = ("random", "reinforce", "bo"),
    budget: int = 1000,
    seeds: int | Sequence[int] = 20,
    out_dir: str | Path | None = None,
    table: RewardTable | None = None,
    precompute: bool | None = None,
    method_kwargs: dict[str, dict] | None = None,
    device: str = "cpu",
    progress: Progress | None = None,
    extra_config: dict | None = None,
    executor: Executor | None = None,
) -> SearchResult:
    """Search ``pool`` for circuits that do well on ``task`` with each method and seed.

    Args:
        task: a task from :func:`qgen.search.make_task`.
        pool: the candidate circuits (:func:`qgen.search.build_pool`).
        embeddings: ``(len(pool), d)`` arch2vec embeddings (:func:`qgen.search.arch2vec.embed_pool`); ``None``
            when every method reads the circuits' structure (``predictor``, ``random``).
        methods: names in :data:`qgen.search.methods.METHODS` (random, reinforce, bo, predictor).
        budget: evaluations per run (paper: 1,000).
        seeds: number of seeds (0, 1, ...) or explicit seeds.
        out_dir: folder for ``results.json``, ``plot.png``, ``traces.npz``, ``best_<method>.qasm`` / ``.json``
            and the reward cache ``rewards.npz`` (a rerun resumes from it); ``None`` writes nothing.
        table: reward cache to use (default: a new :class:`RewardTable`, cached in ``out_dir``).
        precompute: score the whole pool first (tabular benchmark) instead of on demand; ``None`` (default)
            does so when the pool is no larger than the evaluations the runs may make (budget x runs):
            one large batch trains far faster than many small ones, and a cached reward does not depend on
            its batch, so the results are the same.
        method_kwargs: per method, constructor arguments (e.g. ``{"bo": {"top_k": 5}}``).
        device: simulation device for scoring.
        progress: receives the table's scoring and one ``advance`` per evaluated circuit (task
            ``"searching"``, total budget x runs, with the method, seed and best reward so far).
        extra_config: more entries for the ``config`` block of ``results.json``.
        executor: runs the seeds (and the ``precompute`` batches) in parallel, here or on a Ray cluster
            (:func:`qgen.executors.get_executor`); default: one after the other in this process. Rewards do
            not depend on the batch a circuit is scored in, so the results are the same.

    Returns:
        A :class:`SearchResult`.

    Raises:
        SearchError: embeddings that do not match the pool, no methods or seeds.
        UnknownNameError: an unknown method name.
    """
    seed_list = list(range(seeds)) if isinstance(seeds, int) else [int(s) for s in seeds]
    if not seed_list or not methods:
        raise SearchError("give at least one method and one seed")
    classes = {m: METHODS[m] for m in methods}  # unknown names fail before any work
    if embeddings is None:
        if latent := latent_methods(classes):
            raise SearchError(
                f"{', '.join(latent)} search(es) arch2vec's latent space: give the pool's embeddings"
            )
        emb = np.zeros((len(pool), 0))
    else:
        emb = np.asarray(embeddings)
    if emb.ndim != 2 or emb.shape[0] != len(pool):
        raise SearchError(f"embeddings of shape {emb.shape} do not match a pool of {len(pool)} circuits")
    if pool.space.num_qubits != task.num_qubits:
        raise SearchError(
            f"the pool has {pool.space.num_qubits} qubits; task {task.name!r} has {task.num_qubits}"
        )
    out = Path(out_dir) if out_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    if table is None:
        cache = None if out is None else out / "rewards.npz"
        table = RewardTable(pool, task, cache=cache, batch_size=512, device=device)  # a bar step per 512
    runs = len(classes) * len(seed_list)
    if precompute is None:
        precompute = len(pool) <= budget * runs
    if precompute:
        table.fill(progress=progress, executor=executor)
    kwargs = method_kwargs or {}
    traces: dict[str, list[Trace]] = {}
    structure: np.ndarray | None = None  # grid features, for methods with inputs = "structure"
    bar = report(progress)
    bar.start("searching", total=budget * runs, unit="circuit")
    t0 = time.perf_counter()
    for name, cls in classes.items():
        opts = dict(kwargs.get(name, {}))
        if name == "reinforce":
            opts.setdefault("threshold", task.threshold)
        traces[name] = []
        if cls.inputs == "structure" and structure is None:
            from qgen.search.features import grid_features

            structure = grid_features(pool)
        inputs = structure if cls.inputs == "structure" else emb
        if executor is None:
            for seed in seed_list:
                counted = _CountingOracle(table, bar, name, seed)
                traces[name].append(cls(**opts).run(inputs, counted, budget, seed))
                if counted.count < budget:  # a run that stopped early (pool exhausted) keeps the total right
                    bar.advance("searching", budget - counted.count, method=name, seed=seed)
        else:  # one task per seed; this process keeps the traces and the circuits the runs scored
            shared = table.detached()  # one copy for all seeds (Ray stores it once)
            jobs = [(cls, opts, inputs, shared, budget, seed) for seed in seed_list]
            done: dict[int, Trace] = {}
            for i, (trace, scored) in executor.map(run_seed, jobs):
                table.merge(scored)
                done[i] = trace
                bar.advance("searching", budget, method=name, seed=seed_list[i])
            traces[name] = [done[i] for i in range(len(seed_list))]
    bar.finish("searching")
    summary = {
        name: summarise(runs, task.threshold, task.strict_threshold, budget) for name, runs in traces.items()
    }
    config = {
        "task": task.describe(),
        "methods": {name: kwargs.get(name, {}) for name in classes},
        "budget": budget,
        "seeds": seed_list,
        "pool": {"size": len(pool), "seed": pool.seed, "space": space_to_dict(pool.space)},
        "embedding_dim": int(emb.shape[1]) if embeddings is not None else None,
        "precomputed": bool(precompute),
        "versions": {"qgen": __version__, "torch": torch.__version__, "python": platform.python_version()},
        **(extra_config or {}),
    }
    best = {name: _best(runs, table) for name, runs in traces.items()}
    if out is not None:
        for name, info in best.items():
            info.update(export_best(task, pool, table, info["index"], out, f"best_{name}"))
        result = {
            "config": config,
            "summary": summary,
            "best": best,
            "scored_circuits": table.scored,
            "seconds": time.perf_counter() - t0,
        }
        atomic_write_text(out / "config.json", json.dumps(config, indent=2, default=str))
        atomic_write_text(out / "results.json", json.dumps(result, indent=2, default=_json))
        atomic_savez(
            out / "traces.npz",
            **{f"{m}_indices": np.stack([t.indices for t in r]) for m, r in traces.items()},
            **{f"{m}_rewards": np.stack([t.rewards for t in r]) for m, r in traces.items()},
        )
        plot_traces(
            traces, out / "plot.png", _title(f"{task.name} ({task.num_qubits} qubits): {task.metric}"),
            {"threshold": task.threshold, "strict": task.strict_threshold},
        )  # fmt: skip
    return SearchResult(traces, summary, best, out, table, config)


def run_seed(cls, opts: dict, inputs: np.ndarray, table: RewardTable, budget: int, seed: int):
    """One search run (a pure task): its trace and the scores it added to its copy of the table."""
    table = table.detached()  # writable arrays (Ray hands shared arguments out read-only)
    before = table.reward.copy()
    trace = cls(**opts).run(inputs, table, budget, seed)
    return trace, table.scored_since(before)


class _CountingOracle:
    """The reward table as a method sees it, reporting each evaluated circuit to the progress."""

    def __init__(self, table: RewardTable, bar: Progress, method: str, seed: int) -> None:
        self.table, self.bar, self.method, self.seed = table, bar, method, seed
        self.count, self.best = 0, float("-inf")

    def __call__(self, indices: np.ndarray | list[int]) -> np.ndarray:
        """Rewards of ``indices`` (scored by the table), then one progress step per circuit."""
        rewards = self.table(indices)
        if len(rewards):
            self.count += len(rewards)
            self.best = max(self.best, float(np.max(rewards)))
            self.bar.advance("searching", len(rewards), method=self.method, seed=self.seed, best=self.best)
        return rewards

    def __getattr__(self, name: str):
        return getattr(self.table, name)


def _title(text: str, width: int = 64) -> str:
    """A plot title wrapped onto lines of at most ``width`` characters (never cut off at the edge)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def _best(runs: list[Trace], table: RewardTable) -> dict:
    flat_r = np.concatenate([t.rewards for t in runs])
    flat_i = np.concatenate([t.indices for t in runs])
    k = int(np.argmax(flat_r))
    return {"index": int(flat_i[k]), "reward": float(flat_r[k])}


def export_best(task: Task, pool: Pool, table: RewardTable, index: int, out: Path, stem: str) -> dict:
    """Write a pool circuit as QASM 3 (symbolic parameters), its record and its values file; check them.

    ``<stem>.values.json`` is ``{name: value}`` of the circuit's parameters (``qgen simulate/compile/run
    --values`` read it); ``<stem>.json`` is the record (task, reward, values with any readout values of the
    task (:meth:`Task.named_values`), inputs, reloaded reward).

    The check reloads the QASM with :func:`qgen.load`, binds the saved values and recomputes the reward with
    the task's independent evaluator (Qiskit ``Statevector`` or :class:`qgen.sim.CircuitModule`).

    Returns:
        File names, the reloaded reward, and ``reproduced`` (``|reloaded - reward| <= 1e-6``).
    """
    from qgen.circuits import dumps, load

    circuit = task.export(pool.gatelist(index))
    named = task.named_values(pool.gatelist(index), table.trained_params(index))
    symbols = {p.name for p in circuit.parameters}
    qasm_path, json_path = out / f"{stem}.qasm", out / f"{stem}.json"
    atomic_write_text(qasm_path, dumps(circuit, version=3))
    reward = float(table.reward[index])
    reloaded = load(qasm_path)
    again = task.evaluate(reloaded, named)
    inputs = [p.name for p in circuit.parameters if p.name not in named]
    meta = {
        "task": task.name,
        "metric": task.metric,
        "reward": reward,
        "pool_index": index,
        "values": named,
        "inputs": inputs,
        "reloaded_reward": again,
    }
    extra = task.report(reloaded, named)
    meta.update(extra)
    atomic_write_text(json_path, json.dumps(meta, indent=2))
    values_path = out / f"{stem}.values.json"  # the values-file format: {name: value}
    atomic_write_text(values_path, json.dumps({k: v for k, v in named.items() if k in symbols}, indent=2))
    return {
        "qasm": qasm_path.name,
        "values": json_path.name,
        "values_file": values_path.name,
        "reloaded_reward": again,
        "reproduced": bool(abs(again - reward) <= 1e-6),
        **extra,
    }


def _json(obj):
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)
