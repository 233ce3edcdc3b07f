"""Run a build: resume, ``--shard i/N``, an executor (local processes or Ray), progress, then the card."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qgen.datasets.builders import BUILDERS
from qgen.datasets.errors import DatasetError
from qgen.datasets.shards import ShardSpec, _clean, shard_record, versions, write_atomic, write_shard
from qgen.executors import Executor, counted_ticks, get_executor
from qgen.progress import Progress, report


@dataclass
class BuildReport:
    """What a build run did."""

    out: Path
    kind: str
    num_shards: int
    selected: list[int]
    built: list[int]
    skipped: list[int]
    rows: int
    seconds: float
    complete: bool


def build_shard(kind: str, config_dict: dict, shard: int, module: str | None = None) -> tuple:
    """Make the rows of one shard: a pure function of (kind, config, shard) that writes nothing.

    Runs wherever the executor puts it (this process, a local worker process, a Ray worker); the driver
    writes the shard (:func:`qgen.datasets.shards.write_shard`). ``module`` is the module that registers
    ``kind`` (a fresh worker imports it first).

    Returns:
        ``(rows, notes, seconds, ticked)``: ``ticked`` is how many units the builder reported with
        :func:`qgen.executors.tick` (the driver advances the progress by the rest).
    """
    import importlib

    import torch

    if kind not in BUILDERS and module:
        importlib.import_module(module)
    builder = BUILDERS[kind]
    config = builder.config_type.from_dict(config_dict)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one shard per core; also keeps results independent of the worker count
    try:
        start, cpu = time.perf_counter(), time.process_time()
        with counted_ticks() as ticked:
            rows, notes = builder.run_shard(config, shard)
        notes = {**notes, "cpu_seconds": round(time.process_time() - cpu, 3)}
        return rows, notes, time.perf_counter() - start, ticked.n
    finally:
        torch.set_num_threads(threads)


def prepare(out: Path, kind: str, config, command: str | None, overwrite: bool) -> dict:
    """Create or check ``build.json`` (a rerun must use the same kind and config)."""
    builder = BUILDERS[kind]
    resolved = config.resolved()
    meta = {
        "kind": kind,
        "config": json.loads(json.dumps(resolved.to_dict())),  # lists, as read back from build.json
        "num_shards": resolved.num_shards,
        "versions": versions(),
        "command": command,
    }
    path = out / "build.json"
    if path.is_file() and not overwrite:
        old = json.loads(path.read_text(encoding="utf-8"))
        if old.get("kind") != kind or old.get("config") != meta["config"]:
            diff = sorted(
                k
                for k in set(old.get("config", {})) | set(meta["config"])
                if old.get("config", {}).get(k) != meta["config"].get(k)
            )
            raise DatasetError(
                f"{out} holds a different build ({old.get('kind')}; differing settings: "
                f"{', '.join(diff) or 'kind'}): use another --out, the same settings to resume, "
                "or --overwrite"
            )
        return old
    if overwrite and out.exists():
        import shutil

        for name in ("data", "shards", "README.md", "build.json"):
            target = out / name
            if target.is_dir():
                shutil.rmtree(target)
            elif target.exists():
                target.unlink()
    out.mkdir(parents=True, exist_ok=True)
    meta["builder"] = builder.description
    write_atomic(path, json.dumps(meta, indent=1, sort_keys=True))
    return meta


def run_build(
    kind: str,
    out: str | os.PathLike,
    config,
    *,
    workers: int = 0,
    shard: ShardSpec | str | None = None,
    command: str | None = None,
    overwrite: bool = False,
    progress: Progress | Callable[[int, int, int], None] | None = None,
    card_verify_sample: int = 8,
    executor: Executor | None = None,
) -> BuildReport:
    """Build (or resume) a dataset of ``kind`` into ``out``.

    Args:
        kind: a name in :data:`BUILDERS` (``optimization``, ``algorithms``; ``architectures`` once
            :mod:`qgen.search.architectures` is imported).
        out: the build folder.
        config: the kind's config (``OptimizationConfig`` / ``AlgorithmConfig``).
        workers: processes of the default local executor (0: one per CPU core, at most one per pending
            shard; 1: this process); ignored when ``executor`` is given.
        shard: ``i/N`` to build only part ``i`` of ``N`` (merge the parts with :func:`merge`).
        command: the command line, recorded in ``build.json`` and the card.
        overwrite: discard an existing build in ``out`` instead of resuming it.
        progress: a :class:`qgen.progress.Progress` (advanced by rows; algorithms: tasks), or a callback
            ``(done, total, shards_done)``.
        card_verify_sample: rows re-simulated from their QASM for the card once the build is complete.
        executor: where the shards' rows are made (:func:`qgen.executors.get_executor`; default: local
            processes). Whatever runs them, this process writes every shard, so the same seed gives the
            same files and an interruption keeps every written shard.

    Returns:
        A :class:`BuildReport`.

    Raises:
        DatasetError: bad settings, or ``out`` holds a different build.
    """
    from qgen.datasets.card import write_card

    start = time.perf_counter()
    out = Path(out)
    BUILDERS[kind]  # unknown kinds fail before any work
    config = config.resolved()
    spec = ShardSpec.parse(shard) if isinstance(shard, str) else shard
    meta = prepare(out, kind, config, command, overwrite)
    num = int(meta["num_shards"])
    selected = spec.select(num) if spec else list(range(num))
    pending = [s for s in selected if shard_record(out, s) is None]
    done_before = [s for s in selected if s not in pending]
    rows_per_shard = config.shard_length
    total = sum(rows_per_shard(s) for s in pending)
    tracker = _Tracker(progress, total, kind)
    if executor is None:
        executor = get_executor("local", workers=workers)  # at most one process per pending shard
    module = BUILDERS[kind].run_shard.__module__
    config_dict = config.to_dict()
    built_rows = 0
    try:
        tasks = [(kind, config_dict, s, module) for s in pending]
        for i, (rows, notes, seconds, ticked) in executor.map(build_shard, tasks, progress=tracker.tick):
            s = pending[i]
            _clean(out, s)  # what an interrupted earlier run left of this shard
            record = write_shard(out, BUILDERS[kind], s, rows, notes, seconds)
            built_rows += record["rows"]
            tracker.shard_done(max(0, rows_per_shard(s) - ticked))
    finally:
        tracker.close()
    complete = all(shard_record(out, s) is not None for s in range(num))
    write_card(out, verify_sample=card_verify_sample)
    return BuildReport(
        out, kind, num, selected, pending, done_before, built_rows, time.perf_counter() - start, complete
    )


class _Tracker:
    """Reports rows (algorithms: tasks) to a :class:`qgen.progress.Progress` and/or a callback."""

    def __init__(self, progress, total: int, kind: str) -> None:
        self.callback = progress if callable(progress) and not hasattr(progress, "advance") else None
        self.bar = report(None if self.callback is not None else progress)
        self.total, self.done, self.shards = total, 0, 0
        self.name = f"building {kind}"
        self.bar.start(self.name, total=total, unit="tasks" if kind == "algorithms" else "rows")

    def tick(self, n: int) -> None:
        """``n`` more rows (tasks) finished inside a running shard."""
        n = min(n, self.total - self.done)  # a retried shard ticks its rows again
        if n > 0:
            self.done += n
            self.bar.advance(self.name, n, shards=self.shards)
            if self.callback is not None:
                self.callback(self.done, self.total, self.shards)

    def shard_done(self, rest: int) -> None:
        """A shard was written; ``rest``: its units the builder did not tick."""
        self.shards += 1
        rest = min(rest, self.total - self.done)
        self.done += rest
        self.bar.advance(self.name, rest, shards=self.shards)
        if self.callback is not None:
            self.callback(self.done, self.total, self.shards)

    def close(self) -> None:
        self.bar.finish(self.name)
