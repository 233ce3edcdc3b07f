"""A transformers ``TrainerCallback`` that reports training to a :class:`qgen.progress.Progress`.

Both generators train with ``transformers.Trainer``; this callback turns its steps and logged losses into
``advance("training", n, loss=..., tokens_per_s=...)`` events (the CLI draws them with Rich).
"""

from __future__ import annotations

import time

from qgen.optional import require
from qgen.progress import Progress


def progress_callback(progress: Progress, tokens_per_step: float):
    """A ``TrainerCallback`` that reports steps, loss and tokens/s to ``progress`` (task ``training``)."""
    TrainerCallback = require("transformers", extra="generate", purpose="training").TrainerCallback

    class _Report(TrainerCallback):
        def __init__(self) -> None:
            self.t0 = time.perf_counter()
            self.step = 0
            self.loss: float | None = None

        def on_train_begin(self, args, state, control, **kwargs):
            progress.start("training", total=state.max_steps, unit="steps")
            self.step, self.t0 = state.global_step, time.perf_counter()
            if self.step:
                progress.advance("training", self.step)

        def on_step_end(self, args, state, control, **kwargs):
            n, self.step = state.global_step - self.step, state.global_step
            rate = tokens_per_step * n / max(time.perf_counter() - self.t0, 1e-9)
            self.t0 = time.perf_counter()
            info = {"tokens_per_s": round(rate)} | ({"loss": self.loss} if self.loss is not None else {})
            progress.advance("training", n, **info)

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                self.loss = float(logs["loss"])

        def on_train_end(self, args, state, control, **kwargs):
            progress.finish("training")

    return _Report()
