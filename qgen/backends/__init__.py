"""qgen.backends: run compiled circuits on local emulators (Quantinuum, IBM + Aer noise, exact qgen.sim)."""

from qgen.backends.runners import BACKENDS, BackendError, RunResult, run

__all__ = ["BACKENDS", "BackendError", "RunResult", "run"]
