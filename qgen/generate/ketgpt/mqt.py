"""An algorithm corpus built with MQT Bench (Quetschlich, Burgholzer, Wille 2023, arXiv:2204.13719): real
circuits beside random counterparts with the same gate counts, written as one Parquet file.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from qgen.files import atomic_path
from qgen.generate.errors import CorpusError, TokenizerError
from qgen.generate.ketgpt.canonical import CanonicalCircuit, canonicalize
from qgen.generate.ketgpt.corpus import gate_frequencies, random_counterpart
from qgen.optional import require
from qgen.progress import Progress, report


def mqt_corpus(
    families: Sequence[str] | None = None,
    sizes: Iterable[int] = range(2, 17),
    levels: Sequence[str] = ("indep",),
    seed: int = 0,
    test_fraction: float = 0.2,
    max_gates: int = 2000,
    progress: Progress | None = None,
) -> list[dict]:
    """Build rows of an algorithm corpus with MQT Bench: real circuits and their random counterparts.

    Rows follow the algorithms dataset's schema where it matters here (``id, pair_id, split, family, level,
    label, num_qubits, qasm2``). Families or sizes MQT Bench refuses are skipped. Random counterparts use the
    gate frequencies of all real circuits built.

    Args:
        families: MQT Bench benchmark names (default: all it offers).
        sizes: qubit counts to ask for.
        levels: ``alg`` and / or ``indep``.
        seed: seed of the split and of the random counterparts.
        test_fraction: share of pairs in the ``test`` split.
        max_gates: skip circuits with more gates in canonical form, and the larger sizes of that family and
            level (circuits grow with the size).
        progress: receives task ``MQT Bench`` (circuits asked for) (None: silent).

    Raises:
        CorpusError: mqt.bench is not installed, or nothing was built.
    """
    bench = require("mqt.bench", extra="data", purpose="building a corpus with MQT Bench")
    BenchmarkLevel, get_benchmark = bench.BenchmarkLevel, bench.get_benchmark
    benchmarks = require("mqt.bench.benchmarks", extra="data")
    get_available_benchmark_names = benchmarks.get_available_benchmark_names
    level_of = {"alg": BenchmarkLevel.ALG, "indep": BenchmarkLevel.INDEP}
    bad = [lv for lv in levels if lv not in level_of]
    if bad:
        raise CorpusError(f"unknown MQT Bench level(s) {bad}; valid: alg, indep")
    names = list(families or get_available_benchmark_names())
    jobs = [(f, lv, n) for f in names for lv in levels for n in sorted(sizes)]
    built: list[tuple[str, str, int, CanonicalCircuit, str]] = []
    too_big: set[tuple[str, str]] = set()
    bar = report(progress)
    bar.start("MQT Bench", total=len(jobs), unit="circuits")
    try:
        for family, level, n in jobs:
            bar.advance("MQT Bench")
            if (family, level) in too_big:
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    qc = get_benchmark(family, level_of[level], n)
                if qc.size() > max_gates:
                    too_big.add((family, level))
                    continue
                circuit = canonicalize(qc)
                if circuit.num_gates > max_gates:
                    too_big.add((family, level))
                    continue
            except (TokenizerError, ValueError, TypeError, AttributeError, KeyError, ImportError):
                continue
            except Exception:  # noqa: BLE001 - MQT Bench raises library-specific errors for bad sizes
                continue
            built.append((family, level, n, circuit, circuit.qasm()))
    finally:
        bar.finish("MQT Bench")
    if not built:
        raise CorpusError(f"MQT Bench built no circuit for families {names} and sizes {list(sizes)}")
    rng = np.random.default_rng(seed)
    weights = gate_frequencies(c for *_, c, _ in built)
    order = rng.permutation(len(built))
    test = set(order[: int(round(test_fraction * len(built)))].tolist())
    rows = []
    for i, (family, level, n, circuit, text) in enumerate(built):
        pair = f"{family}-{level}-{n}"
        split = "test" if i in test else "train"
        rnd = random_counterpart(circuit, rng, weights)
        for label, c, t in (("real", circuit, text), ("random", rnd, rnd.qasm())):
            rows.append(
                {
                    "id": f"{pair}-{label}",
                    "pair_id": pair,
                    "split": split,
                    "family": family,
                    "level": level,
                    "label": label,
                    "num_qubits": c.num_qubits,
                    "num_gates": c.num_gates,
                    "qasm2": t,
                }
            )
    return rows


def write_rows(rows: list[dict], out: str | os.PathLike) -> Path:
    """Write rows as one Parquet file ``out/data/train-00000-of-00001.parquet`` (atomically)."""
    pa = require("pyarrow", extra="data", purpose="writing a corpus")
    pq = require("pyarrow.parquet", extra="data", purpose="writing a corpus")

    path = Path(out) / "data" / "train-00000-of-00001.parquet"
    with atomic_path(path) as tmp:
        pq.write_table(pa.Table.from_pylist(rows), tmp)
    return path
