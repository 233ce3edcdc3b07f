"""Verify generated circuits three ways (``qgen eval ketgpt``): validity, realism, structure; plus novelty.

1. **Validity**: every program is parsed by ``qgen.circuits.load`` and simulated
   (:mod:`qgen.generate.ketgpt.validity`); the rate is simulated / generated.
2. **Realism**: a classifier trained by qgen on the corpus's real circuits vs their random counterparts
   (:mod:`qgen.generate.ketgpt.realism`; ``train`` split, accuracy on the ``test`` split), then the share of
   generated circuits it judges real (of the valid ones, and of all).
3. **Structure**: distances between the profile distributions of generated and real circuits
   (:mod:`qgen.generate.ketgpt.profiles`), with plots.
4. **Novelty**: share of generated circuits that are not copies of training circuits and
   nearest-neighbour distances (:mod:`qgen.generate.ketgpt.novelty`).

Results: ``eval.json`` (every figure and its metric), ``profiles.png``, ``realism.skops`` (the fitted
classifier) and ``circuits.parquet`` (per-circuit verdicts) in the output folder.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qgen.files import atomic_path, atomic_write_text
from qgen.generate.errors import CorpusError, GenerateError, TokenizerError
from qgen.generate.ketgpt.canonical import CanonicalCircuit, canonicalize, from_words
from qgen.generate.ketgpt.corpus import Corpus, _read_rows, load_corpus
from qgen.generate.ketgpt.features import profile_rows
from qgen.generate.ketgpt.novelty import nearest_distances, novelty
from qgen.generate.ketgpt.profiles import distances, plot_profiles
from qgen.generate.ketgpt.realism import train_realism
from qgen.generate.ketgpt.sampling import SampleResult
from qgen.generate.ketgpt.validity import check_programs, default_max_sim_qubits
from qgen.optional import require

GENERATION_JSON = "generation.json"


@dataclass
class Evaluation:
    """The report (``report``, what ``eval.json`` holds) and per-circuit verdicts in generation order."""

    report: dict
    texts: list[str]
    valid: np.ndarray
    p_real: np.ndarray
    novel: np.ndarray
    nn_distance: np.ndarray
    errors: list[str | None] = field(default_factory=list)


def _generated_texts(generated, column: str | None) -> tuple[list[str], dict]:
    """QASM texts of the generated circuits and the generation metadata (if any)."""
    if isinstance(generated, SampleResult):
        return [s.qasm for s in generated.samples], {"settings": generated.settings}
    if isinstance(generated, (str, os.PathLike)):
        path = Path(generated)
        rows, _ = _read_rows(path)
        meta_path = (path if path.is_dir() else path.parent) / GENERATION_JSON
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        col = column or "qasm2"
        if rows and col not in rows[0]:
            raise CorpusError(
                f"{path}: no column {col!r} in the generated circuits; columns: {sorted(rows[0])}"
            )
        return [r[col] for r in rows], meta
    return [str(t) for t in generated], {}


def _split(corpus: Corpus, seed: int) -> tuple[list, list, list, list]:
    """Real train/test and random train/test circuits (a seeded 80/20 split when there is no split)."""
    real, rnd = corpus.real, corpus.random
    if any(it.split for it in real):
        pick = lambda items, s: [it.circuit for it in items if it.split == s]  # noqa: E731
        return pick(real, "train"), pick(real, "test"), pick(rnd, "train"), pick(rnd, "test")
    rng = np.random.default_rng(seed)

    def cut(items):
        order = rng.permutation(len(items))
        k = int(round(0.8 * len(items)))
        return [items[i].circuit for i in order[:k]], [items[i].circuit for i in order[k:]]

    (a, b), (c, d) = cut(real), cut(rnd)
    return a, b, c, d


def _training_circuits(model_dir, fallback: list[CanonicalCircuit]) -> tuple[list[CanonicalCircuit], str]:
    if model_dir is not None:
        path = Path(model_dir) / "train_circuits.txt"
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            return [from_words(line.split()) for line in lines if line.strip()], str(path)
    return fallback, "the corpus's real training split"


def _write_json(path: Path, data: dict) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, default=float))


def evaluate_ketgpt(
    generated,
    corpus,
    *,
    model_dir: str | os.PathLike | None = None,
    out: str | os.PathLike | None = None,
    column: str | None = None,
    corpus_column: str | None = None,
    classifier: str = "logreg",
    max_sim_qubits: int | None = None,
    seed: int = 0,
    device: str = "cpu",
    plots: bool = True,
) -> Evaluation:
    """Verify generated circuits against a corpus of real circuits and their random counterparts.

    Args:
        generated: a :class:`SampleResult`, a folder written by ``qgen generate ketgpt`` (or any table with
            a QASM column), or a list of QASM texts.
        corpus: the real/random corpus (path, rows or :class:`Corpus`; see :func:`load_corpus`).
        model_dir: the model folder; its ``train_circuits.txt`` are the training circuits for novelty
            (default: the folder named in the generated dataset's ``generation.json``, else the corpus's
            real training split).
        out: folder for ``eval.json``, ``profiles.png``, ``realism.skops``, ``circuits.parquet``.
        column: QASM column of the generated table (default ``qasm2``).
        corpus_column: QASM column of the corpus (default: auto-detected).
        classifier: realism classifier kind (``gbdt`` or ``logreg``).
        max_sim_qubits: widest circuit simulated with qgen.sim (wider: Aer MPS; default 16 on the CPU,
            20 on CUDA).
        seed: seed of the classifier and of the split when the corpus has none.
        device: torch device for qgen.sim.
        plots: write ``profiles.png``.

    Raises:
        CorpusError: unreadable inputs; GenerateError: nothing generated.
    """
    t0 = time.perf_counter()
    texts, meta = _generated_texts(generated, column)
    if not texts:
        raise GenerateError("no generated circuits to evaluate")
    corpus = corpus if isinstance(corpus, Corpus) else load_corpus(corpus, column=corpus_column)
    if model_dir is None and meta.get("model"):
        model_dir = meta["model"] if Path(meta["model"]).is_dir() else None

    if max_sim_qubits is None:
        max_sim_qubits = default_max_sim_qubits(device)
    checks = check_programs(texts, max_sim_qubits=max_sim_qubits, device=device)
    t_valid = time.perf_counter()
    valid = np.array([c.simulated for c in checks])
    circuits: list[CanonicalCircuit] = []
    index: list[int] = []
    for i, ok in enumerate(valid):
        if ok:
            try:
                circuits.append(canonicalize(texts[i]))
                index.append(i)
            except TokenizerError as exc:  # valid QASM outside the canonical form
                checks[i].error = f"outside the canonical form: {exc}"
    real_train, real_test, rnd_train, rnd_test = _split(corpus, seed)
    clf = train_realism(real_train, rnd_train, real_test, rnd_test, kind=classifier, seed=seed)
    p_gen = clf.probability_real(circuits)
    t_real = time.perf_counter()

    train_set, train_source = _training_circuits(model_dir, real_train)
    nov = novelty(circuits, train_set, heldout=real_test, all_real=[it.circuit for it in corpus.real])
    prof_real = profile_rows([it.circuit for it in corpus.real])
    prof_gen = profile_rows(circuits)
    prof_rnd = profile_rows([it.circuit for it in corpus.random])
    structure = {
        "metric": "W1 = 1-Wasserstein distance (metric units), w1_over_std = W1 / std of the real values; "
        "gate_types_tv = total variation distance of gate-type shares",
        "generated_vs_real": distances(prof_real, prof_gen),
        "random_vs_real": distances(prof_real, prof_rnd),
        "heldout_real_vs_train_real": distances(profile_rows(real_train), profile_rows(real_test))
        if real_test
        else {},
    }
    n = len(texts)
    errors = Counter((c.error or "").split(":")[0][:80] for c in checks if not c.simulated)
    judged = p_gen >= 0.5
    p_real = np.full(n, np.nan)
    p_real[index] = p_gen
    train_hashes = {c.hash() for c in train_set}
    novel = np.zeros(n, dtype=bool)
    novel[index] = [c.hash() not in train_hashes for c in circuits]
    nn = np.full(n, np.nan)
    nn[index] = nearest_distances(circuits, train_set)
    report = {
        "generated": n,
        "validity": {
            "metric": "parsed by qgen.circuits.load (full validation) and simulated (qgen.sim <= "
            f"{max_sim_qubits} qubits: finite state of norm 1; wider: Aer MPS)",
            "parsed": int(sum(c.parsed for c in checks)),
            "simulated": int(valid.sum()),
            "rate": float(valid.mean()),
            "simulators": dict(Counter(c.simulator for c in checks if c.simulator)),
            "errors": dict(errors.most_common(10)),
        },
        "realism": {
            "metric": "P(real) >= 0.5 from a classifier trained on real vs random corpus circuits",
            "classifier": classifier,
            "train_circuits": {"real": len(real_train), "random": len(rnd_train)},
            "heldout_accuracy": clf.heldout_accuracy,
            "heldout_size": clf.heldout_size,
            "judged_real": float(judged.mean()) if len(judged) else 0.0,
            "judged_real_of_all": float(judged.sum() / n),
            "mean_p_real": float(p_gen.mean()) if len(p_gen) else None,
            "heldout_real_judged_real": float(clf.judged_real(real_test).mean()) if real_test else None,
            "heldout_random_judged_real": float(clf.judged_real(rnd_test).mean()) if rnd_test else None,
        },
        "structure": structure,
        "novelty": {**nov, "training_circuits": train_source},
        "corpus": corpus.summary(),
        "generation": meta,
        "seconds": {
            "validity": round(t_valid - t0, 2),
            "realism": round(t_real - t_valid, 2),
            "total": round(time.perf_counter() - t0, 2),
        },
        "seed": seed,
    }
    if out is not None:
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        if plots:
            groups = {"real": prof_real, "generated": prof_gen, "random": prof_rnd}
            report["plots"] = [
                str(plot_profiles(groups, out / "profiles.png", "real vs generated vs random"))
            ]
        clf.save(out / "realism.skops")
        _write_circuits(out / "circuits.parquet", texts, checks, p_real, novel, nn)
        _write_json(out / "eval.json", report)
    return Evaluation(report, texts, valid, p_real, novel, nn, [c.error for c in checks])


def _write_circuits(path: Path, texts, checks, p_real, novel, nn) -> None:
    pa = require("pyarrow", extra="data", purpose="writing evaluated circuits")
    pq = require("pyarrow.parquet", extra="data", purpose="writing evaluated circuits")

    table = pa.table(
        {
            "qasm2": texts,
            "parsed": [c.parsed for c in checks],
            "simulated": [c.simulated for c in checks],
            "error": [c.error for c in checks],
            "p_real": [None if np.isnan(v) else float(v) for v in p_real],
            "novel": [bool(v) for v in novel],
            "nn_distance": [None if np.isnan(v) else float(v) for v in nn],
        }
    )
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def report_rows(report: dict) -> list[tuple[str, str]]:
    """(figure, value) pairs for a printed table of the main results."""
    v, r, nv = report["validity"], report["realism"], report["novelty"]
    g = report["structure"]["generated_vs_real"]
    rnd = report["structure"]["random_vs_real"]
    pct = lambda x: "-" if x is None else f"{100 * x:.1f}%"  # noqa: E731
    rows = [
        ("generated circuits", str(report["generated"])),
        ("parse + simulate", f"{v['simulated']}/{report['generated']} ({pct(v['rate'])})"),
        ("realism classifier held-out accuracy", f"{pct(r['heldout_accuracy'])} (n={r['heldout_size']})"),
        ("judged real (valid / all)", f"{pct(r['judged_real'])} / {pct(r['judged_real_of_all'])}"),
        ("novel (not a training copy)", pct(nv["novel"])),
        ("nearest-neighbour distance, median", _fmt(nv["nn_distance_median"])),
        ("  held-out real, median (reference)", _fmt(nv["heldout_real_nn_distance_median"])),
    ]
    if g:
        rows.append(
            ("gate-type TV: generated / random", f"{g['gate_types_tv']:.3f} / {rnd['gate_types_tv']:.3f}")
        )
        for name in ("depth", "two_qubit_fraction", "density", "num_gates"):
            rows.append(
                (
                    f"W1/std {name}: generated / random",
                    f"{g[name]['w1_over_std']:.3f} / {rnd[name]['w1_over_std']:.3f}",
                )
            )
    return rows


def _fmt(x) -> str:
    return "-" if x is None else f"{x:.3f}"
