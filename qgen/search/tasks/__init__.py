"""Search tasks (a registry): state preparation, MaxCut, VQE of H2, TFIM, digits classifier, custom ones."""

from qgen.search.tasks import classifier, hamiltonian, state  # noqa: F401 - registers the tasks
from qgen.search.tasks.base import (
    TASKS,
    Scores,
    Task,
    TaskInfo,
    TaskOption,
    default_space,
    initial_params,
    make_task,
    register_task,
)

__all__ = [
    "TASKS",
    "Scores",
    "Task",
    "TaskInfo",
    "TaskOption",
    "default_space",
    "initial_params",
    "make_task",
    "register_task",
]
