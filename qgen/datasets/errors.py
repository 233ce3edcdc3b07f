"""Errors of qgen.datasets: bad build settings, unfinished or inconsistent build folders, hub problems."""

from __future__ import annotations

from qgen.errors import QgenError


class DatasetError(QgenError):
    """A dataset cannot be built, read or merged as asked (the message says what to change)."""


class ShardError(DatasetError):
    """Shards of a build are missing, doubled or belong to different builds (merge / resume checks)."""


class HubError(DatasetError):
    """Pushing to the Hugging Face Hub is not possible (no token configured, no network)."""
