"""Paper reproductions: run a benchmark script from a recipe's ``repro`` section, read its JSON, pick figures.

A recipe with a ``repro`` section is an *experiment* (``qgen repro --list``). Its spec names the benchmark
script in the checkout's ``benchmarks/``, the script's arguments for a quick and a full run, where the script
writes its JSON, and the figures to read from it:

    repro:
      bench: benchmarks/tn_init_bench.py
      quick: [--quick, --threads, "1"]          # arguments of the quick run (<= 5 minutes on 2 cores)
      full: [--threads, "1"]                    # arguments of the full (paper-scale) run
      out: dir                                  # --out takes a folder (dir) or the JSON file itself (file)
      result: "result/tn_init_bench*.json"      # with out: dir, the JSON (a glob; --out gets OUT/result)
      expected_minutes: {quick: 2, full: 90}
      peer: best of 10 random starts (same run)
      figures:
        - label: TFIM 8, energy error after 40 steps
          qgen: energy.tfim-8.curves.tn[-1]     # a path into the JSON
          peer: energy.tfim-8.curves.random_best[-1]
        - label: TFIM 16, energy error after the last step
          qgen: energy.tfim-16.curves.tn[-1]
          full_only: true                       # left out of the quick run (it has no 16-qubit chain)

A path is dot-separated keys; ``[i]`` indexes a list (``[-1]``: the last item) and ``[key=value,...]`` picks
the first list item whose fields have those values. The paper's figure of a row is ``paper.figures[label]``
(or ``paper.value`` for the row labelled ``paper.metric``), stored in the recipe with its citation. The
benchmark runs as a subprocess (``python BENCH ARGS --out PATH``) with the checkout first on ``PYTHONPATH``
and its working folder inside the output folder, so nothing is written into the checkout.
"""

from __future__ import annotations

import difflib
import glob
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qgen.errors import QgenError
from qgen.recipes import RECIPE_FOLDERS, Recipe, load_recipe

__all__ = [
    "ReproError",
    "Figure",
    "ReproRun",
    "checkout_root",
    "experiments",
    "get_experiment",
    "bench_command",
    "run_experiment",
    "read_figures",
    "locate",
]

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\]]*)\]")


class ReproError(QgenError):
    """An experiment is unknown, its checkout is missing, its benchmark failed or its JSON lacks a figure."""


@dataclass(frozen=True)
class Figure:
    """One row of a reproduction table: qgen's figure, the paper's, and a peer measured in the same run."""

    label: str
    qgen: Any
    paper: Any = None
    peer: Any = None


@dataclass
class ReproRun:
    """A finished benchmark run: the experiment, the JSON it wrote, its figures and how long it took."""

    recipe: Recipe
    quick: bool
    result_path: Path
    data: dict
    figures: list[Figure]
    seconds: float
    log: Path
    command: list[str] = field(default_factory=list)


def checkout_root() -> Path:
    """The checkout holding ``benchmarks/`` and the recipe folders (``$QGEN_CHECKOUT`` or qgen's own)."""
    env = os.environ.get("QGEN_CHECKOUT")
    root = Path(env) if env else Path(__file__).resolve().parents[1]
    missing = [name for name in ("benchmarks", *RECIPE_FOLDERS) if not (root / name).is_dir()]
    if missing:
        raise ReproError(
            f"qgen repro needs qgen's source checkout (its benchmarks/ and recipe folders), but {root} "
            f"has no {', '.join(m + '/' for m in missing)}: run it from a git clone of qgen "
            "(pip install -e .), or set QGEN_CHECKOUT=/path/to/the/clone"
        )
    return root


def experiments() -> list[Recipe]:
    """Every recipe of the checkout with a ``repro`` section, sorted by name."""
    root = checkout_root()
    out = []
    for name in RECIPE_FOLDERS:
        for path in sorted((root / name).rglob("*.yaml")):
            recipe = load_recipe(path)
            if recipe.repro:
                out.append(recipe)
    return sorted(out, key=lambda r: r.name)


