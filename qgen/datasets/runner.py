"""Run a build: resume, ``--shard i/N``, worker processes, progress (:mod:`qgen.progress`), then the card."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from qgen.datasets.builders import BUILDERS
from qgen.datasets.errors import DatasetError
from qgen.datasets.shards import ShardSpec, _clean, shard_record, versions, write_atomic, write_shard
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


def _work(kind: str, config_dict: dict, out: str, shard: int, module: str | None = None) -> dict:
    """Build and write one shard (runs in a worker process or in the main one).

    ``module`` is the module that registers ``kind`` (a fresh worker process imports it first).
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
        out_path = Path(out)
        _clean(out_path, shard)
        rows, notes = builder.run_shard(config, shard)
        notes = {**notes, "cpu_seconds": round(time.process_time() - cpu, 3)}
        return write_shard(out_path, builder, shard, rows, notes, time.perf_counter() - start)
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
) -> BuildReport:
    """Build (or resume) a dataset of ``kind`` into ``out``.

    Args:
        kind: a name in :data:`BUILDERS` (``optimization``, ``algorithms``; ``architectures`` once
            :mod:`qgen.search.architectures` is imported).
        out: the build folder.
        config: the kind's config (``OptimizationConfig`` / ``AlgorithmConfig``).
        workers: processes (0: one per CPU core, at most one per pending shard; 1: this process).
        shard: ``i/N`` to build only part ``i`` of ``N`` (merge the parts with :func:`merge`).
        command: the command line, recorded in ``build.json`` and the card.
        overwrite: discard an existing build in ``out`` instead of resuming it.
        progress: a :class:`qgen.progress.Progress` (advanced by rows; algorithms: tasks), or a callback
            ``(done, total, shards_done)``.
        card_verify_sample: rows re-simulated from their QASM for the card once the build is complete.

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
    built_rows = 0
    workers = workers or (os.cpu_count() or 1)
    workers = max(1, min(workers, len(pending) or 1))
    try:
        if workers == 1:
            for s in pending:
                record = _work(kind, config.to_dict(), str(out), s)
                built_rows += record["rows"]
                tracker.advance(rows_per_shard(s))
        else:
            built_rows = _run_pool(kind, config, out, pending, workers, tracker, rows_per_shard)
    finally:
        tracker.close()
    complete = all(shard_record(out, s) is not None for s in range(num))
    write_card(out, verify_sample=card_verify_sample)
    return BuildReport(
        out, kind, num, selected, pending, done_before, built_rows, time.perf_counter() - start, complete
    )


def _run_pool(kind, config, out: Path, pending: Sequence[int], workers: int, tracker, rows_per_shard) -> int:
    import multiprocessing as mp

    module = BUILDERS[kind].run_shard.__module__
    built = 0
    ctx = mp.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        futures = {pool.submit(_work, kind, config.to_dict(), str(out), s, module): s for s in pending}
        remaining = set(futures)
        try:
            while remaining:
                finished, remaining = wait(remaining, return_when=FIRST_COMPLETED)
                for fut in finished:
                    try:
                        record = fut.result()
                    except BrokenProcessPool:
                        raise DatasetError(
                            f"a worker process died while building shard {futures[fut]} (out of memory or "
                            "killed); finished shards are kept: rerun the same command to resume"
                        ) from None
                    built += record["rows"]
                    tracker.advance(rows_per_shard(futures[fut]))
        except BaseException:
            for fut in remaining:
                fut.cancel()
            raise
    return built


class _Tracker:
    """Reports rows (algorithms: tasks) to a :class:`qgen.progress.Progress` and/or a callback."""

    def __init__(self, progress, total: int, kind: str) -> None:
        self.callback = progress if callable(progress) and not hasattr(progress, "advance") else None
        self.bar = report(None if self.callback is not None else progress)
        self.total, self.done, self.shards = total, 0, 0
        self.name = f"building {kind}"
        self.bar.start(self.name, total=total, unit="tasks" if kind == "algorithms" else "rows")

    def advance(self, rows: int) -> None:
        self.done += rows
        self.shards += 1
        self.bar.advance(self.name, rows, shards=self.shards)
        if self.callback is not None:
            self.callback(self.done, self.total, self.shards)

    def close(self) -> None:
        self.bar.finish(self.name)
