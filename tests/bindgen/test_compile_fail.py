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


def test_macro_reports_each_problem_once_at_its_tokens(cargo_build: Any) -> None:
    proc = cargo_build("wf_macro_errors")
    assert proc.returncode != 0
    expected = [
        ("src/lib.rs:4:15", "generic functions cannot be exported"),
        ("src/lib.rs:9:13", "unknown option `nmae` for a function; expected one of: name"),
        ("src/lib.rs:15:16", "exported parameters must be plain names"),
        ("src/lib.rs:26:23", "write the receiver as `&self`, `&mut self` or `self`"),
        ("src/lib.rs:30:23", "a constructor takes no `self`"),
        ("src/lib.rs:36:4", "an exported function must be `pub`"),
    ]
    for where, message in expected:
        assert proc.stderr.count(message) == 1, (message, proc.stderr)
        block = proc.stderr.split(message, 1)[1].split("\n\n", 1)[0]
        assert where in block, (where, block)
    # The macro's own errors stop the expansion: no follow-up errors about the items.
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error") and "could not compile" not in line]
    assert len(errors) == len(expected), errors


def test_unsupported_type_is_reported_at_the_parameter(cargo_build: Any) -> None:
    proc = cargo_build("wf_bad_type")
    assert proc.returncode != 0
    assert "E0277" in proc.stderr and "Duration" in proc.stderr
    assert "src/lib.rs:4:16" in proc.stderr  # `d: std::time::Duration`, not the attribute
