"""Join the parts of a build made with ``--shard i/N`` on several machines, checking gaps and duplicates."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from qgen.datasets.errors import ShardError
from qgen.datasets.shards import SPLITS, read_build, shard_record, write_atomic
from qgen.optional import require


@dataclass
class MergeReport:
    """What :func:`merge` joined."""

    out: Path
    parts: list[Path]
    num_shards: int
    rows: int


def merge(parts: list[str | os.PathLike], out: str | os.PathLike, *, overwrite: bool = False) -> MergeReport:
    """Merge build folders of the same kind and config into ``out`` (every shard exactly once).

    Args:
        parts: build folders (e.g. one per ``--shard i/N`` job).
        out: the merged folder (must be new or empty unless ``overwrite``).
        overwrite: replace an existing ``out``.

    Raises:
        ShardError: different builds, a shard in two parts (duplicate), shards in no part (gap), or a row id
            that occurs twice.
    """
    from qgen.datasets.card import write_card
    from qgen.datasets.io import read_table

    paths = [Path(p) for p in parts]
    if not paths:
        raise ShardError("merge needs at least one build folder")
    metas = [read_build(p) for p in paths]
    first = metas[0]
    for p, m in zip(paths[1:], metas[1:], strict=True):
        if m["kind"] != first["kind"] or m["config"] != first["config"]:
            raise ShardError(
                f"{p} is a different build than {paths[0]} (kind or settings differ); cannot merge"
            )
    num = int(first["num_shards"])
    owner: dict[int, Path] = {}
    duplicates = []
    for p in paths:
        for s in range(num):
            if shard_record(p, s) is not None:
                if s in owner:
                    duplicates.append(f"shard {s} in {owner[s]} and {p}")
                else:
                    owner[s] = p
    if duplicates:
        raise ShardError("duplicate shards: " + "; ".join(duplicates[:10]))
    gaps = [s for s in range(num) if s not in owner]
    if gaps:
        shown = ", ".join(map(str, gaps[:20])) + (" ..." if len(gaps) > 20 else "")
        raise ShardError(
            f"{len(gaps)} of {num} shards are in no part (gaps: {shown}); build or resume them first"
        )
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not overwrite:
            raise ShardError(f"{out} is not empty; choose a new folder or pass --overwrite")
        shutil.rmtree(out)
    for split in SPLITS:
        (out / "data" / split).mkdir(parents=True, exist_ok=True)
    (out / "shards").mkdir(parents=True, exist_ok=True)
    for s, p in sorted(owner.items()):
        for split in SPLITS:
            src = p / "data" / split / f"shard-{s:05d}.parquet"
            if src.is_file():
                shutil.copy2(src, out / "data" / split / src.name)
        shutil.copy2(p / "shards" / f"{s:05d}.json", out / "shards" / f"{s:05d}.json")
    meta = dict(first)
    meta["merged_from"] = [str(p) for p in paths]
    write_atomic(out / "build.json", json.dumps(meta, indent=1, sort_keys=True))
    pc = require("pyarrow.compute", extra="data", purpose="merging builds")
    ids = read_table(out, columns=["id"]).column("id")
    if len(pc.unique(ids)) != len(ids):
        counts = pc.value_counts(ids).to_pylist()
        doubled = [c["values"] for c in counts if c["counts"] > 1][:5]
        shutil.rmtree(out)
        raise ShardError(f"row ids occur twice after merging: {doubled}")
    write_card(out)
    return MergeReport(out, paths, num, len(ids))
