"""Datasets of generated circuits: ``qgen generate ketgpt`` (all samples) and ``qgen dataset build
synthetic`` (verified samples, with a card stating the verification figures).

>>> parse_qubits("3,5-7")
[3, 5, 6, 7]
"""

from __future__ import annotations

import os
import platform
import shlex
import sys
from pathlib import Path

from qgen._version import __version__
from qgen.executors import Executor
from qgen.generate.errors import GenerateError
from qgen.generate.io import write_dataset
from qgen.generate.ketgpt.cards import samples_card, synthetic_card
from qgen.generate.ketgpt.defaults import DEFAULT_TOP_K
from qgen.generate.ketgpt.evaluate import Evaluation, evaluate_ketgpt
from qgen.generate.ketgpt.sampling import SampleResult, load_model, sample
from qgen.progress import Progress


def parse_qubits(spec: str | None) -> list[int] | None:
    """``"3,5-7"`` -> ``[3, 5, 6, 7]``; ``None`` or ``""`` -> ``None``.

    Raises:
        GenerateError: a part is not an integer or a range ``a-b``.
    """
    if not spec:
        return None
    out: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        try:
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                out += list(range(lo, hi + 1))
            else:
                out.append(int(part))
        except ValueError:
            raise GenerateError(f"--qubits: {part!r} is not a number or a range like 4-8") from None
    if not out:
        raise GenerateError(f"--qubits {spec!r} names no register size")
    return out


def _command() -> str:
    return " ".join(shlex.quote(a) for a in ["qgen", *sys.argv[1:]]) if sys.argv else ""


def _meta(model_dir, result: SampleResult, model_meta: dict) -> dict:
    import torch
    import transformers

    return {
        "model": str(Path(model_dir).resolve()),
        "model_config": model_meta.get("config"),
        "model_shape": model_meta.get("shape"),
        "settings": result.settings,
        "seconds": round(result.seconds, 3),
        "seconds_per_circuit": result.seconds_per_circuit,
        "decode_seconds": round(result.decode_seconds, 3),
        "valid_program_fraction": result.valid_fraction,
        "command": _command(),
        "versions": {
            "qgen": __version__,
            "torch": torch.__version__,
            "transformers": transformers.__version__,
            "python": platform.python_version(),
        },
    }


class _TickProgress:
    """A :class:`qgen.progress.Progress` inside a task: sampled circuits go to :func:`qgen.executors.tick`."""

    def start(self, task: str, total: int | None = None, unit: str = "it") -> None:
        """Nothing to do."""

    def advance(self, task: str, n: int = 1, **info) -> None:
        """Tick the sampled circuits."""
        from qgen.executors import tick

        tick(n)

    def finish(self, task: str) -> None:
        """Nothing to do."""


