"""Circuit corpora for the generator: read a dataset with a QASM column, or build one from MQT Bench.

The algorithms dataset's circuit corpus (``qgen dataset build algorithms``) has one row per circuit with
``qasm2`` / ``qasm3`` text, a ``label`` (``real`` or ``random``: each real circuit has a random counterpart
with the same ``pair_id``), a ``family`` and a ``split``. :func:`load_corpus` reads that format and any other
table with a QASM text column (Parquet files, a folder of them, a ``datasets.save_to_disk`` folder, JSON
lines, or an in-memory ``datasets.Dataset``); rows without a label are real. Every circuit is rewritten
into the canonical form (:mod:`qgen.generate.ketgpt.canonical`); rows that cannot be are counted by reason.

:func:`qgen.generate.ketgpt.mqt.mqt_corpus` builds such rows directly with MQT Bench (used by the tests and
when no corpus is given) and :func:`random_counterpart` makes the random circuit of a real one: same width
and number of gates, gates drawn with the corpus's gate frequencies, qubits and angles uniformly.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qgen.errors import QgenError
from qgen.generate.errors import CorpusError, TokenizerError
from qgen.generate.ketgpt.canonical import CanonicalCircuit, Statement, canonicalize
from qgen.generate.ketgpt.gateset import GATES, angle_words
from qgen.optional import require

QASM_COLUMNS = ("qasm2", "qasm", "qasm3", "text", "circuit")
DEFAULT_EXCLUDE = ("randomcircuit",)  # MQT Bench's own random circuits are not "real" algorithms


@dataclass(frozen=True)
class CorpusItem:
    """One corpus circuit in canonical form, with where it came from."""

    circuit: CanonicalCircuit
    id: str
    family: str | None = None
    split: str | None = None


@dataclass
class Corpus:
    """Real circuits (deduplicated by canonical hash), their random counterparts, and what was skipped."""

    real: list[CorpusItem]
    random: list[CorpusItem] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    source: str = ""

    def split(self, name: str, items: Sequence[CorpusItem] | None = None) -> list[CorpusItem]:
        """Items of one split (all items when the corpus has no split column)."""
        items = self.real if items is None else items
        if all(it.split is None for it in items):
            return list(items)
        return [it for it in items if it.split == name]

    def summary(self) -> dict:
        """Counts for reports: real, random, families, qubit range, skipped by reason."""
        qubits = [it.circuit.num_qubits for it in self.real]
        return {
            "source": self.source,
            "real": len(self.real),
            "random": len(self.random),
            "families": len({it.family for it in self.real}),
            "qubits": [min(qubits), max(qubits)] if qubits else [],
            "skipped": dict(self.skipped),
        }


def _read_rows(source: object) -> tuple[list[dict], str]:
    """Rows (dicts) of a dataset given as a path, a list of rows, or a ``datasets.Dataset``."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise CorpusError(f"no such corpus: {path} (give a dataset folder, a Parquet file or JSON lines)")
        if path.is_dir() and (path / "build.json").exists():  # a `qgen dataset build` folder
            try:
                from qgen.datasets.io import read_table
            except ImportError:  # pragma: no cover - older checkouts: fall back to the Parquet files
                read_table = None
            if read_table is not None:
                try:
                    return read_table(path).to_pylist(), str(path)
                except QgenError as exc:
                    raise CorpusError(f"{path}: {exc}") from None
        if path.is_dir() and (path / "dataset_info.json").exists() and not list(path.rglob("*.parquet")):
            datasets = require("datasets", extra="data", purpose="reading a saved datasets folder")

            return list(datasets.load_from_disk(str(path))), str(path)
        root = path / "data" if (path / "data").is_dir() else path  # HF layout: shards under data/
        files = sorted(root.rglob("*.parquet")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            files = sorted(path.rglob("*.jsonl"))
        if not files:
            raise CorpusError(f"{path}: no Parquet or JSON-lines files in this folder")
        rows: list[dict] = []
        for f in files:
            if f.suffix == ".parquet":
                pq = require("pyarrow.parquet", extra="data", purpose="reading Parquet corpora")

                rows += pq.read_table(f).to_pylist()
            elif f.suffix in {".jsonl", ".json"}:
                rows += [
                    json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()
                ]
            else:
                raise CorpusError(f"{f}: unknown corpus format (expected .parquet or .jsonl)")
        return rows, str(path)
    if hasattr(source, "to_list"):
        return list(source.to_list()), type(source).__name__
    return [dict(r) for r in source], "rows"  # type: ignore[union-attr]


def _is_real(row: dict, label_column: str) -> bool:
    if label_column in row and row[label_column] is not None:
        value = row[label_column]
        return bool(value) if isinstance(value, bool) else str(value).lower() in {"real", "1", "true"}
    if "is_real" in row and row["is_real"] is not None:
        return bool(row["is_real"])
    return True


def load_corpus(
    source: str | os.PathLike | Iterable[dict] | object,
    *,
    column: str | None = None,
    label_column: str = "label",
    max_qubits: int = 32,
    max_gates: int | None = None,
    exclude_families: Sequence[str] = DEFAULT_EXCLUDE,
    levels: Sequence[str] | None = None,
) -> Corpus:
    """Read a circuit corpus and rewrite every circuit into the canonical form.

    Args:
        source: a dataset folder (Parquet shards anywhere below it, or ``save_to_disk``), a Parquet or
            JSON-lines file, a ``datasets.Dataset`` or a list of row dicts.
        column: the QASM text column (default: the first of ``qasm2, qasm, qasm3, text, circuit``).
        label_column: ``real`` / ``random`` labels (or booleans; ``is_real`` is used when this is absent);
            rows without a label are real.
        max_qubits: skip wider circuits (the tokenizer's width).
        max_gates: skip circuits with more gates in canonical form (``None``: keep all).
        exclude_families: families (``family`` column) left out of the real set.
        levels: keep only these ``level`` values (``None``: all).

    Returns:
        The :class:`Corpus`; real circuits are deduplicated by canonical hash.

    Raises:
        CorpusError: the source does not exist, has no QASM column, or no usable circuit.
    """
    rows, name = _read_rows(source)
    if not rows:
        raise CorpusError(f"{name}: the corpus is empty")
    keys = set(rows[0])
    col = column or next((c for c in QASM_COLUMNS if c in keys), None)
    if col is None or col not in keys:
        want = column or " / ".join(QASM_COLUMNS)
        raise CorpusError(
            f"{name}: no QASM column {want!r}; columns are {sorted(keys)} (choose with --column)"
        )
    corpus = Corpus(real=[], source=name)
    skipped: Counter[str] = Counter()
    seen: set[str] = set()
    for i, row in enumerate(rows):
        family = row.get("family")
        if levels is not None and row.get("level") not in levels:
            continue
        real = _is_real(row, label_column)
        if real and family in exclude_families:
            skipped["excluded family"] += 1
            continue
        text = row.get(col)
        if not text:
            skipped["empty QASM"] += 1
            continue
        try:
            circuit = canonicalize(text, max_qubits=max_qubits)
        except TokenizerError as exc:
            reason = str(exc).split(":")[0] if "parse" in str(exc) else str(exc)
            skipped[reason if len(reason) < 60 else reason[:57] + "..."] += 1
            continue
        if max_gates is not None and circuit.num_gates > max_gates:
            skipped[f"more than {max_gates} gates"] += 1
            continue
        if circuit.num_gates == 0:
            skipped["no gates"] += 1
            continue
        item = CorpusItem(circuit, str(row.get("id", i)), family, row.get("split"))
        if not real:
            corpus.random.append(item)
            continue
        h = circuit.hash()
        if h in seen:
            skipped["duplicate"] += 1
            continue
        seen.add(h)
        corpus.real.append(item)
    corpus.skipped = dict(skipped)
    if not corpus.real:
        raise CorpusError(f"{name}: no usable real circuit (skipped: {dict(skipped)})")
    return corpus


def gate_frequencies(circuits: Iterable[CanonicalCircuit]) -> dict[str, float]:
    """Share of each gate name over all statements of ``circuits``."""
    counts = Counter(st.gate for c in circuits for st in c.statements)
    total = sum(counts.values()) or 1
    return {g: counts[g] / total for g in GATES if counts[g]}


def random_counterpart(
    circuit: CanonicalCircuit, rng: np.random.Generator, gate_weights: dict[str, float] | None = None
) -> CanonicalCircuit:
    """A random circuit with the same width and number of gates as ``circuit``.

    Gates are drawn with ``gate_weights`` (default: uniform over the gate set) among those that fit the
    width; qubits are distinct and uniform; angles are uniform over the angle words.
    """
    n = circuit.num_qubits
    names = [g for g in (gate_weights or dict.fromkeys(GATES, 1.0)) if GATES[g].num_qubits <= n]
    if not names:
        raise TokenizerError(f"no gate of the set fits {n} qubit(s)")
    weights = np.array([(gate_weights or {}).get(g, 1.0) for g in names], dtype=float)
    weights /= weights.sum()
    words = angle_words()
    statements = []
    for g in rng.choice(names, size=circuit.num_gates, p=weights):
        shape = GATES[str(g)]
        angles = tuple(words[int(k)] for k in rng.integers(0, len(words), shape.num_params))
        qubits = tuple(int(q) for q in rng.choice(n, size=shape.num_qubits, replace=False))
        statements.append(Statement(str(g), angles, qubits))
    return CanonicalCircuit(n, tuple(statements))
