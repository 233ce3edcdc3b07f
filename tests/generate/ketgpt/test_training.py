"""train_ketgpt as a library call: progress events (steps, loss, tokens/s), model folder layout, errors."""

from __future__ import annotations

import json

import pytest
import torch

from qgen.generate.errors import CorpusError, GenerateError
from qgen.generate.ketgpt.sampling import load_model, sample
from qgen.generate.ketgpt.training import TRAIN_CIRCUITS, train_ketgpt
from qgen.progress import RecordingProgress

GHZ = 'OPENQASM 2.0; include "qelib1.inc"; qreg q[{0}]; h q[0];{1}'
ROWS = [
    {"qasm2": GHZ.format(n, "".join(f"cx q[{k}],q[{k + 1}];" for k in range(n - 1)))} for n in range(2, 7)
]


@pytest.mark.slow
def test_training_reports_progress_and_writes_a_loadable_folder(tmp_path) -> None:
    torch.set_num_threads(1)
    progress = RecordingProgress()
    summary = train_ketgpt(ROWS, tmp_path, config="tiny", max_steps=3, batch_size=2, device="cpu",
                           progress=progress)  # fmt: skip
    assert summary["steps"] == 3 and summary["train_circuits"] == 5
    assert progress.events[0][:3] == ("start", "training", 3)
    assert progress.done("training") == 3 and progress.events[-1][:2] == ("finish", "training")
    infos = [e[2][1] for e in progress.events if e[0] == "advance"]
    assert all(i["tokens_per_s"] > 0 for i in infos) and "loss" in infos[-1]
    # the folder: weights as safetensors, tokenizer, training circuits, ketgpt.json; no staging left over
    names = {p.name for p in tmp_path.iterdir()}
    assert {"model.safetensors", "config.json", "ketgpt.json", TRAIN_CIRCUITS} <= names
    assert not [n for n in names if n.startswith(".")]
    assert json.loads((tmp_path / "ketgpt.json").read_text())["steps"] == 3
    assert len((tmp_path / TRAIN_CIRCUITS).read_text().splitlines()) == 5
    res = sample(load_model(tmp_path, device="cpu"), 4, batch_size=4, seed=0, device="cpu")
    assert res.valid_fraction == 1.0


def test_training_refuses_bad_settings(tmp_path) -> None:
    with pytest.raises(GenerateError, match="epochs or max_steps"):
        train_ketgpt(ROWS, tmp_path, config="tiny", epochs=0, max_steps=-1)
    with pytest.raises(GenerateError, match="batch_size must be positive"):
        train_ketgpt(ROWS, tmp_path, config="tiny", batch_size=0)
    with pytest.raises(CorpusError, match="fits the context of 4 tokens"):
        train_ketgpt(ROWS, tmp_path, config="tiny", context=4, device="cpu")
