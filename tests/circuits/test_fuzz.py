"""Seeded mutation fuzzing of the OpenQASM front end over real programs (tests/qasm_fuzz.py)."""

from __future__ import annotations

import os
import time

import pytest
from qasm_fuzz import SEEDS, check, mutants


@pytest.mark.slow
def test_seed_programs_are_loaded_and_round_trip() -> None:
    assert len(SEEDS) >= 46
    outcomes = [check(p.read_text()) for p in SEEDS]
    assert outcomes.count("valid") >= 44  # examples/broken.qasm is meant to be broken


@pytest.mark.slow
def test_mutants_break_no_property() -> None:
    start, counts = time.perf_counter(), {"valid": 0, "invalid": 0}
    # seeds up to 20 kB: a large program switched to OpenQASM 3 goes through the Python ANTLR parser (slow)
    for i, text in enumerate(mutants(seed=2026, count=1500, max_bytes=20_000)):
        t0 = time.perf_counter()
        try:
            counts[check(text)] += 1
        except AssertionError as exc:
            raise AssertionError(f"mutant {i} (seed 2026): {exc}\n--- program ---\n{text[:2000]}") from None
        assert time.perf_counter() - t0 < 10, f"mutant {i} took over 10 s"
        # a time budget, but never fewer than 300 mutants (a busy machine checks fewer per second)
        if i >= 300 and time.perf_counter() - start > float(os.environ.get("QGEN_FUZZ_SECONDS", "20")):
            break
    assert counts["valid"] > 50 and counts["invalid"] > 50
