"""Writing generated circuits as a Hugging Face dataset: Parquet shard, card (README.md), metadata JSON.

Layout (``datasets.load_dataset("parquet", data_dir=OUT/data)`` or ``load_dataset(OUT)`` reads it)::

    OUT/data/train-00000-of-00001.parquet
    OUT/README.md          dataset card: YAML front matter, details, structure, creation, limitations
    OUT/generation.json    resolved settings, seed, versions, timings (and verification figures)

Every file is written to a temporary name and renamed, so an interrupted run leaves no half-written file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SHARD = "data/train-00000-of-00001.parquet"


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_dataset(rows: list[dict], out: str | os.PathLike, card: str, meta: dict) -> Path:
    """Write ``rows`` as one Parquet shard plus ``README.md`` (``card``) and ``generation.json`` (``meta``).

    Returns:
        The output folder.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    (out / "data").mkdir(parents=True, exist_ok=True)
    shard = out / SHARD
    tmp = shard.with_name(shard.name + ".tmp")
    pq.write_table(pa.Table.from_pylist(rows), tmp)
    os.replace(tmp, shard)
    _atomic_text(out / "generation.json", json.dumps(meta, indent=2, default=float))
    _atomic_text(out / "README.md", card)
    return out


def size_category(n: int) -> str:
    """The HF ``size_categories`` tag of ``n`` rows."""
    for limit, tag in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return tag
    return "100K<n<1M"


def front_matter(n: int, tags: list[str]) -> str:
    """YAML front matter of a card: license, tags, size, the Parquet data files."""
    tag_lines = "".join(f"- {t}\n" for t in tags)
    return (
        "---\nlicense: mit\ntask_categories:\n- text-generation\ntags:\n"
        + tag_lines
        + f"size_categories:\n- {size_category(n)}\n"
        + "configs:\n- config_name: default\n  data_files:\n"
        + "  - split: train\n    path: data/train-*.parquet\n---\n"
    )


def fields_table(fields: list[tuple[str, str, str]]) -> str:
    """A Markdown table of (field, type, description)."""
    lines = ["| field | type | description |", "|---|---|---|"]
    lines += [f"| `{n}` | {t} | {d} |" for n, t, d in fields]
    return "\n".join(lines) + "\n"
