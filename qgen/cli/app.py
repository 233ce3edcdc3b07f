"""The ``qgen`` Typer application: command groups composed in one place."""

from __future__ import annotations

import typer

from qgen._version import __version__
from qgen.cli import circuits, synth, tn
from qgen.cli import compile as compile_cli

app = typer.Typer(
    name="qgen",
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


# circuits
app.command("validate")(circuits.validate_cmd)
app.command("profile")(circuits.profile_cmd)
app.command("simulate")(circuits.simulate_cmd)
# compile, synthesise and run
app.command("compile")(compile_cli.compile_cmd)
app.command("targets")(compile_cli.targets_cmd)
app.command("run")(compile_cli.run_cmd)
app.command("synth")(synth.synth_cmd)
# tensor-network initialisation
app.command("tn-init")(tn.tn_init_cmd)


def main() -> None:
    """Console-script entry point."""
    app()
