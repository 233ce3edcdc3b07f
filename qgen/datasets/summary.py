"""What a build folder holds: ``info`` (kind, shards, rows per split) and the statistics per group."""

from __future__ import annotations

import os
from pathlib import Path

from qgen.datasets.builders import BUILDERS
from qgen.datasets.io import read_table
from qgen.datasets.shards import read_build, shard_record
from qgen.optional import require


def statistics(path: str | os.PathLike) -> list[dict]:
    """Statistics rows per group (the kind's ``stats_keys``, e.g. problem x ansatz) and a total."""
    kind = BUILDERS[read_build(path)["kind"]]
    keys = list(kind.stats_keys)
    cols = list(dict.fromkeys([*keys, *kind.stats_columns]))
    require("pandas", extra="data", purpose="dataset statistics")
    df = read_table(path, columns=cols).to_pandas()
    if df.empty:
        return []
    out = []
    groups = [(tuple(k) if isinstance(k, tuple) else (k,), g) for k, g in df.groupby(keys, sort=True)]
    groups.append((("all",) * len(keys), df))
    for key, g in groups:
        row = dict(zip(keys, key, strict=True))
        row.update(kind.group_stats(g))
        out.append(row)
    return out


def info(path: str | os.PathLike) -> dict:
    """Summary of a build folder: kind, config, shards finished / missing, rows per split, statistics."""
    meta = read_build(path)
    num = int(meta["num_shards"])
    records = {s: shard_record(Path(path), s) for s in range(num)}
    done = [s for s, r in records.items() if r is not None]
    splits: dict[str, int] = {}
    for r in records.values():
        for split, count in (r or {}).get("splits", {}).items():
            splits[split] = splits.get(split, 0) + count
    return {
        "path": str(path),
        "kind": meta["kind"],
        "config": meta["config"],
        "command": meta.get("command"),
        "versions": meta.get("versions"),
        "num_shards": num,
        "shards_done": len(done),
        "shards_missing": [s for s in range(num) if records[s] is None],
        "complete": len(done) == num,
        "rows": sum(splits.values()),
        "splits": splits,
        "statistics": statistics(path),
    }
