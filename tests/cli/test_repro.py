"""``qgen repro``: the experiment list, clear errors, and every experiment's quick run (slow) printing its table.

The quick runs call the real benchmark scripts in ``benchmarks/`` at smoke scale (about 10 s each on 2 CPU cores).
"""
# ruff: noqa: E501

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from qgen.cli.app import main
from qgen.repro import experiments

ROOT = Path(__file__).resolve().parents[2]
NAMES = [r.name for r in experiments()]


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_the_experiments_with_their_times(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = run(["repro", "--list"], capsys)
    assert code == 0
    assert len(NAMES) >= 6
    for name in ("qas-4q", "qas-8q", "ketgpt", "agent-q-llm", "synthesis", "tn-init", "compile"):
        assert name in NAMES and name in out
    assert "quick min" in out and "full min" in out
    assert "search/qas-4q.yaml" in out


def test_unknown_experiment_and_missing_name(capsys):
    code, _, err = run(["repro", "tn-ini"], capsys)
    assert code == 1
    assert "no experiment 'tn-ini' (did you mean 'tn-init'?)" in err
    code, _, err = run(["repro"], capsys)
    assert code == 1 and "name an experiment" in err


def test_outside_a_checkout_the_error_says_what_to_do(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("QGEN_CHECKOUT", str(tmp_path))
    code, _, err = run(["repro", "--list"], capsys)
    assert code == 1
    assert "qgen repro needs qgen's source checkout" in err
    assert "benchmarks/" in err and "QGEN_CHECKOUT" in err
    assert "Traceback" not in err


def test_a_failing_benchmark_reports_its_log(tmp_path, capsys, monkeypatch):
    """A checkout whose benchmark exits 1: the error names the script, the exit code and the log's tail."""
    for folder in ("benchmarks", "compiler", "datasets", "search", "train"):
        (tmp_path / folder).mkdir()
    (tmp_path / "benchmarks" / "fail_bench.py").write_text("import sys\nprint('no GPU here')\nsys.exit(3)\n")
    (tmp_path / "train" / "x.yaml").write_text(
        "recipe: broken\ncommand: simulate\nrepro:\n  bench: benchmarks/fail_bench.py\n  quick: [--quick]\n"
        "  figures: [{label: a, qgen: a}]\n"
    )
    monkeypatch.setenv("QGEN_CHECKOUT", str(tmp_path))
    code, _, err = run(["repro", "broken", "--quick", "--out", str(tmp_path / "o")], capsys)
    assert code == 1
    assert "broken: fail_bench.py exited with 3" in err and "no GPU here" in err
    assert (tmp_path / "o" / "bench.log").read_text().strip() == "no GPU here"


def test_figures_are_read_from_the_benchmarks_json(tmp_path, capsys, monkeypatch):
    """A stand-in benchmark writes JSON to --out; the table shows qgen / paper / peer from the recipe's paths."""
    for folder in ("benchmarks", "compiler", "datasets", "search", "train"):
        (tmp_path / folder).mkdir()
    (tmp_path / "benchmarks" / "toy_bench.py").write_text(
        "import json, sys\nout = sys.argv[sys.argv.index('--out') + 1]\n"
        "quick = '--quick' in sys.argv\n"
        "json.dump({'rows': [{'m': 'ours', 'v': 1.5}, {'m': 'peer', 'v': 3.0}], 'quick': quick, 'nan': float('nan')}, open(out, 'w'))\n"
    )
    (tmp_path / "search" / "toy.yaml").write_text(
        "recipe: toy\ndescription: a toy\ncommand: simulate\noptions: {shots: 10}\n"
        "paper: {citation: Someone 2024, arxiv: '2401.00001', metric: value, value: 2.0}\n"
        "repro:\n  bench: benchmarks/toy_bench.py\n  quick: [--quick]\n  full: []\n  out: file\n"
        "  expected_minutes: {quick: 1, full: 2}\n  figures:\n"
        "    - {label: value, qgen: 'rows[m=ours].v', peer: 'rows[m=peer].v'}\n"
        "    - {label: quick flag, qgen: quick}\n"
        "    - {label: not measured, qgen: nan}\n"
        "    - {label: full only, qgen: missing.key, full_only: true}\n"
    )
    monkeypatch.setenv("QGEN_CHECKOUT", str(tmp_path))
    code, out, err = run(["repro", "toy", "--quick", "--json", "--out", str(tmp_path / "o")], capsys)
    assert code == 0, err
    rows = json.loads(out)["figures"]
    assert rows == [
        {"figure": "value", "qgen": 1.5, "paper": 2.0, "peer": 3.0},
        {"figure": "quick flag", "qgen": True, "paper": None, "peer": None},
        {"figure": "not measured", "qgen": None, "paper": None, "peer": None},
    ]
    assert json.loads((tmp_path / "o" / "repro.json").read_text())["figures"] == rows
    code, _, err = run(["repro", "toy", "--out", str(tmp_path / "full")], capsys)  # full run: all rows
    assert code == 1 and "figure 'full only': missing.key: no key 'missing'" in err


def _tiny_llama(folder: Path) -> Path:
    """A 2-layer Llama with random weights and a byte-level BPE tokenizer (the quick run's base model)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    from qgen.generate.llm.data import CHATML_TEMPLATE

    texts = [p.read_text() for p in sorted((ROOT / "examples").glob("*.qasm"))]
    texts += ["Generate a quantum circuit in QASM 3.0 with 4 qubits and 1 layers that solves maxcut"] * 4
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(texts, trainer)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|im_end|>", pad_token="<|endoftext|>")
    fast.chat_template = CHATML_TEMPLATE
    import torch

    torch.manual_seed(0)
    cfg = LlamaConfig(
        vocab_size=len(fast), hidden_size=64, intermediate_size=128, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=2048,
        tie_word_embeddings=True, eos_token_id=fast.eos_token_id, pad_token_id=fast.pad_token_id,
        bos_token_id=None,
    )  # fmt: skip
    LlamaForCausalLM(cfg).save_pretrained(folder)
    fast.save_pretrained(folder)
    return folder


# Each quick run is a real benchmark run at smoke scale (about 10 s each on 2 CPU cores): all of them are part
# of the default suite.
@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_quick_run_prints_the_qgen_paper_peer_table(name, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    extra = []
    if name == "agent-q-llm":
        # the quick run's base model: a 2-layer random Llama built here (the registered smollm2-135m, the
        # default of a user's quick run, takes a minute on 2 cores)
        extra = ["--", "--base", str(_tiny_llama(tmp_path / "tiny-base"))]
    code, out, err = run(["repro", name, "--quick", "--out", str(tmp_path / "run"), *extra], capsys)
    assert code == 0, err
    header = next(line for line in out.splitlines() if "figure" in line and "qgen" in line)
    assert [c.strip() for c in header.strip().strip("┃").split("┃")] == ["figure", "qgen", "paper", "peer"]
    assert "quick run" in out
    assert (tmp_path / "run" / "bench.log").is_file()
    record = json.loads((tmp_path / "run" / "repro.json").read_text())
    assert record["experiment"] == name and record["quick"] is True
    assert record["seconds"] < 300  # --quick: <= 5 minutes
    figures = record["figures"]
    recipe = next(r for r in experiments() if r.name == name)
    assert [f["figure"] for f in figures] == [
        str(row["label"]) for row in recipe.repro["figures"] if not row.get("full_only")
    ]
    for f in figures:
        assert f["figure"][:30] in out  # every figure is a table row
        assert isinstance(f["qgen"], (int, float)) and math.isfinite(f["qgen"]), f  # qgen's: a real number


def test_table_cells_keep_figures_readable():
    from qgen.cli.repro import _fmt

    assert _fmt(0.9999522378408252) == "0.999952"  # not rounded up to "1"
    assert _fmt(0.0003085088) == "0.0003085"
    assert _fmt(8.534757) == "8.535"
    assert (_fmt(12), _fmt(2.0), _fmt(None), _fmt(float("nan")), _fmt(True)) == ("12", "2", "-", "nan", "yes")
