"""A dataset kind is one object: a toy kind registered here builds, gets its card and verifies."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pytest

from qgen.datasets import BUILDERS, DatasetKind, info, read_table, register_kind, run_build, verify_dataset


@dataclass(frozen=True)
class SquaresConfig:
    """Rows ``(n, n**2)`` for n < size."""

    size: int = 10
    seed: int = 0
    shard_size: int = 4

    def resolved(self) -> SquaresConfig:
        return self

    @property
    def num_shards(self) -> int:
        return -(-self.size // self.shard_size)

    def shard_length(self, shard: int) -> int:
        return max(0, min(self.shard_size, self.size - shard * self.shard_size))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> SquaresConfig:
        return cls(**data)


def _rows(cfg: SquaresConfig, shard: int) -> tuple[list[dict], dict]:
    lo = shard * cfg.shard_size
    rows = [
        {"id": f"sq-{n}", "split": "test" if n % 5 == 0 else "train", "n": n, "square": n * n, "tags": ["x"]}
        for n in range(lo, lo + cfg.shard_length(shard))
    ]
    return rows, {"toy": True}


def _check(row: dict, atol: float) -> tuple[list[str], dict[str, float]]:
    err = abs(row["n"] ** 2 - row["square"])
    return ([f"{row['id']}: square is wrong"] if err > atol else []), {"square": float(err)}


@pytest.fixture(scope="module")
def squares():
    kind = DatasetKind(
        name="toy_squares",
        description="squares of small numbers",
        config_type=SquaresConfig,
        fields=(
            ("id", "string", "row id"),
            ("split", "string", "train or test"),
            ("n", "int64", "the number"),
            ("square", "int64", "its square"),
            ("tags", ("list", "string"), "labels"),
        ),
        run_shard=_rows,
        title="toy squares",
        license="mit",
        tags=("toy",),
        stats_keys=("split",),
        stats_columns=("n",),
        group_stats=lambda g: {"rows": len(g), "max_n": int(g.n.max())},
        check_row=_check,
        deviations=("square",),
        guarantee="Every `square` is `n` squared.",
        limitations="- Only small numbers.",
    )
    register_kind(kind)
    yield kind
    BUILDERS._items.pop("toy_squares")  # leave the registry as it was for other tests


def test_a_registered_kind_builds_writes_its_card_and_verifies(squares, tmp_path) -> None:
    report = run_build("toy_squares", tmp_path / "sq", SquaresConfig(), workers=1, command="pytest")
    assert report.complete and report.num_shards == 3 and report.rows == 10
    table = read_table(tmp_path / "sq")
    assert sorted(table.column("square").to_pylist()) == sorted(n * n for n in range(10))
    assert table.schema.field("tags").type == squares.schema.field("tags").type
    assert squares.features()["n"].dtype == "int64"
    card = (tmp_path / "sq" / "README.md").read_text()
    for text in (
        "license: mit",
        "# toy squares",
        "| `tags` | list<string> | labels |",
        "| split | rows | max_n |",
        "| test | 2 | 5 |",
        "Every `square` is `n` squared.",
        "largest square deviation 0.0e+00",
        "- Only small numbers.",
    ):
        assert text in card, text
    rep = verify_dataset(tmp_path / "sq")
    assert rep.ok and rep.checked == 10 and rep.max_errors == {"square": 0.0}
    assert info(tmp_path / "sq")["statistics"][-1] == {"split": "all", "rows": 10, "max_n": 9}


def test_the_cli_builds_and_verifies_a_registered_kind(squares, tmp_path) -> None:
    from typer.testing import CliRunner

    from qgen.cli.dataset import app

    runner = CliRunner()
    out = tmp_path / "cli"
    args = ["build", "toy_squares", "--out", str(out), "--kind-option", "size=6", "--shard-size", "3"]
    res = runner.invoke(app, [*args, "-w", "1", "-q"])
    assert res.exit_code == 0, res.output
    assert sorted(read_table(out).column("n").to_pylist()) == list(range(6))
    res = runner.invoke(app, ["verify", str(out), "--json"])
    assert res.exit_code == 0 and '"checked": 6' in res.stdout
    x = ["build", "toy_squares", "--out", str(tmp_path / "x")]
    res = runner.invoke(app, [*x, "--kind-option", "sise=6"])
    assert res.exit_code == 1
    assert "dataset kind 'toy_squares' has no setting 'sise'; settings: size, seed, shard_size" in res.stderr
    res = runner.invoke(app, [*x, "--kind-option", "size=a"])
    assert res.exit_code == 1 and "setting 'size' expects a value of type int, got 'a'" in res.stderr
    res = runner.invoke(app, [*x, "--problems", "maxcut"])
    assert res.exit_code == 1 and "`build toy_squares` does not take --problems (optimization)" in res.stderr


def test_the_row_check_of_the_kind_finds_bad_rows(squares) -> None:
    assert _check({"id": "sq-3", "n": 3, "square": 10}, 0.0) == (["sq-3: square is wrong"], {"square": 1.0})
    with pytest.raises(ValueError, match="already registered"):
        register_kind(squares)
