"""Rich drawing of :class:`qgen.progress.Progress`: one bar per task with count, rate, ETA and figures."""

from __future__ import annotations

from typing import Any

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from qgen.cli._common import err_console

__all__ = ["RichProgress"]


class RichProgress:
    """A :class:`qgen.progress.Progress` that draws Rich bars on stderr (use as a context manager)."""

    def __init__(self, enabled: bool = True) -> None:
        self._bars = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[info]}"),
            console=err_console,
            disable=not enabled,
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}
        self._units: dict[str, str] = {}

    def __enter__(self) -> RichProgress:
        self._bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bars.stop()

    def start(self, task: str, total: int | None = None, unit: str = "it") -> None:
        """Add (or reset) the bar of ``task``."""
        self._units[task] = unit
        if task in self._tasks:
            self._bars.reset(self._tasks[task], total=total)
        else:
            self._tasks[task] = self._bars.add_task(task, total=total, rate="", info="")

    def advance(self, task: str, n: int = 1, **info: Any) -> None:
        """Advance ``task`` by ``n``; ``info`` figures are shown after the bar."""
        if task not in self._tasks:
            self.start(task)
        tid = self._tasks[task]
        self._bars.advance(tid, n)
        speed = self._bars.tasks[self._bars.task_ids.index(tid)].speed
        rate = f"{speed:,.1f} {self._units[task]}/s" if speed else ""
        shown = "  ".join(f"{k} {v:.4g}" if isinstance(v, float) else f"{k} {v}" for k, v in info.items())
        self._bars.update(tid, rate=rate, info=shown)

    def finish(self, task: str) -> None:
        """Mark ``task`` complete."""
        if task in self._tasks:
            tid = self._tasks[task]
            t = self._bars.tasks[self._bars.task_ids.index(tid)]
            if t.total is not None:
                self._bars.update(tid, completed=t.total)
