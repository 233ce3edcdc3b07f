"""Shards on disk: the layout of a build folder, writing a shard atomically, records, ``--shard i/N``.

Layout of a build folder::

    build.json                       kind, resolved config, seed, versions, shard count, this part's shards
    data/{train,test}/shard-00007.parquet
    shards/00007.json                written last: the shard is finished (rows, ids digest, seconds)
    README.md                        the dataset card

A shard's Parquet files are written to temporary names and renamed, then its record is written (also
atomically). A rerun skips shards with a record and redoes the others from scratch, deleting their stale
files, so an interruption, even ``kill -9``, loses and doubles no row (:mod:`qgen.datasets.runner` runs
builds).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from qgen.datasets.builders import DatasetKind
from qgen.datasets.errors import DatasetError
from qgen.files import atomic_path, atomic_write_text
from qgen.optional import require

SPLITS = ("train", "test")


@dataclass(frozen=True)
class ShardSpec:
    """``i/N``: this machine builds part ``i`` (0-based) of ``N`` contiguous parts of the shard list."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> ShardSpec:
        """Parse ``"i/N"``.

        Raises:
            DatasetError: not of the form i/N with 0 <= i < N.
        """
        try:
            i, n = (int(x) for x in text.split("/"))
        except ValueError:
            raise DatasetError(f"--shard expects i/N (e.g. 0/4), got {text!r}") from None
        if not (n >= 1 and 0 <= i < n):
            raise DatasetError(f"--shard {text}: need 0 <= i < N")
        return cls(i, n)

    def select(self, num_shards: int) -> list[int]:
        """The shards of this part."""
        lo = self.index * num_shards // self.count
        hi = (self.index + 1) * num_shards // self.count
        return list(range(lo, hi))


def versions() -> dict[str, str]:
    """Versions of the packages that shape the rows."""
    from importlib import metadata

    out = {}
    for pkg in (
        "qgen",
        "qiskit",
        "qiskit-optimization",
        "torch",
        "numpy",
        "networkx",
        "datasets",
        "mqt.bench",
    ):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def write_atomic(path: Path, text: str) -> None:
    """Write text to ``path`` through a temporary file and a rename (:func:`qgen.files.atomic_write_text`)."""
    atomic_write_text(path, text)


def shard_record(out: Path, shard: int) -> dict | None:
    """The record of a finished shard, or None."""
    path = out / "shards" / f"{shard:05d}.json"
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


def read_build(out: Path) -> dict:
    """The ``build.json`` of a build folder.

    Raises:
        DatasetError: the folder holds no build.
    """
    path = Path(out) / "build.json"
    if not path.is_file():
        raise DatasetError(f"{out} is not a qgen dataset folder (no build.json)")
    return json.loads(path.read_text(encoding="utf-8"))


def _shard_files(out: Path, shard: int) -> list[Path]:
    return [out / "data" / s / f"shard-{shard:05d}.parquet" for s in SPLITS]


def _clean(out: Path, shard: int) -> None:
    """Delete what an unfinished shard may have left."""
    for path in _shard_files(out, shard):
        path.unlink(missing_ok=True)
    for folder in [out / "data" / s for s in SPLITS] + [out / "shards"]:
        for tmp in folder.glob(f".*{shard:05d}*.tmp*"):
            tmp.unlink(missing_ok=True)


def write_shard(
    out: Path, builder: DatasetKind, shard: int, rows: list[dict], notes: dict, seconds: float
) -> dict:
    """Write a shard's Parquet files, then its record (the commit point)."""
    pa = require("pyarrow", extra="data", purpose="writing dataset shards")
    pq = require("pyarrow.parquet", extra="data", purpose="writing dataset shards")
    schema = builder.schema
    table = pa.Table.from_pylist(rows, schema=schema)
    files = {}
    for split in SPLITS:
        part = [r for r in rows if r["split"] == split]
        if not part:
            continue
        path = out / "data" / split / f"shard-{shard:05d}.parquet"
        with atomic_path(path, suffix=".tmp") as tmp:  # ".tmp": _clean finds leftovers
            pq.write_table(pa.Table.from_pylist(part, schema=schema), tmp)
        files[split] = len(part)
    ids = [r["id"] for r in rows]
    record = {
        "shard": shard,
        "rows": table.num_rows,
        "splits": files,
        "ids_sha256": hashlib.sha256("\n".join(ids).encode()).hexdigest(),
        "seconds": round(seconds, 3),
        "notes": notes,
    }
    (out / "shards").mkdir(parents=True, exist_ok=True)
    write_atomic(out / "shards" / f"{shard:05d}.json", json.dumps(record, indent=1, sort_keys=True))
    return record
