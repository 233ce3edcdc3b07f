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
from qgen.generate.defaults import DEFAULT_TOP_K
from qgen.generate.errors import GenerateError
from qgen.generate.evaluate import Evaluation, evaluate_ketgpt
from qgen.generate.io import fields_table, front_matter, write_dataset
from qgen.generate.ketgpt import SampleResult, load_model, sample

GENERATED_FIELDS = [
    ("id", "string", "ketgpt-s{seed}-{index:05d}"),
    ("qasm2", "string", "OpenQASM 2.0 program (canonical form: one register, qelib1 gates, no measurements)"),
    ("num_qubits", "int64", "register size (the prompt's n)"),
    ("num_gates", "int64", "gate statements (0 when the words do not form a program)"),
    ("num_tokens", "int64", "generated tokens including </s> (0 when the sample never ended)"),
    ("valid_program", "bool", "the generated words form a valid program (grammar check)"),
    ("error", "string", "why not (null when valid)"),
    ("constrained", "bool", "sampled with the grammar constraint"),
]


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
    progress: bool = False,
    cancel_free: bool = True,
) -> tuple[SampleResult, dict]:
    """Sample ``n`` circuits and write them all (valid or not) as a dataset in ``out``.

    Arguments are those of :func:`qgen.generate.ketgpt.sample`.

    Returns:
        The :class:`SampleResult` and the metadata written to ``generation.json``.
    """
    loaded = load_model(model_dir, device)
    result = sample(
        loaded,
        n,
        qubits=qubits,
        constrained=constrained,
        batch_size=batch_size,
        top_k=top_k,
        top_p=top_p,
        min_p=min_p,
        temperature=temperature,
        max_new_tokens=max_new_tokens,
        lengths=lengths,
        seed=seed,
        device=device,
        progress=progress,
        cancel_free=cancel_free,
    )
    meta = _meta(model_dir, result, loaded[2])
    rows = _rows(result, seed)
    valid = sum(r["valid_program"] for r in rows)
    card = (
        front_matter(len(rows), ["quantum-circuits", "openqasm", "qgen", "ketgpt", "generated"])
        + f"# KetGPT samples ({len(rows)} circuits)\n\n"
        + f"Sampled by qgen {__version__} from the model `{meta['model']}` "
        + f"({'with' if constrained else 'without'} the grammar constraint), seed {seed}, top-k {top_k}, "
        + f"temperature {temperature}. {valid} of {len(rows)} samples are valid programs by the word "
        + "grammar; "
        + "run `qgen eval ketgpt` for the full verification.\n\n## Structure\n\n"
        + fields_table(GENERATED_FIELDS)
        + f"\n## Creation\n\n`{meta['command']}`; {meta['seconds_per_circuit']:.4f} s per circuit on "
        + f"{result.settings['device']}.\n"
    )
    write_dataset(rows, out, card, meta)
    return result, meta


SYNTHETIC_FIELDS = [
    ("id", "string", "ketgpt-s{seed}-{index:05d} (index among all samples)"),
    ("qasm2", "string", "OpenQASM 2.0 program (canonical form)"),
    ("qasm3", "string", "the same circuit as OpenQASM 3.0 (qgen.dumps)"),
    ("num_qubits", "int64", "qubits"),
    ("num_gates", "int64", "gates"),
    ("depth", "int64", "circuit depth"),
    ("two_qubit_fraction", "float64", "2-qubit gates / gates"),
    ("density", "float64", "interaction-graph density"),
    ("p_real", "float64", "realism classifier's P(real)"),
    ("judged_real", "bool", "p_real >= 0.5"),
    ("novel", "bool", "not a copy of a training circuit (canonical hash)"),
    ("nn_distance", "float64", "cosine distance of word 1-3-grams to the nearest training circuit"),
]


