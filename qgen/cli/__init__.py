"""The ``qgen`` command line: a thin Typer shell over qgen's public Python API."""
