"""The support crate's own Rust unit tests (record layout, type descriptors, option encoding)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from wasmforge.bindgen import support_crate


def test_support_crate_unit_tests_pass(toolchain: Any, tmp_path: Path) -> None:
    env = toolchain.env()
    env["CARGO_TARGET_DIR"] = str(tmp_path / "target")
    proc = subprocess.run(
        [str(toolchain.cargo), "test", "--lib", "--offline"],
        cwd=support_crate(), env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "test result: ok. 6 passed" in proc.stdout


def test_support_crate_depends_only_on_its_macro_crate() -> None:
    manifest = (support_crate() / "Cargo.toml").read_text()
    deps = manifest.split("[dependencies]", 1)[1].split("[", 1)[0]
    assert [line for line in deps.splitlines() if "=" in line] == ['wasmforge-macros = { path = "macros" }']
    assert 'default = ["std"]' in manifest
    # The macro crate parses on the plain proc_macro API: nothing to fetch, builds offline.
    macros = (support_crate() / "macros" / "Cargo.toml").read_text()
    assert "[dependencies]" not in macros and "proc-macro = true" in macros


def test_support_crate_is_no_std() -> None:
    assert "#![no_std]" in (support_crate() / "src" / "lib.rs").read_text()
