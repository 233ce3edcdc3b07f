"""Dataset cards (README.md with YAML front matter) of generated and synthetic KetGPT datasets."""

from __future__ import annotations

from qgen._version import __version__
from qgen.generate.io import fields_table, front_matter

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



def samples_card(
    rows: list[dict], meta: dict, result, constrained: bool, seed: int, top_k: int, temperature: float,
    valid: int,
) -> str:
    """Card of a ``qgen generate ketgpt`` dataset (all samples, valid or not)."""
    return (
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


def synthetic_card(rows: list[dict], report: dict, meta: dict, filters: dict) -> str:
    """Card of a synthetic dataset: front matter, the verification figures, structure, creation, limits."""
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
