"""The ``qgen`` Typer application: every command named in one table, each module imported only when run.

``qgen --help`` lists the commands from :data:`COMMANDS` without importing any of them, so it never loads
torch, transformers, pytket or datasets; ``qgen validate`` loads only the circuits commands. To add a
command, add one line to :data:`COMMANDS`: ``"path": ("module:attribute", "one-line help")``, where the
attribute is a command function (decorated with :func:`qgen.cli._common.handle_errors`) or a ``typer.Typer``
sub-app, and a path with a space (``"train ketgpt"``) adds a command to that group.
"""

from __future__ import annotations

import importlib
from difflib import get_close_matches
from typing import Any

import typer
from typer.core import TyperCommand

from qgen._version import __version__
from qgen.cli._common import OwnRunGroup

#: command path -> ("module:attribute", one-line help shown by ``--help`` before the module is imported)
COMMANDS: dict[str, tuple[str, str]] = {
    # circuits
    "validate": ("qgen.cli.circuits:validate_cmd", "Check OpenQASM files; print file:line:col: message for each problem; exit 1 if any error."),  # noqa: E501
    "profile": ("qgen.cli.circuits:profile_cmd", "Print the structural profile of a circuit (depth, gate counts, 2-qubit metrics, interaction graph)."),  # noqa: E501
    "simulate": ("qgen.cli.circuits:simulate_cmd", "Simulate a circuit with qgen.sim: top probabilities and (with --shots) sampled counts."),  # noqa: E501
    # compile, synthesise and run
    "compile": ("qgen.cli.compile:compile_cmd", "Compile a circuit for a target device; print the before/after metrics; verify it (<= 12 qubits)."),  # noqa: E501
    "targets": ("qgen.cli.compile:targets_cmd", "List the compilation targets: gate set, qubit count, connectivity, default emulator."),  # noqa: E501
    "run": ("qgen.cli.compile:run_cmd", "Run a circuit on a local emulator (Quantinuum, IBM + Aer noise, exact qgen.sim); print the counts."),  # noqa: E501
    "synth": ("qgen.cli.synth:synth_cmd", "Approximate Rz(THETA) or a unitary over a gate basis with AQ*; print the word and its figures."),  # noqa: E501
    # tensor-network initialisation
    "tn-init": ("qgen.cli.tn:tn_init_cmd", "Encode the DMRG ground state into layers of 15-parameter KAK blocks; write QASM 3 and values."),  # noqa: E501
    # datasets
    "dataset": ("qgen.cli.dataset:app", "Build, inspect, export, merge and verify circuit datasets (Hugging Face Parquet + dataset card)."),  # noqa: E501
    "dataset synthetic": ("qgen.cli.generate:synthetic_cmd", "Build a dataset of verified KetGPT circuits (card states the verification figures)."),  # noqa: E501
    # architecture search
    "search": ("qgen.cli.search:app", "Quantum architecture search in a learned latent space (arch2vec + REINFORCE / BO / random)."),  # noqa: E501
    "repro": ("qgen.cli.repro:repro_cmd", "Rerun a paper's experiment from its recipe (--quick: <= 5 min); print qgen / paper / peer."),  # noqa: E501
    # training
    "train": ("qgen.cli.train:app", "Train qgen's models (arch2vec; more join this group)."),
    "train ketgpt": ("qgen.cli.ketgpt:train_ketgpt_cmd", "Train the KetGPT circuit generator (GPT-2 from scratch) on a circuit corpus."),  # noqa: E501
    "train synthesizer": ("qgen.cli.synth:synthesizer_cmd", "Train the deep-Q synthesis network (DeepCubeA-style value iteration) for AQ*."),  # noqa: E501
    "train llm": ("qgen.cli.llm:train_llm_cmd", "Fine-tune an LLM on an optimisation dataset (SFT, loss on the circuit only; checkpoints, resume)."),  # noqa: E501
    # QML models built from qgen circuits
    "fit": ("qgen.cli.models:fit_cmd", "Train a model on a dataset; write the model folder, a learning curve and a confusion matrix."),  # noqa: E501
    "predict": ("qgen.cli.models:predict_cmd", "Predict with a saved model (exactly, or by shots on a local emulator)."),  # noqa: E501
    "models": ("qgen.cli.models:models_cmd", "List the models and the registered circuits they can use."),
    # generation and evaluation
    "generate": ("qgen.cli.generate:app", "Generate circuits with trained models."),
    "generate llm": ("qgen.cli.llm:generate_llm_cmd", "Write a QAOA circuit for a graph problem with a fine-tuned LLM, then simulate and score it."),  # noqa: E501
    "eval": ("qgen.cli.evaluate:app", "Evaluate generated circuits and trained models."),
    "eval llm": ("qgen.cli.llm:eval_llm_cmd", "Evaluate a fine-tuned LLM on the held-out split beside random parameters, the base model, the paper."),  # noqa: E501
}


def _children(prefix: str) -> dict[str, tuple[str, str]]:
    """Table entries directly under the group at ``prefix`` ("" for the top level, "train " for train)."""
    out = {}
    for path, entry in COMMANDS.items():
        if path.startswith(prefix) and " " not in path[len(prefix) :]:
            out[path[len(prefix) :]] = entry
    return out


def _load(path: str, target: str) -> Any:
    """Import ``module:attribute`` and turn it into a click command (a group for a Typer sub-app)."""
    module, _, attr = target.partition(":")
    obj = getattr(importlib.import_module(module), attr)
    name = path.rsplit(" ", 1)[-1]
    if isinstance(obj, typer.Typer):
        group = typer.main.get_group(obj)
        group.name = name
        group.__class__ = LazyGroup  # its own commands stay; table entries under it load lazily
        group.prefix = f"{path} "
        return group
    return typer.main.get_command_from_info(
        typer.models.CommandInfo(name=name, callback=obj),
        pretty_exceptions_short=True,
        rich_markup_mode=typer.core.DEFAULT_MARKUP_MODE,
    )


