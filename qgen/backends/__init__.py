"""qgen.backends: run compiled circuits on local emulators (Quantinuum, IBM + Aer noise, exact qgen.sim)."""

from qgen.backends.layout import read_layout
from qgen.backends.observables import Estimate, estimate
from qgen.backends.runners import BACKENDS, BackendError, RunResult, run

__all__ = ["BACKENDS", "BackendError", "Estimate", "RunResult", "estimate", "read_layout", "run"]
