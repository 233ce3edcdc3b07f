"""``--config FILE``: a recipe sets a command's options, flags override it, bad recipes fail clearly."""
# ruff: noqa: E501

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qgen.cli.app import main

GHZ = str(Path(__file__).resolve().parents[2] / "examples" / "ghz.qasm")


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def recipe(tmp_path: Path, text: str, name: str = "r.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_recipe_sets_options_and_flags_override(tmp_path, capsys):
    cfg = recipe(tmp_path, "command: simulate\noptions:\n  shots: 64\n  seed: 3\n  as_json: true\n")
    code, out, _ = run(["simulate", GHZ, "--config", cfg], capsys)
    assert code == 0
    assert sum(json.loads(out)["counts"].values()) == 64
    code, out, _ = run(["simulate", GHZ, f"--config={cfg}", "--shots", "10"], capsys)
    assert code == 0 and sum(json.loads(out)["counts"].values()) == 10


def test_config_alone_runs_the_recipes_command(tmp_path, capsys):
    cfg = recipe(tmp_path, "command: simulate\noptions:\n  shots: 8\n  as_json: true\n")
    code, out, _ = run(["--config", cfg, GHZ], capsys)
    assert code == 0 and sum(json.loads(out)["counts"].values()) == 8


@pytest.mark.parametrize(
    ("text", "argv", "message"),
    [
        ("command: simulate\noptions:\n  shot: 5\n", ["simulate", GHZ], "has no option 'shot' (did you mean 'shots'?)"),
        ("command: simulate\noptions: {}\n", ["validate", GHZ], "configures 'qgen simulate', not 'qgen validate'"),
        ("command: simulte\n", [GHZ], "'qgen simulte' is not a qgen command"),
        ("command: simulate\noptions:\n  shots: [1\n", ["simulate", GHZ], "r.yaml:4: invalid YAML"),
        ("command: simulate\noption: {}\n", ["simulate", GHZ], "unknown key 'option' in the recipe (did you mean 'options'?)"),
        ("- a\n- b\n", ["simulate", GHZ], "a recipe is a mapping"),
    ],
)
def test_bad_recipes_exit_1_with_the_reason(tmp_path, capsys, text, argv, message):
    cfg = recipe(tmp_path, text)
    code, _, err = run([*argv, "--config", cfg], capsys)
    assert code == 1
    assert message in err
    assert "Traceback" not in err


def test_missing_recipe_file(tmp_path, capsys):
    code, _, err = run(["simulate", GHZ, "--config", str(tmp_path / "nope.yaml")], capsys)
    assert code == 1 and "no such recipe file" in err
    code, _, err = run(["simulate", GHZ, "--config"], capsys)
    assert code == 1 and "--config needs a recipe file" in err


def test_a_non_yaml_config_value_belongs_to_the_command():
    from qgen.cli.app import _split_config

    assert _split_config(["train", "ketgpt", "--config", "small"]) == (["train", "ketgpt", "--config", "small"], None)
    assert _split_config(["search", "--config=s.yaml", "-o", "x"]) == (["search", "-o", "x"], "s.yaml")