def get_experiment(name: str) -> Recipe:
    """The experiment called ``name``; an unknown name fails with the close names and the full list."""
    found = {r.name: r for r in experiments()}
    if name in found:
        return found[name]
    close = difflib.get_close_matches(name, list(found), n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise ReproError(f"no experiment {name!r}{hint}; `qgen repro --list` shows them: {', '.join(found)}")


def _spec(recipe: Recipe) -> dict:
    spec = recipe.repro
    for key in ("bench", "figures"):
        if not spec.get(key):
            raise ReproError(f"{recipe.path}: repro needs '{key}'")
    if spec.get("out", "file") not in ("file", "dir"):
        raise ReproError(f"{recipe.path}: repro 'out' is 'file' or 'dir', not {spec['out']!r}")
    return spec


def bench_command(recipe: Recipe, quick: bool, out_dir: Path, extra: list[str] | None = None) -> list[str]:
    """The subprocess command of an experiment: ``python BENCH ARGS [EXTRA] --out PATH``."""
    spec = _spec(recipe)
    bench = checkout_root() / spec["bench"]
    if not bench.is_file():
        raise ReproError(f"{recipe.path}: benchmark script {bench} not found")
    args = [str(a) for a in (spec.get("quick" if quick else "full") or [])]
    target = out_dir / "result" if spec.get("out") == "dir" else out_dir / "result.json"
    return [sys.executable, str(bench), *args, *(extra or []), "--out", str(target)]


def _result_path(recipe: Recipe, out_dir: Path) -> Path:
    spec = recipe.repro
    if spec.get("out") != "dir":
        return out_dir / "result.json"
    pattern = str(spec.get("result") or "result/*.json")
    hits = sorted(glob.glob(str(out_dir / pattern), recursive=True))
    if not hits:
        raise ReproError(f"{recipe.name}: the benchmark wrote no {pattern} under {out_dir}")
    return Path(hits[0])


def locate(data: Any, path: str) -> Any:
    """The value at ``path`` in ``data`` (keys, ``[i]`` indices, ``[k=v]`` selectors); KeyError if none."""
    value = data
    for key, selector in _SEGMENT.findall(path):
        if key:
            if not isinstance(value, dict) or key not in value:
                raise KeyError(f"{path}: no key {key!r}")
            value = value[key]
        elif re.fullmatch(r"-?\d+", selector):
            if not isinstance(value, list) or not -len(value) <= int(selector) < len(value):
                raise KeyError(f"{path}: no item [{selector}]")
            value = value[int(selector)]
        else:
            want = dict(part.split("=", 1) for part in selector.split(","))
            items = value if isinstance(value, list) else []
            match = [
                v for v in items if isinstance(v, dict) and all(str(v.get(k)) == w for k, w in want.items())
            ]
            if not match:
                raise KeyError(f"{path}: no item with {selector}")
            value = match[0]
    return value


def read_figures(recipe: Recipe, data: dict, quick: bool = False) -> list[Figure]:
    """The figures of ``recipe.repro.figures`` read from a benchmark's JSON, with the paper's beside them.

    Rows marked ``full_only: true`` (figures only the full run measures) are left out of a quick run.
    """
    paper = recipe.paper
    published = dict(paper.get("figures") or {})
    if paper.get("metric") is not None and "value" in paper:
        published.setdefault(str(paper["metric"]), paper["value"])
    rows = []
    for row in _spec(recipe)["figures"]:
        if quick and row.get("full_only"):
            continue
        label = str(row["label"])
        try:
            ours = locate(data, row["qgen"])
            peer = locate(data, row["peer"]) if row.get("peer") else None
        except KeyError as exc:
            raise ReproError(
                f"{recipe.path}: figure {label!r}: {exc.args[0]} in the benchmark's JSON"
            ) from None
        rows.append(Figure(label, ours, published.get(label), peer))
    return rows


def run_experiment(
    recipe: Recipe,
    quick: bool,
    out_dir: str | os.PathLike,
    extra: list[str] | None = None,
    on_line: Callable[[str], None] | None = None,
) -> ReproRun:
    """Run an experiment's benchmark into ``out_dir`` (log in ``out_dir/bench.log``) and read its figures.

    ``on_line`` receives each line the benchmark prints (the command line shows them as they come).
    """
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    command = bench_command(recipe, quick, out_dir, extra)
    root = checkout_root()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    log = out_dir / "bench.log"
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as handle:
        proc = subprocess.Popen(
            command, cwd=out_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, errors="replace", bufsize=1,
        )  # fmt: skip
        assert proc.stdout is not None
        for line in proc.stdout:
            handle.write(line)
            if on_line is not None:
                on_line(line.rstrip("\n"))
        proc.wait()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-8:]
        raise ReproError(
            f"{recipe.name}: {Path(command[1]).name} exited with {proc.returncode} (log {log}):\n"
            + "\n".join(tail)
        )
    path = _result_path(recipe, out_dir)
    data = json.loads(path.read_text(encoding="utf-8"))
    return ReproRun(recipe, quick, path, data, read_figures(recipe, data, quick), seconds, log, command)