def sample_part(model_dir: str, n: int, seed: int, settings: dict) -> SampleResult:
    """Sample one part of a dataset (a pure task: the model folder must be readable where it runs)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one part per core; the same samples with any executor and worker count
    try:
        return sample(str(model_dir), n, seed=seed, progress=_TickProgress(), **settings)
    finally:
        torch.set_num_threads(threads)


def part_seed(seed: int, part: int) -> int:
    """The sampling seed of part ``part`` of a dataset sampled in parts."""
    import numpy as np

    return int(np.random.SeedSequence([seed, part]).generate_state(1)[0])


def _sample_with_meta(model_dir, n, seed, settings, executor, part_size, progress):
    """Sample ``n`` circuits (in parts through ``executor``, or in this process) and their metadata."""
    if executor is not None:
        result = _sample_parts(model_dir, n, seed, settings, executor, part_size, progress)
        model_meta = _model_meta(model_dir)
    else:
        loaded = load_model(model_dir, settings["device"])
        result = sample(loaded, n, seed=seed, progress=progress, **settings)
        model_meta = loaded[2]
    return result, _meta(model_dir, result, model_meta)


def _sample_parts(model_dir, n: int, seed: int, settings: dict, executor: Executor, part_size: int | None,
                  progress: Progress | None) -> SampleResult:  # fmt: skip
    """Sample ``n`` circuits as parts of ``part_size`` (default: one batch) on ``executor``; in part order."""
    from qgen.progress import report

    size = max(1, part_size or settings.get("batch_size", 100))
    counts = [min(size, n - lo) for lo in range(0, n, size)]
    tasks = [(str(model_dir), k, part_seed(seed, p), settings) for p, k in enumerate(counts)]
    bar = report(progress)
    bar.start("sampling", total=n, unit="circuits")
    parts: dict[int, SampleResult] = {}
    try:
        for i, part in executor.map(sample_part, tasks, progress=lambda k: bar.advance("sampling", k)):
            parts[i] = part
    finally:
        bar.finish("sampling")
    ordered = [parts[i] for i in range(len(tasks))]
    extra = {"seed": seed, "parts": len(tasks), "part_size": size, "executor": executor.name}
    return SampleResult(
        [s for part in ordered for s in part.samples],
        sum(p.seconds for p in ordered),
        sum(p.decode_seconds for p in ordered),
        {**(ordered[0].settings if ordered else {}), **extra},
    )


def _model_meta(model_dir) -> dict:
    """The model's ``model.json`` (what the driver needs when workers load the weights)."""
    import json

    from qgen.generate.ketgpt.config import MODEL_JSON

    return json.loads((Path(model_dir) / MODEL_JSON).read_text(encoding="utf-8"))


def _rows(result: SampleResult, seed: int) -> list[dict]:
    return [
        {
            "id": f"ketgpt-s{seed}-{i:05d}",
            "qasm2": s.qasm,
            "num_qubits": s.num_qubits,
            "num_gates": s.circuit.num_gates if s.circuit else 0,
            "num_tokens": s.num_tokens,
            "valid_program": s.error is None,
            "error": s.error,
            "constrained": bool(result.settings["constrained"]),
        }
        for i, s in enumerate(result.samples)
    ]


def generate_dataset(
    model_dir: str | os.PathLike,
    out: str | os.PathLike,
    n: int = 1000,
    *,
    qubits: list[int] | None = None,
    constrained: bool = True,
    batch_size: int = 100,
    top_k: int = DEFAULT_TOP_K,
    top_p: float = 1.0,
    min_p: float = 0.0,
    temperature: float = 1.0,
    max_new_tokens: int | None = None,
    lengths: str = "data",
    seed: int = 0,
    device: str = "auto",
    progress: Progress | None = None,
    cancel_free: bool = True,
    executor: Executor | None = None,
    part_size: int | None = None,
) -> tuple[SampleResult, dict]:
    """Sample ``n`` circuits and write them all (valid or not) as a dataset in ``out``.

    Arguments are those of :func:`qgen.generate.ketgpt.sample`. With an ``executor``
    (:func:`qgen.executors.get_executor`) the circuits are sampled in parts of ``part_size`` (default:
    ``batch_size``), part ``p`` with seed :func:`part_seed` ``(seed, p)``, in parallel here or on a Ray
    cluster; the same seed and part size give the same dataset with any executor and worker count.

    Returns:
        The :class:`SampleResult` and the metadata written to ``generation.json``.
    """
    settings = {
        "qubits": qubits, "constrained": constrained, "batch_size": batch_size, "top_k": top_k,
        "top_p": top_p, "min_p": min_p, "temperature": temperature, "max_new_tokens": max_new_tokens,
        "lengths": lengths, "device": device, "cancel_free": cancel_free,
    }  # fmt: skip
    result, meta = _sample_with_meta(model_dir, n, seed, settings, executor, part_size, progress)
    rows = _rows(result, seed)
    valid = sum(r["valid_program"] for r in rows)
    card = samples_card(rows, meta, result, constrained, seed, top_k, temperature, valid)
    write_dataset(rows, out, card, meta)
    return result, meta


