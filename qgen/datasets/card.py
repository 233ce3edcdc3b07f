"""The dataset card (``README.md``): YAML metadata, fields, statistics per group, how it was made, checks."""

from __future__ import annotations

import json
import os
from pathlib import Path

from qgen.datasets.builders import BUILDERS, type_name
from qgen.datasets.shards import read_build, shard_record
from qgen.datasets.summary import statistics
from qgen.files import atomic_write_text
from qgen.optional import require


def _markdown_table(rows: list[dict]) -> str:
    if not rows:
        return "_no rows yet_\n"
    head = list(rows[0])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(r[h]) for h in head) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _size_category(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K")):
        if n < limit:
            return name
    return "100K<n<1M"


def write_card(path: str | os.PathLike, verify_sample: int = 8) -> str:
    """Write ``README.md`` for a build folder and return its text (verifies a sample when complete)."""
    from qgen.datasets.io import data_files
    from qgen.datasets.verify import verify_dataset

    path = Path(path)
    yaml = require("yaml", extra="data", purpose="the dataset card")
    meta = read_build(path)
    builder = BUILDERS[meta["kind"]]
    num = int(meta["num_shards"])
    records = [shard_record(path, s) for s in range(num)]
    done = sum(r is not None for r in records)
    rows = sum(r["rows"] for r in records if r)
    splits = {}
    for r in records:
        for split, count in (r or {}).get("splits", {}).items():
            splits[split] = splits.get(split, 0) + count
    files = data_files(path)
    front = {
        "license": builder.license,
        "pretty_name": builder.title or builder.name,
        "tags": ["quantum-computing", "openqasm", "qiskit", "qgen", *builder.tags],
        "task_categories": ["text-generation"],
        "size_categories": [_size_category(rows)],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": s, "path": f"data/{s}/*.parquet"} for s in files],
            }
        ],
    }
    complete = done == num
    verification = "Not checked yet: the build is incomplete."
    if complete and rows and verify_sample:
        rep = verify_dataset(path, sample=verify_sample)
        status = "all passed" if rep.ok else f"{len(rep.failures)} problems: {rep.failures[:3]}"
        verification = (
            f"Checked when this card was written on a random sample of {rep.checked} rows: {status}"
        )
        if builder.deviations:
            verification += "; " + ", ".join(
                f"largest {name} deviation {rep.max_errors.get(name, 0.0):.1e}" for name in builder.deviations
            )
        verification += "."
    fields = "\n".join(f"| `{name}` | {type_name(t)} | {desc} |" for name, t, desc in builder.fields)
    config = json.dumps(meta["config"], indent=1, sort_keys=True)
    text = "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n\n"
    text += f"# {builder.title or builder.name}\n\n"
    text += "## Dataset details\n\n"
    text += f"{builder.description[0].upper() + builder.description[1:]}. Built with qgen.\n\n"
    text += f"- rows: {rows} ({', '.join(f'{s}: {c}' for s, c in sorted(splits.items())) or 'none yet'})\n"
    text += f"- shards: {done} of {num} finished" + ("" if complete else " (incomplete build)") + "\n"
    text += "- load: `qgen.datasets.load_dataset(DIR)` or `datasets.load_dataset(DIR)` (Parquet)\n\n"
    text += "## Structure\n\n| field | type | description |\n|---|---|---|\n" + fields + "\n\n"
    text += "## Statistics\n\n" + _markdown_table(statistics(path)) + "\n"
    text += builder.stats_note
    text += "## Verification\n\n" + (builder.guarantee + "\n\n" if builder.guarantee else "")
    text += verification + "\n\n"
    text += "## How it was made\n\n"
    text += f"Command: `{meta.get('command') or '(library call)'}`\n\n"
    if meta.get("merged_from"):
        text += f"Merged from: {', '.join(meta['merged_from'])}\n\n"
    text += f"Resolved configuration (seed included):\n\n```json\n{config}\n```\n\n"
    text += "Versions: " + ", ".join(f"{k} {v}" for k, v in sorted(meta.get("versions", {}).items())) + "\n\n"
    text += "## Limitations\n\n" + (builder.limitations or "None recorded.") + "\n"
    atomic_write_text(path / "README.md", text)
    return text

