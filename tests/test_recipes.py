"""Every recipe in compiler/, datasets/, search/ and train/ loads, fits its command, and resolves with a flag.

Resolution is checked without running the (heavy) command: the recipe goes through the same check as
``qgen ... --config`` (:func:`qgen.cli.app._apply_recipe`), then click builds the command's context from the
recipe's default_map plus one overriding flag, and the parsed parameters must equal recipe + override.
"""
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.core import _click as click

from qgen.cli.app import _apply_recipe, app
from qgen.recipes import RECIPE_FOLDERS, RecipeError, find_recipes, load_recipe, recipe_dirs
from qgen.repro import locate

ROOT = Path(__file__).resolve().parents[1]
RECIPES = find_recipes()
GHZ = str(ROOT / "examples" / "ghz.qasm")


def test_recipes_come_from_the_four_top_level_folders():
    assert [p.name for p in recipe_dirs()] == list(RECIPE_FOLDERS)
    folders = {r.path.relative_to(ROOT).parts[0] for r in RECIPES}
    assert folders == set(RECIPE_FOLDERS)
    assert len(RECIPES) >= 25
    names = [r.name for r in RECIPES]
    assert len(names) == len(set(names)), "recipe names must be unique"
    for folder in RECIPE_FOLDERS:  # YAML folders, never Python packages (a top-level datasets/ package
        assert not list((ROOT / folder).rglob("*.py")), folder  # would shadow Hugging Face datasets)


def test_one_compiler_recipe_per_target():
    from qgen.compiler.targets import TARGETS

    per_target = {r.options["target"] for r in RECIPES if r.command == ("compile",)}
    assert per_target == set(TARGETS)


def _normal(value):
    if isinstance(value, (list, tuple)):
        return [_normal(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def _override(command, recipe) -> tuple[str, list[str], object]:
    """One numeric option of the recipe and a flag that changes it (name, argv, expected value)."""
    params = {p.name: p for p in command.params}
    for key, value in recipe.options.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        flag = next(o for o in params[key].opts if o.startswith("--"))
        new = value + 1 if isinstance(value, int) else value / 2
        return key, [flag, str(new)], new
    raise AssertionError(f"{recipe.path}: no numeric option to override")


@pytest.mark.parametrize("recipe", RECIPES, ids=[r.name for r in RECIPES])
def test_recipe_fits_its_command_and_a_flag_overrides_it(recipe):
    root = typer.main.get_command(app)
    args, extra = _apply_recipe(root, [], str(recipe.path))  # the check `qgen ... --config` runs
    assert args == list(recipe.command)
    ctx = click.Context(root, info_name="qgen", default_map=extra["default_map"])
    command = root
    for word in recipe.command[:-1]:
        command = command.get_command(ctx, word)
        ctx = click.Context(command, info_name=word, parent=ctx)
    last = recipe.command[-1]
    command = command.get_command(ctx, last)
    key, flag, new = _override(command, recipe)
    # required arguments the recipe leaves to the command line (compile's input file)
    positional = [GHZ for p in command.params if p.param_type_name == "argument" and p.name not in recipe.options]
    # required options a recipe leaves to the command line (train llm's --data and --out)
    required = [
        x
        for p in command.params
        if p.param_type_name == "option" and p.required and p.name not in recipe.options
        for x in (p.opts[0], "given-on-the-command-line")
    ]
    sub = command.make_context(last, [*positional, *required, *flag], parent=ctx)
    expected = {**recipe.options, key: new}
    got = {k: _normal(sub.params[k]) for k in expected}
    assert got == {k: _normal(v) for k, v in expected.items()}
    assert sub.get_parameter_source(key).name == "COMMANDLINE"
    others = [k for k in recipe.options if k != key]
    assert all(sub.get_parameter_source(k).name == "DEFAULT_MAP" for k in others)


@pytest.mark.parametrize(
    "recipe", [r for r in RECIPES if r.repro], ids=[r.name for r in RECIPES if r.repro]
)
def test_experiment_recipes_name_a_bench_and_their_figures(recipe):
    spec = recipe.repro
    assert (ROOT / spec["bench"]).is_file()
    assert spec["out"] in ("file", "dir")
    assert {"quick", "full"} <= set(spec["expected_minutes"])
    assert spec["expected_minutes"]["quick"] <= 5
    assert all({"label", "qgen"} <= set(row) for row in spec["figures"])
    labels = [row["label"] for row in spec["figures"]]
    for label in (recipe.paper.get("figures") or {}):  # every published figure has its row
        assert label in labels, label
    assert recipe.paper.get("citation")


def test_repro_and_paper_keys_are_checked(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("command: simulate\nrepro:\n  bench: b.py\n  figure: []\n")
    with pytest.raises(RecipeError, match="unknown key 'figure' in repro \\(did you mean 'figures'\\?\\)"):
        load_recipe(path)
    path.write_text("command: simulate\npaper:\n  figures: {a: 1}\nrepro:\n  out: dir\n  result: x/*.json\n  peer: p\n")
    recipe = load_recipe(path)
    assert recipe.paper["figures"] == {"a": 1} and recipe.repro["result"] == "x/*.json"


def test_locate_follows_keys_indices_and_selectors():
    data = {"a": {"b": [1, 2, 3]}, "rows": [{"set": "rz", "eps": 0.01, "t": 18}, {"set": "rz", "eps": 0.001, "t": 28}],
            "fine-tuned, constrained": {"x": 0.5}}
    assert locate(data, "a.b[-1]") == 3
    assert locate(data, "a.b[0]") == 1
    assert locate(data, "rows[set=rz,eps=0.001].t") == 28
    assert locate(data, "fine-tuned, constrained.x") == 0.5
    with pytest.raises(KeyError, match="no key 'c'"):
        locate(data, "a.c")
    with pytest.raises(KeyError, match=r"no item \[5\]"):
        locate(data, "a.b[5]")
    with pytest.raises(KeyError, match="no item with set=single"):
        locate(data, "rows[set=single].t")
