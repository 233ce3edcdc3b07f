"""qgen.sim.device: the one device rule and thread count that every torch path in qgen uses."""

from __future__ import annotations

import os

import pytest
import torch

from qgen.sim.device import configure_threads, free_cores, resolve_device


def test_auto_picks_cuda_only_when_present() -> None:
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    assert resolve_device().type == expected


def test_explicit_devices_pass_through() -> None:
    assert resolve_device("cpu") == torch.device("cpu")
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")
    assert resolve_device("cuda:1") == torch.device("cuda", 1)  # named, not checked: torch fails on use


def test_unknown_device_is_rejected() -> None:
    with pytest.raises(RuntimeError):
        resolve_device("gpu-please")


def test_free_cores_is_between_one_and_the_affinity() -> None:
    n = free_cores()
    assert 1 <= n <= len(os.sched_getaffinity(0))


def test_configure_threads_sets_torch_threads() -> None:
    before = torch.get_num_threads()
    try:
        assert configure_threads(1) == 1 and torch.get_num_threads() == 1
        n = configure_threads(None)
        assert n == torch.get_num_threads() and 1 <= n <= len(os.sched_getaffinity(0))
        assert configure_threads(0) == torch.get_num_threads()  # 0 or less: the free cores
    finally:
        torch.set_num_threads(before)


def test_free_cores_sees_processes_that_just_started() -> None:
    """The load average lags a minute behind; CPU time sampled now sees busy cores at once."""
    import subprocess
    import sys
    import time

    cores = len(os.sched_getaffinity(0))
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(cores)]
    try:
        time.sleep(0.5)
        assert free_cores() == 1
    finally:
        for proc in spinners:
            proc.kill()
            proc.wait()


def test_small_work_runs_on_one_thread_and_restores_the_count() -> None:
    from qgen.sim.device import SMALL_WORK_AMPLITUDES, small_work_threads

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        with small_work_threads(120 * 2**4) as n:
            assert n == 1 and torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
        with small_work_threads(SMALL_WORK_AMPLITUDES) as n:  # not small: left as it is
            assert n == 2 and torch.get_num_threads() == 2
        with small_work_threads(16, device="meta") as n:  # not CPU work
            assert n == 2 and torch.get_num_threads() == 2
        with pytest.raises(ValueError, match="inside"), small_work_threads(16):
            raise ValueError("inside")
        assert torch.get_num_threads() == 2  # restored after an error too
    finally:
        torch.set_num_threads(before)
