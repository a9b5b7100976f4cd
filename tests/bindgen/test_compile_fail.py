"""Borrowed parameters cannot outlive the call: `&'static str` must not compile."""

from __future__ import annotations

from typing import Any


def test_static_str_parameter_is_rejected_by_the_compiler(cargo_build: Any) -> None:
    proc = cargo_build("wf_static_str")
    assert proc.returncode != 0
    # The borrow checker refuses to lend the call's anchor for 'static (E0597 on older
    # compilers, E0716 on newer ones).
    assert "E0597" in proc.stderr or "E0716" in proc.stderr
    assert "'static" in proc.stderr
    assert "src/lib.rs:3" in proc.stderr