class LazyGroup(OwnRunGroup):
    """A Typer group whose table commands (:data:`COMMANDS`) are imported only when invoked."""

    prefix = ""
    _listing = False

    def _lazy(self) -> dict[str, tuple[str, str]]:
        return {k: v for k, v in _children(self.prefix).items() if k not in self.commands}

    def list_commands(self, ctx: Any) -> list[str]:
        """The group's own commands, then the table's (in table order)."""
        return [*self.commands, *self._lazy()]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """A loaded command; while help is drawn, a stub carrying the table's one-line help."""
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = self._lazy().get(cmd_name)
        if entry is None:
            return None
        target, help_text = entry
        if self._listing:
            return TyperCommand(cmd_name, help=help_text, short_help=help_text)
        cmd = _load(self.prefix + cmd_name, target)
        self.add_command(cmd, cmd_name)
        return cmd

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Draw help from the table, importing no command module."""
        self._listing = True
        try:
            return super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """Resolve a command; a typo suggests the close command names (lazy ones included)."""
        try:
            return super().resolve_command(ctx, args)
        except Exception as exc:
            message = getattr(exc, "message", None)
            if isinstance(message, str) and args and "Did you mean" not in message:
                matches = get_close_matches(args[0], self.list_commands(ctx))
                if matches:
                    exc.message = f"{message.rstrip('.')}. Did you mean {', '.join(map(repr, matches))}?"
            raise


app = typer.Typer(
    name="qgen",
    cls=LazyGroup,
    help="Generate, search and compile quantum circuits for quantum machine learning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"qgen {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", help="Show the version and exit.", callback=_version, is_eager=True
    ),
) -> None:
    """qgen command line."""


def _split_config(args: list[str]) -> tuple[list[str], str | None]:
    """Take ``--config FILE`` / ``--config=FILE`` out of ``args`` (it may stand anywhere)."""
    rest, config, i = [], None, 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        value = args[i + 1] if arg == "--config" and i + 1 < len(args) else arg.partition("=")[2]
        if arg == "--config" and i + 1 >= len(args):
            raise _cli_error("--config needs a recipe file (YAML)")
        # a recipe is a .yaml/.yml file; any other value belongs to the command's own --config option
        # (``qgen train ketgpt --config small`` names a model size)
        if (arg == "--config" or arg.startswith("--config=")) and _is_recipe(value):
            config, i = value, i + (2 if arg == "--config" else 1)
            continue
        rest.append(arg)
        i += 1
    return rest, config


def _is_recipe(value: str) -> bool:
    """Whether a ``--config`` value names a recipe file (YAML) rather than a command's own setting."""
    import os

    return value.lower().endswith((".yaml", ".yml")) or os.sep in value or os.path.isfile(value)


def _cli_error(message: str) -> SystemExit:
    import sys

    sys.stderr.write(f"qgen: error: {message}\n")
    return SystemExit(1)


def _apply_recipe(root: Any, args: list[str], config: str) -> tuple[list[str], dict]:
    """Check the recipe against its command; return the args (command words prepended) and a default_map."""
    from difflib import get_close_matches as close

    from qgen.errors import QgenError
    from qgen.recipes import load_recipe

    try:
        recipe = load_recipe(config)
    except QgenError as exc:
        raise _cli_error(str(exc)) from None
    from typer.core import _click as click  # Typer 0.29 bundles its own click

    words = list(recipe.command)
    tokens = [a for a in args if not a.startswith("-")]
    matched = 0
    while matched < min(len(words), len(tokens)) and tokens[matched] == words[matched]:
        matched += 1
    top = root.list_commands(click.Context(root, info_name="qgen"))
    if matched == 0 and tokens and tokens[0] in top or 0 < matched < len(words):
        given = " ".join(tokens[: max(matched + 1, 1)])
        raise _cli_error(
            f"{config} configures 'qgen {' '.join(words)}', not 'qgen {given}'; "
            f"run: qgen {' '.join(words)} --config {config}"
        )
    if matched == 0:
        args = [*words, *args]
    ctx = click.Context(root, info_name="qgen")
    command = root
    for word in words:
        sub = command.get_command(ctx, word) if hasattr(command, "get_command") else None
        if sub is None:
            raise _cli_error(f"{config}: 'qgen {' '.join(words)}' is not a qgen command")
        ctx = click.Context(sub, info_name=word, parent=ctx)
        command = sub
    valid = {p.name: p for p in command.params if p.name}
    for key in recipe.options:
        if key not in valid:
            hint = close(key, list(valid), n=1)
            raise _cli_error(
                f"{config}: 'qgen {' '.join(words)}' has no option {key!r}"
                + (f" (did you mean {hint[0]!r}?)" if hint else "")
                + f"; valid: {', '.join(sorted(valid))}"
            )
    default_map: dict = dict(recipe.options)
    for word in reversed(words):
        default_map = {word: default_map}
    return args, {"default_map": default_map, "obj": {"recipe": recipe}}


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point; ``--config FILE`` (anywhere) sets the command's options from a recipe."""
    import sys

    args = list(sys.argv[1:] if argv is None else argv)
    args, config = _split_config(args)
    root = typer.main.get_command(app)
    extra: dict = {}
    if config is not None:
        args, extra = _apply_recipe(root, args, config)
    root.main(args=args, prog_name="qgen", **extra)


if __name__ == "__main__":
    main()
