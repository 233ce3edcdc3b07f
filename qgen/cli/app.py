"""The ``qgen`` Typer application: command groups composed in one place."""

from __future__ import annotations

import typer

from qgen._version import __version__
from qgen.cli import circuits, dataset, evaluate, generate, llm, search, synth, tn, train
from qgen.cli import compile as compile_cli
from qgen.train import ketgpt as ketgpt_train
from qgen.train import llm as llm_train

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
# datasets: build optimization|algorithms, info, merge, verify, problems; synthetic (KetGPT-generated)
dataset.app.command("synthetic")(generate.synthetic_cmd)
app.add_typer(dataset.app, name="dataset")
# architecture search
app.add_typer(search.app, name="search")
# training entry points
train.app.command("ketgpt")(ketgpt_train.ketgpt_cmd)
train.app.command("synthesizer")(synth.synthesizer_cmd)
train.app.command("llm")(llm_train.llm_cmd)
app.add_typer(train.app, name="train")
# generation and evaluation
generate.app.command("llm")(llm.generate_llm_cmd)
evaluate.app.command("llm")(llm.eval_llm_cmd)
app.add_typer(generate.app, name="generate")
app.add_typer(evaluate.app, name="eval")
# QML models: fit, predict, list
from qgen.cli import models as models_cli  # noqa: E402

app.command("fit")(models_cli.fit_cmd)
app.command("predict")(models_cli.predict_cmd)
app.command("models")(models_cli.models_cmd)


def main() -> None:
    """Console-script entry point."""
    app()
