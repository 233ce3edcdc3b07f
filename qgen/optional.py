"""Optional dependencies: one ``require`` that names the pip extra to install when a module is missing."""

from __future__ import annotations

import importlib
from types import ModuleType

from qgen.errors import QgenError

__all__ = ["MissingExtraError", "require", "EXTRAS"]

#: which extra brings which top-level module (the error message names it)
EXTRAS: dict[str, str] = {
    "pytket": "compile",
    "qiskit_aer": "compile",
    "qiskit_ibm_runtime": "compile",
    "pygridsynth": "compile",
    "datasets": "data",
    "pyarrow": "data",
    "networkx": "data",
    "qiskit_optimization": "data",
    "mqt": "data",
    "huggingface_hub": "data",
    "yaml": "all",
    "pandas": "data",
    "botorch": "search",
    "sklearn": "models",
    "matplotlib": "models",
    "gymnasium": "rl",
    "stable_baselines3": "rl",
    "quimb": "tn",
    "numba": "fast",
    "cotengra": "tn",
    "transformers": "generate",
    "tokenizers": "generate",
    "accelerate": "generate",
    "peft": "generate",
    "gguf": "generate",
    "regex": "generate",
    "ray": "distributed",
    "pennylane": "bench",
    "qiskit_machine_learning": "bench",
}


class MissingExtraError(QgenError, ImportError):
    """An optional dependency is not installed; the message names ``pip install 'qgen[EXTRA]'``."""

    def __init__(self, module: str, extra: str, purpose: str | None = None) -> None:
        self.module = module
        self.extra = extra
        what = f" for {purpose}" if purpose else ""
        super().__init__(
            f"{module} is needed{what} but is not installed; install it with: pip install 'qgen[{extra}]'"
        )


def require(module: str, extra: str | None = None, purpose: str | None = None) -> ModuleType:
    """Import ``module`` or raise :class:`MissingExtraError` naming the extra that provides it.

    >>> require("json").__name__
    'json'
    >>> try:
    ...     require("pytket_no_such_module", extra="compile")
    ... except MissingExtraError as exc:
    ...     print(exc)
    pytket_no_such_module is needed but is not installed; install it with: pip install 'qgen[compile]'
    """
    try:
        mod = importlib.import_module(module)
        if getattr(mod, "__file__", None) is None and hasattr(mod, "__path__"):
            # a folder without __init__.py on the path (e.g. the checkout's recipe folder ``datasets/``)
            # is a namespace package, not the library: treat the library as missing
            raise ModuleNotFoundError(f"No module named {module!r}", name=module)
        return mod
    except ModuleNotFoundError as exc:
        top = module.split(".")[0]
        missing = (exc.name or "").split(".")[0]
        if missing and missing != top and missing in EXTRAS:
            top = missing  # the module exists but one of its own dependencies is missing
        elif missing and missing != top:
            raise
        raise MissingExtraError(top, extra or EXTRAS.get(top, "all"), purpose) from None
