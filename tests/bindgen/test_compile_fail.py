"""Borrowed parameters cannot outlive the call: `&'static str` must not compile."""

from __future__ import annotations

from typing import Any


def test_static_str_parameter_is_rejected_by_the_compiler(cargo_build: Any) -> None:
    proc = cargo_build("wf_static_str")
    assert proc.returncode != 0
    assert "does not live long enough" in proc.stderr
    assert "E0597" in proc.stderr
