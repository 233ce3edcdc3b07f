"""Writing generated circuits and results: a Hugging Face dataset (Parquet shard, card, metadata JSON),
JSON / text files, and the versions of the packages that decide the results.

Dataset layout (``datasets.load_dataset("parquet", data_dir=OUT/data)`` or ``load_dataset(OUT)`` reads it)::

    OUT/data/train-00000-of-00001.parquet
    OUT/README.md          dataset card: YAML front matter, details, structure, creation, limitations
    OUT/generation.json    resolved settings, seed, versions, timings (and verification figures)

Every file is written to a temporary name and renamed (:mod:`qgen.files`), so an interrupted run leaves no
half-written file.
"""

from __future__ import annotations

import json
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from qgen.files import atomic_path, atomic_write_text
from qgen.optional import require

SHARD = "data/train-00000-of-00001.parquet"


def write_dataset(rows: list[dict], out: str | os.PathLike, card: str, meta: dict) -> Path:
    """Write ``rows`` as one Parquet shard plus ``README.md`` (``card``) and ``generation.json`` (``meta``).

    Returns:
        The output folder.
    """
    pa = require("pyarrow", extra="data", purpose="writing generated datasets")
    pq = require("pyarrow.parquet", extra="data", purpose="writing generated datasets")

    out = Path(out)
    (out / "data").mkdir(parents=True, exist_ok=True)
    with atomic_path(out / SHARD) as tmp:
        pq.write_table(pa.Table.from_pylist(rows), tmp)
    atomic_write_text(out / "generation.json", json.dumps(meta, indent=2, default=float))
    atomic_write_text(out / "README.md", card)
    return out


def write_json(path: str | os.PathLike, data: object) -> Path:
    """Write ``data`` as indented JSON to ``path`` atomically (parents created; unknown types as ``str``)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(p, json.dumps(data, indent=2, default=str))


def write_text(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (parents created)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    return atomic_write_text(p, text)


def versions() -> dict[str, str]:
    """Versions of the packages that decide generated results."""
    out = {}
    for pkg in ("qgen", "torch", "transformers", "peft", "accelerate", "datasets", "tokenizers", "qiskit"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
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