def build_synthetic_dataset(
    model_dir: str | os.PathLike,
    corpus,
    out: str | os.PathLike,
    n: int = 1000,
    *,
    qubits: list[int] | None = None,
    only_real: bool = False,
    only_novel: bool = False,
    batch_size: int = 100,
    top_k: int = DEFAULT_TOP_K,
    top_p: float = 1.0,
    min_p: float = 0.0,
    temperature: float = 1.0,
    lengths: str = "data",
    classifier: str = "logreg",
    seed: int = 0,
    device: str = "auto",
    progress: Progress | None = None,
    cancel_free: bool = True,
    executor: Executor | None = None,
    part_size: int | None = None,
) -> tuple[Evaluation, Path]:
    """Sample ``n`` constrained circuits, verify them, and write the verified ones as a HF dataset.

    Args:
        model_dir: trained model folder.
        corpus: real/random corpus for the realism classifier and the profiles (see ``load_corpus``).
        out: dataset folder (``data/*.parquet``, ``README.md`` with the verification figures,
            ``generation.json``, and ``verification/`` with ``eval.json`` and ``profiles.png``).
        n: circuits to sample (the dataset keeps the verified ones).
        qubits: register sizes (default: the training distribution).
        only_real: keep only circuits the realism classifier judges real.
        only_novel: keep only circuits that are not copies of training circuits.
        batch_size, top_k, top_p, min_p, temperature, lengths, seed, device, progress, cancel_free:
            sampling settings (see ``sample``).
        classifier: realism classifier kind.
        executor, part_size: sample in parts on an executor (see :func:`generate_dataset`); the
            verification runs here.

    Returns:
        The :class:`Evaluation` of all samples and the output folder.

    Raises:
        GenerateError: no sample passed verification.
    """
    from qgen.circuits import dumps, load
    from qgen.generate.ketgpt.canonical import canonicalize
    from qgen.generate.ketgpt.features import circuit_profile

    settings = {
        "qubits": qubits, "batch_size": batch_size, "top_k": top_k, "top_p": top_p, "min_p": min_p,
        "temperature": temperature, "lengths": lengths, "device": device, "cancel_free": cancel_free,
    }  # fmt: skip
    result, meta = _sample_with_meta(model_dir, n, seed, settings, executor, part_size, progress)
    out = Path(out)
    ev = evaluate_ketgpt(
        result, corpus, model_dir=model_dir, out=out / "verification", classifier=classifier, seed=seed
    )
    rows = []
    for i, text in enumerate(ev.texts):
        if not ev.valid[i] or (only_real and not ev.p_real[i] >= 0.5) or (only_novel and not ev.novel[i]):
            continue
        circuit = canonicalize(text)
        prof = circuit_profile(circuit)
        rows.append(
            {
                "id": f"ketgpt-s{seed}-{i:05d}",
                "qasm2": text,
                "qasm3": dumps(load(text), version=3),
                "num_qubits": prof.num_qubits,
                "num_gates": prof.size,
                "depth": prof.depth,
                "two_qubit_fraction": prof.two_qubit_fraction,
                "density": prof.density,
                "p_real": float(ev.p_real[i]),
                "judged_real": bool(ev.p_real[i] >= 0.5),
                "novel": bool(ev.novel[i]),
                "nn_distance": float(ev.nn_distance[i]),
            }
        )
    if not rows:
        raise GenerateError(f"none of the {n} samples passed verification with the chosen filters")
    meta["verification"] = {k: ev.report[k] for k in ("validity", "realism", "novelty")}
    meta["kept"] = len(rows)
    filters = {"parse and simulate": True, "judged real": only_real, "novel": only_novel}
    write_dataset(rows, out, synthetic_card(rows, ev.report, meta, filters), meta)
    return ev, out
