"""``qgen dataset`` through Typer's CliRunner: build, info, verify, merge, problems and clear errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qgen.cli.dataset import app

runner = CliRunner()


def test_problems_lists_the_registry() -> None:
    res = runner.invoke(app, ["problems", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert len(data["problems"]) >= 12 and "sim14" in data["ansatze"]
    res = runner.invoke(app, ["problems"])
    assert res.exit_code == 0 and "maxcut" in res.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "opt"
    args = [
        "build",
        "optimization",
        "--out",
        str(out),
        "--size",
        "4",
        "--max-qubits",
        "3",
        "--workers",
        "1",
        "--steps",
        "30",
        "--shard-size",
        "2",
        "--seed",
        "5",
        "--quiet",
    ]
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "build complete" in res.stdout
    return out


@pytest.mark.slow
def test_build_info_verify(built) -> None:
    res = runner.invoke(app, ["info", str(built), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["complete"] and data["rows"] == 4 and data["kind"] == "optimization"
    assert "qgen dataset build optimization" in data["command"] and "--seed 5" in data["command"]
    res = runner.invoke(app, ["verify", str(built), "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["checked"] == 4


@pytest.mark.slow
def test_errors_are_one_line_and_exit_1(built, tmp_path, monkeypatch) -> None:
    res = runner.invoke(app, ["build", "optimisation", "--out", str(tmp_path / "x")])
    assert res.exit_code == 1 and "unknown dataset kind 'optimisation'" in res.stderr
    assert "Did you mean 'optimization'" in res.stderr
    res = runner.invoke(
        app, ["build", "optimization", "--out", str(built), "--size", "5", "--max-qubits", "3"]
    )
    assert res.exit_code == 1 and "holds a different build" in res.stderr and "Traceback" not in res.output
    res = runner.invoke(app, ["build", "optimization", "--out", str(tmp_path / "y"), "--shard", "2/2"])
    assert res.exit_code == 1 and "0 <= i < N" in res.stderr
    res = runner.invoke(app, ["build", "optimization", "--out", str(tmp_path / "z"), "--problems", "maxkut"])
    assert res.exit_code == 1 and "Did you mean 'maxcut'" in res.stderr
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    res = runner.invoke(
        app, ["build", "optimization", "--out", str(tmp_path / "w"), "--push-to-hub", "me/data"]
    )
    assert res.exit_code == 1 and "needs a Hugging Face token" in res.stderr
    assert not (tmp_path / "w").exists()  # checked before any work
    res = runner.invoke(app, ["info", str(tmp_path)])
    assert res.exit_code == 1 and "not a qgen dataset folder" in res.stderr


def test_merge_reports_gaps(built, tmp_path) -> None:
    part = tmp_path / "part0"
    res = runner.invoke(
        app,
        [
            "build",
            "optimization",
            "--out",
            str(part),
            "--size",
            "4",
            "--max-qubits",
            "3",
            "--workers",
            "1",
            "--steps",
            "30",
            "--shard-size",
            "2",
            "--seed",
            "5",
            "--shard",
            "0/2",
            "--quiet",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "incomplete" in res.stdout
    res = runner.invoke(app, ["merge", str(part), "--out", str(tmp_path / "m")])
    assert res.exit_code == 1 and "gaps: 1" in res.stderr
    res = runner.invoke(app, ["merge", str(part), str(built), "--out", str(tmp_path / "m")])
    assert res.exit_code == 1 and "duplicate shards" in res.stderr
