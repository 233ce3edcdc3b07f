"""Push a build folder to the Hugging Face Hub (only with a configured token)."""

from __future__ import annotations

import os
from pathlib import Path

from qgen.datasets.errors import HubError


def hub_token() -> str | None:
    """The configured Hugging Face token (``HF_TOKEN`` or ``huggingface-cli login``), or None."""
    from huggingface_hub import get_token

    return get_token()


def push_to_hub(
    path: str | os.PathLike, repo: str, *, private: bool = False, token: str | None = None
) -> str:
    """Upload the dataset (Parquet splits) and its card to the dataset repository ``repo``.

    Returns:
        The repository URL.

    Raises:
        HubError: no token configured, or the upload failed (no network, no rights).
    """
    token = token or hub_token()
    if not token:
        raise HubError(
            "no Hugging Face token is configured: run `huggingface-cli login` or set HF_TOKEN, "
            "then push again (the dataset folder is complete without it)"
        )
    from huggingface_hub import HfApi

    from qgen.datasets.io import load_dataset

    try:
        dataset = load_dataset(path)
        dataset.push_to_hub(repo, private=private, token=token)
        card = Path(path) / "README.md"
        if card.is_file():
            HfApi(token=token).upload_file(
                path_or_fileobj=str(card), path_in_repo="README.md", repo_id=repo, repo_type="dataset"
            )
    except HubError:
        raise
    except Exception as exc:  # noqa: BLE001 - network and permission errors come in many types
        raise HubError(f"pushing to {repo} failed: {exc}") from exc
    return f"https://huggingface.co/datasets/{repo}"
