"""The problem-family registry: ``PROBLEMS[name]`` is a :class:`~qgen.datasets.problems.base.Problem`."""

from __future__ import annotations

from qgen.datasets.problems.base import Problem
from qgen.registry import Registry

PROBLEMS: Registry[Problem] = Registry("problem")


def register_problem(cls: type[Problem]) -> type[Problem]:
    """Class decorator: register one instance of a :class:`Problem` subclass under ``cls.name``."""
    PROBLEMS.register(cls.name, cls())
    return cls
