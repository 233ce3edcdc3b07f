"""Shared settings of the qgen.models tests: one torch thread (the tests run beside other jobs)."""

import pytest
import torch


@pytest.fixture(autouse=True, scope="session")
def _one_thread():
    torch.set_num_threads(1)
    yield
