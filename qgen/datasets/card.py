"""The dataset card (``README.md``): YAML metadata, fields, statistics per group, how it was made, checks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import yaml

from qgen.datasets.builders import BUILDERS
from qgen.datasets.shards import read_build, shard_record, write_atomic

_TITLES = {
    "optimization": "qgen optimisation circuits (QAOA / VQE / ADAPT-VQE with exact solutions)",
    "algorithms": "qgen algorithm corpus (MQT Bench circuits with random counterparts)",
    "architectures": "qgen architecture pool (unique circuits of a quantum architecture search space)",
}
_LICENSES = {"optimization": "apache-2.0", "algorithms": "mit", "architectures": "apache-2.0"}
_TAGS = {
    "optimization": ["qaoa", "vqe", "combinatorial-optimization"],
    "algorithms": ["mqt-bench"],
    "architectures": ["quantum-architecture-search", "arch2vec"],
}


def _optimization_stats(g) -> dict:
    return {
        "rows": len(g),
        "qubits": f"{g.num_qubits.min()}-{g.num_qubits.max()}",
        "success_rate": round(float(g.success.mean()), 3),
        "beats_random_rate": round(float(g.beats_random.mean()), 3),
        "mean_approximation_ratio": round(float(g.approximation_ratio.mean()), 3),
        "mean_ground_state_probability": round(float(g.ground_state_probability.mean()), 3),
        "converged_rate": round(float(g.converged.mean()), 3),
    }


def _algorithm_stats(g) -> dict:
    real = g[g.label == "real"]
    return {
        "real": len(real),
        "random": int((g.label == "random").sum()),
        "qubits": f"{g.num_qubits.min()}-{g.num_qubits.max()}",
        "mean_gates": round(float(real.num_gates.mean()), 1) if len(real) else 0.0,
        "mean_lines": round(float(real.num_lines.mean()), 1) if len(real) else 0.0,
    }


def _architecture_stats(g) -> dict:
    return {
        "rows": len(g),
        "qubits": f"{g.num_qubits.min()}-{g.num_qubits.max()}",
        "mean_gates": round(float(g.num_gates.mean()), 2),
        "mean_depth": round(float(g.depth.mean()), 2),
        "mean_two_qubit": round(float(g.num_two_qubit.mean()), 2),
        "mean_parameters": round(float(g.num_parameters.mean()), 2),
    }


# per kind: the columns the statistics read, and the statistics of one group of rows
_STATS = {
    "optimization": (
        [
            "problem",
            "ansatz",
            "num_qubits",
            "success",
            "beats_random",
            "approximation_ratio",
            "ground_state_probability",
            "converged",
        ],
        _optimization_stats,
    ),
    "algorithms": (["family", "level", "label", "num_qubits", "num_gates", "num_lines"], _algorithm_stats),
    "architectures": (
        ["num_qubits", "num_gates", "depth", "num_two_qubit", "num_parameters"],
        _architecture_stats,
    ),
}


def statistics(path: str | os.PathLike) -> list[dict]:
    """Statistics rows per group (the kind's ``stats_keys``, e.g. problem x ansatz) and a total."""
    from qgen.datasets.io import read_table

    kind = read_build(path)["kind"]
    cols, group_stats = _STATS[kind]
    df = read_table(path, columns=cols).to_pandas()
    if df.empty:
        return []
    keys = list(BUILDERS[kind].stats_keys)
    out = []
    groups = [(tuple(k) if isinstance(k, tuple) else (k,), g) for k, g in df.groupby(keys, sort=True)]
    groups.append((("all",) * len(keys), df))
    for key, g in groups:
        row = dict(zip(keys, key, strict=True))
        row.update(group_stats(g))
        out.append(row)
    return out


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
    meta = read_build(path)
    kind = meta["kind"]
    builder = BUILDERS[kind]
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
        "license": _LICENSES[kind],
        "pretty_name": _TITLES[kind],
        "tags": ["quantum-computing", "openqasm", "qiskit", "qgen"] + _TAGS[kind],
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
        if kind == "optimization":
            verification += (
                f"; largest energy deviation {rep.max_energy_error:.1e}, largest probability deviation "
                f"{rep.max_probability_error:.1e}"
            )
        verification += "."
    fields = "\n".join(f"| `{name}` | {dtype} | {desc} |" for name, dtype, desc in builder.fields)
    guarantee = _GUARANTEES[kind]
    config = json.dumps(meta["config"], indent=1, sort_keys=True)
    text = "---\n" + yaml.safe_dump(front, sort_keys=False) + "---\n\n"
    text += f"# {_TITLES[kind]}\n\n"
    text += "## Dataset details\n\n"
    text += f"{builder.description[0].upper() + builder.description[1:]}. Built with qgen.\n\n"
    text += f"- rows: {rows} ({', '.join(f'{s}: {c}' for s, c in sorted(splits.items())) or 'none yet'})\n"
    text += f"- shards: {done} of {num} finished" + ("" if complete else " (incomplete build)") + "\n"
    text += "- load: `qgen.datasets.load_dataset(DIR)` or `datasets.load_dataset(DIR)` (Parquet)\n\n"
    text += "## Structure\n\n| field | type | description |\n|---|---|---|\n" + fields + "\n\n"
    text += "## Statistics\n\n" + _markdown_table(statistics(path)) + "\n"
    text += _STATS_NOTES.get(kind, "")
    text += "## Verification\n\n" + guarantee + "\n\n" + verification + "\n\n"
    text += "## How it was made\n\n"
    text += f"Command: `{meta.get('command') or '(library call)'}`\n\n"
    if meta.get("merged_from"):
        text += f"Merged from: {', '.join(meta['merged_from'])}\n\n"
    text += f"Resolved configuration (seed included):\n\n```json\n{config}\n```\n\n"
    text += "Versions: " + ", ".join(f"{k} {v}" for k, v in sorted(meta.get("versions", {}).items())) + "\n\n"
    text += "## Limitations\n\n" + _LIMITATIONS[kind] + "\n"
    write_atomic(path / "README.md", text)
    return text


_STATS_NOTES = {
    "optimization": (
        "success = the most probable bitstring is a ground state; approximation ratio = "
        "(E_max - E) / (E_max - E_0) with exact E_0 and E_max; beats random = E below the mean energy of "
        "the same circuit with random parameters.\n\n"
    ),
    "architectures": (
        "Groups are circuits with the same number of two-qubit gates; `all` is the whole pool.\n\n"
    ),
}

_GUARANTEES = {
    "optimization": (
        "For every row, `qasm3` parses with `qgen.load` and simulating it (qgen.sim, complex128) reproduces "
        "`expectation_value` and `top_probabilities` to 1e-6; `qasm3_symbolic` with `parameters` gives the "
        "same state. `qgen dataset verify DIR` checks every row (`--sample N` for a random sample)."
    ),
    "algorithms": (
        "For every row, `qasm2` and `qasm3` parse with `qgen.load` (checked with Qiskit's importers "
        "during the build; `qgen dataset verify DIR` re-checks with full validation)."
    ),
    "architectures": (
        "Every row is a distinct structure (`structure_key` is unique): the rows are "
        "`qgen.search.build_pool(space, size, seed)` in its order, and `qgen.search.load_pool(DIR)` "
        "(`--pool DIR` of `qgen search` and `qgen train arch2vec`) reads the folder back as that pool. "
        "`qgen dataset verify DIR` loads each `qasm3` with `qgen.load` (full validation) and checks its "
        "gates, qubits, depth and free parameters against the row."
    ),
}

_LIMITATIONS = {
    "optimization": (
        "- Instances are small (exact enumeration; default at most 10 qubits) and random; they are not "
        "drawn from an application.\n"
        "- Low-depth QAOA and hardware-efficient VQE often cannot make a ground state the most probable "
        "outcome; such rows are kept (success = false) with their best energy.\n"
        "- Penalty weights are the smallest simple bounds that make ground states feasible, not tuned for "
        "trainability.\n"
        "- Training uses Adam with the ground-state stop rule (and an energy below the random mean); the "
        "paper's setting was AdamW, lr 0.01, 500 steps, up to 3 restarts."
    ),
    "algorithms": (
        "- MQT Bench circuits at the algorithm level may be decomposed one level when a gate has no "
        "OpenQASM form (e.g. matrix-given controlled unitaries).\n"
        "- Dynamic circuits are written in OpenQASM 2 with one-bit registers per classical bit; conditions "
        "on the parity of several bits have no OpenQASM 2 form and those sizes are skipped (see shard "
        "notes).\n"
        "- Random counterparts reuse the real circuit's gates (a hard negative for a realism classifier), "
        "not a uniform gate set."
    ),
    "architectures": (
        "- Circuits are sampled uniformly from the space (the QAS paper's sampler: CNOT target "
        "(control + 1) mod n, depth limit by rejection), not drawn from applications; rotation angles are "
        "free parameters, not trained values.\n"
        "- Uniqueness is by structure (gate names and qubits in order); circuits that are equal as unitaries "
        "(e.g. commuting gates swapped) count as different."
    ),
}
