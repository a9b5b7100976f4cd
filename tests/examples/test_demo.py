"""``make demo`` (examples/demo.py): the crate-to-package story runs end to end and shows real results."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.examples.conftest import EXAMPLES
from wasmforge.build.toolchain import Toolchain


def test_demo_builds_calls_profiles_and_names_what_to_try_next(wasm_toolchain: Toolchain, tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, str(EXAMPLES / "demo.py"), str(tmp_path / "demo")],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "$ wasmforge build " in out and "package counter (release)" in out
    ladder = [line.split()[0] for line in out.splitlines() if line.split()[:1] in (["raw"], ["stripped"], ["optimized"])]
    assert ladder[:2] == ["raw", "stripped"]  # "optimized" follows where wasm-opt is installed
    assert "(15, 20, array('Q', [10, 15]))" in out  # the class, its methods, a Vec<u64>
    assert "RustError: 7 was never reached" in out  # an Err from Rust
    assert "mapping 3 values\narray('d', [1.0, 2.0, 3.0])" in out  # Python callbacks called from Rust
    assert "'Hello, Ferris!'" in out  # a str through both ways
    assert "$ wasmforge top " in out and "Σ [" in out
    assert (tmp_path / "demo" / "report.html").read_text().startswith("<!DOCTYPE html>")
    assert out.rstrip().splitlines()[-4] == "next, try:"
    assert len(out.splitlines()) <= 60, "the demo should fit one screen"
