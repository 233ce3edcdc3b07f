"""Dataset kinds (a registry): everything one kind of dataset needs, in one object, as a HF builder has.

A :class:`DatasetKind` carries its config type, its columns (name, type, description; the Arrow schema and
the Hugging Face ``Features`` derive from them), how to make the rows of one shard, the statistics and
sections of its dataset card, and the check of one stored row. :mod:`qgen.datasets.runner` builds any
registered kind with resume, ``--shard i/N``, workers and progress; :mod:`qgen.datasets.card`,
:mod:`qgen.datasets.verify` and ``qgen dataset`` ask the kind, so a new kind is one module that calls
:func:`register_kind`. The built-in kinds register when :mod:`qgen.datasets` is imported
(``optimization``, ``algorithms``); the architecture pool registers from :mod:`qgen.search.architectures`.

Column types are small specs, so declaring a kind needs no pyarrow: ``"string"``, ``"int64"``,
``"float64"``, ``"bool"``, ``("list", SPEC)`` and ``("struct", (("name", SPEC), ...))``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from qgen.errors import QgenError
from qgen.optional import require
from qgen.registry import Registry

__all__ = [
    "BUILDERS",
    "DatasetKind",
    "RowCheck",
    "arrow_schema",
    "arrow_type",
    "register_kind",
    "type_name",
]

TypeSpec = Any  # str | tuple[str, TypeSpec] | tuple[str, tuple[tuple[str, TypeSpec], ...]]
Field = tuple[str, TypeSpec, str]
#: what a row check returns: problems (one line each) and numeric deviations by name (e.g. "energy")
RowCheck = tuple[list[str], dict[str, float]]

_SCALARS = {"string": "string", "int64": "int64", "float64": "float64", "bool": "bool_"}


def arrow_type(spec: TypeSpec):
    """The Arrow type of a column spec."""
    pa = require("pyarrow", extra="data", purpose="dataset columns")
    if isinstance(spec, str):
        if spec not in _SCALARS:
            raise QgenError(f"unknown column type {spec!r}; use one of {sorted(_SCALARS)}, list or struct")
        return getattr(pa, _SCALARS[spec])()
    head, inner = spec
    if head == "list":
        return pa.list_(arrow_type(inner))
    if head == "struct":
        return pa.struct([(name, arrow_type(s)) for name, s in inner])
    raise QgenError(f"unknown column type {spec!r}")


def type_name(spec: TypeSpec) -> str:
    """Readable name of a column spec (``list<string>``)."""
    if isinstance(spec, str):
        return spec
    head, inner = spec
    if head == "list":
        return f"list<{type_name(inner)}>"
    return "struct<" + ", ".join(f"{n}: {type_name(s)}" for n, s in inner) + ">"


def arrow_schema(fields: Sequence[Field]):
    """The Arrow schema of a field table."""
    pa = require("pyarrow", extra="data", purpose="dataset columns")
    return pa.schema([pa.field(name, arrow_type(spec)) for name, spec, _ in fields])


def _no_problems(row: dict, atol: float) -> RowCheck:
    return [], {}


def _count(g) -> dict:
    return {"rows": len(g)}


@dataclass(frozen=True)
class DatasetKind:
    """One kind of dataset: rows, columns, card sections and row check.

    Attributes:
        name: registry name (``qgen dataset build NAME``).
        description: one line (starts the card's details).
        config_type: dataclass with ``resolved()``, ``to_dict()``, ``from_dict()``, ``num_shards``,
            ``shard_length(shard)`` and ``seed`` / ``shard_size`` fields.
        fields: ``(name, type spec, description)`` per column.
        run_shard: ``(config, shard) -> (rows, notes)``; every row has ``id`` and ``split``.
        title: card title.
        license, tags: card metadata.
        stats_keys: columns the statistics group by; stats_columns: columns :attr:`group_stats` reads.
        group_stats: statistics of one group of rows (a pandas DataFrame) -> ordered dict.
        check_row: ``(row, atol) -> (problems, deviations)`` of one stored row (``qgen dataset verify``).
        deviations: names of the numeric deviations ``check_row`` reports (verify and card print them).
        guarantee, stats_note, limitations: card sections (Markdown).
        cli_options: ``qgen dataset build`` options the kind takes beyond the common ones.
        config_from_options: ``options dict -> config`` (the CLI's option values, None when not given).
        command_parts: ``config -> [--option, value, ...]`` (the card's equivalent command line).
    """

    name: str
    description: str
    config_type: type
    fields: tuple[Field, ...]
    run_shard: Callable[[Any, int], tuple[list[dict], dict]]
    title: str = ""
    license: str = "apache-2.0"
    tags: tuple[str, ...] = ()
    stats_keys: tuple[str, ...] = ("split",)
    stats_columns: tuple[str, ...] = ()
    group_stats: Callable[[Any], dict] = _count
    check_row: Callable[[dict, float], RowCheck] = _no_problems
    deviations: tuple[str, ...] = ()
    guarantee: str = ""
    stats_note: str = ""
    limitations: str = ""
    cli_options: tuple[str, ...] = ()
    config_from_options: Callable[[dict], Any] | None = None
    command_parts: Callable[[Any], list[str]] = field(default=lambda cfg: [])

    @property
    def schema(self):
        """The Arrow schema of the rows."""
        return arrow_schema(self.fields)

    def features(self):
        """The Hugging Face ``datasets.Features`` of the rows."""
        hf = require("datasets", extra="data", purpose="Hugging Face features")
        return hf.Features.from_arrow_schema(self.schema)

    def config_with(self, config: Any, items: Sequence[str]) -> Any:
        """``config`` with ``NAME=VALUE`` settings applied (``qgen dataset build --kind-option``).

        Values are converted to the type of the field's current value (int, float, bool, str; comma lists
        for tuples).

        Raises:
            DatasetError: an item without ``=``, a name that is not a field of the config (the message lists
                them), or a value of the wrong type.
        """
        from dataclasses import fields, replace

        from qgen.datasets.errors import DatasetError

        names = [f.name for f in fields(config)]
        changes: dict[str, Any] = {}
        for item in items:
            name, sep, text = item.partition("=")
            name = name.strip().replace("-", "_")
            if not sep or not name:
                raise DatasetError(f"--kind-option expects NAME=VALUE, got {item!r}")
            if name not in names:
                raise DatasetError(
                    f"dataset kind {self.name!r} has no setting {name!r}; settings: {', '.join(names)}"
                )
            changes[name] = _convert(getattr(config, name), text.strip(), name)
        return replace(config, **changes) if changes else config


def _convert(current: Any, text: str, name: str) -> Any:
    from qgen.datasets.errors import DatasetError

    try:
        if isinstance(current, bool):
            if text.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(text)
            return text.lower() in ("true", "1", "yes")
        if isinstance(current, tuple):
            return tuple(v.strip() for v in text.split(",") if v.strip())
        if isinstance(current, (int, float)):
            return type(current)(text)
        if current is None:
            return int(text) if text.lstrip("-").isdigit() else text
        return text
    except ValueError:
        kind = type(current).__name__
        raise DatasetError(f"setting {name!r} expects a value of type {kind}, got {text!r}") from None


#: name -> :class:`DatasetKind`
BUILDERS: Registry[DatasetKind] = Registry("dataset kind")

Builder = DatasetKind  # the older name


def register_kind(kind: DatasetKind) -> DatasetKind:
    """Register a dataset kind under its name (fails if the name is taken); returns it."""
    BUILDERS.register(kind.name, kind)
    return kind