def _num(x) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def _synthetic_card(rows: list[dict], report: dict, meta: dict, filters: dict) -> str:
    v, r, nv = report["validity"], report["realism"], report["novelty"]
    g = report["structure"]["generated_vs_real"]
    pct = lambda x: "n/a" if x is None else f"{100 * x:.1f}%"  # noqa: E731
    figures = [
        ("samples drawn", str(report["generated"])),
        ("parse (qgen.circuits.load) and simulate", f"{v['simulated']} ({pct(v['rate'])})"),
        (
            "realism classifier held-out accuracy",
            f"{pct(r['heldout_accuracy'])} on {r['heldout_size']} circuits",
        ),
        ("judged real by it", pct(r["judged_real"])),
        ("novel (not a training copy)", pct(nv["novel"])),
        ("median nearest-neighbour distance", _num(nv["nn_distance_median"])),
        ("  the same for held-out real circuits", _num(nv["heldout_real_nn_distance_median"])),
    ]
    if g:
        figures.append(("gate-type total variation vs real", f"{g['gate_types_tv']:.3f}"))
        for name in ("depth", "two_qubit_fraction", "density"):
            figures.append((f"W1 / std(real) of {name}", f"{g[name]['w1_over_std']:.3f}"))
    table = "| figure | value |\n|---|---|\n" + "".join(f"| {a} | {b} |\n" for a, b in figures)
    kept = ", ".join(k for k, on in filters.items() if on) or "parse and simulate"
    return (
        front_matter(len(rows), ["quantum-circuits", "openqasm", "qgen", "ketgpt", "synthetic"])
        + f"# Synthetic circuits from KetGPT ({len(rows)} verified circuits)\n\n"
        + "Realistic-looking quantum circuits sampled from a GPT-2 model trained from scratch on MQT Bench "
        + "circuits (KetGPT, Apak et al. 2024), with qgen's grammar-constrained decoding, then verified. "
        + f"Kept: circuits that pass {kept}.\n\n## Verification\n\n"
        + table
        + "\nMetrics: validity = parsed by `qgen.circuits.load` and simulated (qgen.sim, state norm 1); "
        + "realism = P(real) >= 0.5 from a classifier trained on real MQT Bench circuits vs random circuits "
        + "of the same width and length; novelty by canonical hash; distances between profile "
        + "distributions: W1 = 1-Wasserstein, TV = total variation.\n\n## Structure\n\n"
        + fields_table(SYNTHETIC_FIELDS)
        + f"\n## Creation\n\n`{meta.get('command', '')}` with qgen {__version__}; model `{meta['model']}` "
        + f"({meta.get('model_config')}), seed {meta['settings']['seed']}.\n\n## Limitations\n\n"
        + "- Circuits are in canonical form: no measurements, one register, angles on qgen's grid "
        + "(exact k*pi/2^m or 256 bins of 0.049 rad).\n- Realistic-looking is not meaningful: the circuits "
        + "resemble algorithm circuits structurally but compute nothing in particular.\n"
        + "- Realism is judged by one classifier against random circuits; it says nothing about closeness "
        + "to any particular algorithm family.\n"
    )


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
    progress: bool = False,
    cancel_free: bool = True,
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

    Returns:
        The :class:`Evaluation` of all samples and the output folder.

    Raises:
        GenerateError: no sample passed verification.
    """
    from qgen.circuits import dumps, load
    from qgen.generate.canonical import canonicalize
    from qgen.generate.features import circuit_profile

    loaded = load_model(model_dir, device)
    result = sample(
        loaded,
        n,
        qubits=qubits,
        batch_size=batch_size,
        top_k=top_k,
        top_p=top_p,
        min_p=min_p,
        temperature=temperature,
        lengths=lengths,
        seed=seed,
        device=device,
        progress=progress,
        cancel_free=cancel_free,
    )
    meta = _meta(model_dir, result, loaded[2])
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
    write_dataset(rows, out, _synthetic_card(rows, ev.report, meta, filters), meta)
    return ev, out
