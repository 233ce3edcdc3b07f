"""End to end on the CPU: a real (tiny) optimisation dataset, a tiny randomly initialised Llama with a BPE
tokenizer trained on the dataset text, SFT for a few steps (with resume), generation and evaluation."""

from __future__ import annotations

import json

import pytest
import torch
import typer
from typer.testing import CliRunner

from qgen.cli.llm import eval_llm_cmd, generate_llm_cmd, train_llm_cmd
from qgen.generate.llm.data import CHATML_TEMPLATE
from qgen.generate.llm.training import LLMTrainConfig, train_llm
from qgen.progress import RecordingProgress

runner = CliRunner()


@pytest.fixture(autouse=True, scope="module")
def _one_thread():
    """Tiny models: one torch thread avoids oversubscription on the shared CI cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    from qgen.datasets import OptimizationConfig, build_optimization

    out = tmp_path_factory.mktemp("llm") / "opt"
    cfg = OptimizationConfig(
        size=10,
        min_qubits=3,
        max_qubits=3,
        problems=("maxcut",),
        methods=(("qaoa", 1.0),),
        max_layers=1,
        seed=0,
        test_fraction=0.3,
    )
    build_optimization(str(out), cfg, workers=1)
    return out


@pytest.fixture(scope="module")
def base_dir(data_dir, tmp_path_factory):
    """A 2-layer Llama (random weights) and a byte-level BPE tokenizer trained on the dataset's text."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    from qgen.datasets import load_dataset

    texts = [m["content"] for row in load_dataset(str(data_dir))["train"] for m in row["messages"]]
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
    torch.manual_seed(0)
    cfg = LlamaConfig(
        vocab_size=len(fast),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=2048,
        tie_word_embeddings=True,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id,
        bos_token_id=None,
    )
    out = tmp_path_factory.mktemp("base") / "tiny"
    LlamaForCausalLM(cfg).save_pretrained(out)
    fast.save_pretrained(out)
    return out


@pytest.fixture(scope="module")
def model_dir(base_dir, data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("ft") / "run"
    cfg = LLMTrainConfig(
        base=str(base_dir),
        data=str(data_dir),
        out=str(out),
        max_steps=2,
        lr=1e-3,
        batch_size=4,
        save_steps=2,
        device="cpu",
    )
    progress = RecordingProgress()
    rec = train_llm(cfg, progress=progress)
    assert progress.events[0][:3] == ("start", "training", 2) and progress.done("training") == 2
    info = [e[2][1] for e in progress.events if e[0] == "advance"]
    assert all(i["tokens_per_s"] > 0 for i in info) and progress.events[-1][:2] == ("finish", "training")
    assert rec["steps"] == 2 and rec["train_rows"] == 7 and rec["supervised_tokens"] > 0
    assert (out / "model" / "config.json").exists() and (out / "checkpoints" / "checkpoint-2").is_dir()
    # resume: two more steps from checkpoint-2 (LoRA through the CLI command)
    return out


@pytest.mark.slow
def test_train_resume_and_lora_cli(model_dir, base_dir, data_dir, tmp_path):
    rec = train_llm(
        LLMTrainConfig(
            base=str(base_dir),
            data=str(data_dir),
            out=str(model_dir),
            max_steps=3,
            lr=1e-3,
            batch_size=4,
            save_steps=10,
            device="cpu",
        ),
    )
    assert rec["resumed_from"].endswith("checkpoint-2") and rec["steps"] == 3
    app = typer.Typer()
    app.command("llm")(train_llm_cmd)
    app.command("other")(lambda: None)
    out = tmp_path / "lora"
    res = runner.invoke(
        app,
        [
            "llm",
            "--base",
            str(base_dir),
            "--data",
            str(data_dir),
            "--out",
            str(out),
            "--lora",
            "--max-steps",
            "1",
            "--batch-size",
            "4",
            "--device",
            "cpu",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["trainable_parameters"] < 100_000  # adapters only
    assert (out / "model" / "config.json").exists() and (out / "train.json").exists()
    bad = runner.invoke(app, ["llm", "--data", str(tmp_path / "nope"), "--out", str(out)])
    assert bad.exit_code == 1 and "dataset folder not found" in bad.output


@pytest.mark.slow
def test_generate_and_evaluate_end_to_end(model_dir, data_dir, base_dir, tmp_path):
    app = typer.Typer()
    app.command("generate")(generate_llm_cmd)
    app.command("eval")(eval_llm_cmd)
    graph = tmp_path / "g.txt"
    graph.write_text("0 1\n1 2\n0 2\n")
    res = runner.invoke(
        app,
        [
            "generate",
            "--model",
            str(model_dir),
            "--graph",
            str(graph),
            "--max-new-tokens",
            "400",
            "--device",
            "cpu",
            "--json",
            "--out",
            str(tmp_path / "c.qasm"),
        ],
    )
    assert res.exit_code == 0, res.output
    gen = json.loads(res.stdout)
    # constrained decoding: even a barely trained model writes a parseable 3-qubit program
    assert gen["valid"] and gen["num_qubits"] == 3
    # --out writes the circuit with named angles and a values file that binds it back to the program
    from qiskit.quantum_info import Statevector

    import qgen

    written = qgen.load(tmp_path / "c.qasm")
    values = json.loads((tmp_path / "c.values.json").read_text())
    assert gen["values_file"] == str(tmp_path / "c.values.json")
    assert sorted(p.name for p in written.parameters) == sorted(values)
    bound = written.assign_parameters({p: values[p.name] for p in written.parameters})
    assert Statevector(bound).equiv(Statevector(qgen.load(gen["program"])))
    res = runner.invoke(
        app,
        ["generate", "--model", str(model_dir), "--graph", str(graph), "--max-new-tokens", "400",
         "--device", "cpu", "--bound", "--out", str(tmp_path / "b.qasm")],
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "b.qasm").read_text() == gen["program"] and not (tmp_path / "b.values.json").exists()
    report_path = tmp_path / "eval.json"
    res = runner.invoke(
        app,
        [
            "eval",
            "--model",
            str(model_dir),
            "--data",
            str(data_dir),
            "--base",
            str(base_dir),
            "--few-shot",
            "1",
            "--random-draws",
            "2",
            "--device",
            "cpu",
            "--out",
            str(report_path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "paper" in res.output and "parse rate" in res.output
    report = json.loads(report_path.read_text())
    assert report["rows"] == 3
    v = report["variants"]
    assert set(v) == {"fine-tuned, constrained", "fine-tuned, unconstrained", "base 1-shot"}
    assert v["fine-tuned, constrained"]["parse_rate"] == 1.0
    assert 0.0 <= v["fine-tuned, unconstrained"]["parse_rate"] <= 1.0
    assert report["random"]["mean_kl"] > 0 and report["versions"]["torch"]
    bad = runner.invoke(app, ["eval", "--model", str(model_dir), "--data", str(data_dir), "--split", "dev"])
    assert bad.exit_code == 1 and "no split 'dev'" in bad.output
