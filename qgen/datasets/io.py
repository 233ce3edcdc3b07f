"""Read build folders: ``load_dataset`` (Hugging Face ``DatasetDict``) and rows as Arrow."""

from __future__ import annotations

import os
from pathlib import Path

from qgen.datasets.builders import BUILDERS
from qgen.datasets.errors import DatasetError
from qgen.datasets.shards import SPLITS, read_build
from qgen.optional import require


def data_files(path: str | os.PathLike) -> dict[str, list[str]]:
    """Parquet files per split (splits without files are left out)."""
    root = Path(path) / "data"
    out = {}
    for split in SPLITS:
        files = sorted(str(p) for p in (root / split).glob("shard-*.parquet"))
        if files:
            out[split] = files
    return out


def load_dataset(path: str | os.PathLike, split: str | None = None):
    """A build folder as a Hugging Face ``DatasetDict`` (``train`` / ``test``), or one ``Dataset``.

    Args:
        path: a folder written by ``qgen dataset build`` or ``merge``.
        split: ``"train"`` or ``"test"`` for one split.

    Raises:
        DatasetError: no build there, no rows yet, or an unknown split.

    >>> # ds = load_dataset("data/opt"); ds["train"][0]["qasm3"]
    """
    hf_datasets = require("datasets", extra="data", purpose="load_dataset")

    read_build(path)
    files = data_files(path)
    if not files:
        raise DatasetError(f"{path} has no finished shards yet: run or resume the build first")
    if split is not None and split not in files:
        raise DatasetError(f"{path} has no split {split!r}; it has {', '.join(files)}")
    return hf_datasets.load_dataset("parquet", data_files=files, split=split)


def read_table(path: str | os.PathLike, columns: list[str] | None = None):
    """All rows of a build (every split) as one Arrow table, in shard order."""
    pa = require("pyarrow", extra="data", purpose="reading dataset rows")
    pq = require("pyarrow.parquet", extra="data", purpose="reading dataset rows")
    meta = read_build(path)
    schema = BUILDERS[meta["kind"]].schema
    tables = []
    for files in data_files(path).values():
        tables += [pq.read_table(f, columns=columns) for f in files]
    if not tables:
        empty = schema if columns is None else pa.schema([schema.field(c) for c in columns])
        return empty.empty_table()
    return pa.concat_tables(tables)
