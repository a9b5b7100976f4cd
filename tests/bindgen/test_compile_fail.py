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


def errors_of(stderr: str) -> list[tuple[str, str]]:
    """(message, ``src/lib.rs:line:col``) of each compiler error, in order."""
    found = []
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("error") and "could not compile" not in line:
            where = next((x.split("--> ", 1)[1] for x in lines[i + 1:i + 3] if "--> " in x), "")
            # 1.63 puts a const panic's message in the label, 1.96 in the heading.
            label = next((x for x in lines[i + 1:i + 8] if "panicked at" in x), "")
            found.append((line + label, where))
    return found


SUPPORTED = "supported: integers (u8..u128, i8..i128, usize, isize), f32, f64, bool, char, &str, String"


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
        ("src/lib.rs:43:16", "`*const u8`: a raw pointer cannot cross the boundary"),
        ("src/lib.rs:48:18", "`std::rc::Rc<String>`: shared or interior-mutable ownership cannot cross"),
        ("src/lib.rs:53:17", "`[u8; 4]`: a fixed-size array cannot cross the boundary; take `Vec<T>` or `&[T]`"),
        ("src/lib.rs:58:17", "`impl std::fmt::Display`: `impl Trait` cannot cross the boundary"),
        ("src/lib.rs:63:17", "`Box<dyn std::any::Any>`: a trait object cannot cross the boundary, except `&dyn Fn"),
        ("src/lib.rs:68:18", "`&mut String`: Python cannot lend this type mutably"),
        ("src/lib.rs:73:17", "a generic struct cannot be exported: Python needs one concrete type; export a newtype"),
        ("src/lib.rs:78:22", "a `#[cfg]` on a tuple struct's field moves the fields after it"),
    ]
    errors = errors_of(proc.stderr)
    # The macro's own errors stop the expansion: no follow-up errors about the items.
    assert len(errors) == len(expected), errors
    for (where, message), (line, at) in zip(expected, errors):
        assert message in line and at == where, (message, where, line, at)


def test_unknown_type_gives_one_error_at_it_naming_the_supported_types(cargo_build: Any) -> None:
    proc = cargo_build("wf_bad_type")
    assert proc.returncode != 0
    expected = [
        ("src/lib.rs:5:16", "`std::time::Duration` cannot be a parameter of an exported function"),
        ("src/lib.rs:10:18", "`Vec<std::time::Instant>` cannot be a parameter of an exported function"),
        ("src/lib.rs:15:19", "`std::time::Duration` cannot be returned by an exported function"),
        ("src/lib.rs:20:30", "`std::time::Duration` cannot be an error type: an error is `Display`"),
        ("src/lib.rs:26:15", "`std::time::Duration` cannot be a property"),
        ("src/lib.rs:31:30", "`std::time::Instant` cannot be a property"),
        ("src/lib.rs:35:34", "`std::time::SystemTime` cannot be a parameter of an exported function"),
        ("src/lib.rs:42:22", "`std::time::Instant` cannot be a parameter of an imported function"),
        ("src/lib.rs:42:45", "`std::time::Duration` cannot be returned by an imported function"),
        ("src/lib.rs:47:16", "`std::time::Duration` cannot be a field of an exported enum's variant"),
    ]
    errors = errors_of(proc.stderr)
    assert len(errors) == len(expected), errors
    by_place = {at: line for line, at in errors}  # const evaluation reports in no fixed order
    for where, message in expected:
        line = by_place[where]
        assert message in line, (message, where, line)
        assert "E0080" in line  # a const assertion of the macro, not a trait error
        if "error type" not in message:
            assert SUPPORTED in line, line
