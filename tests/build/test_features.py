"""Reading a crate root's #![feature(...)] attributes as Rust tokens."""

from __future__ import annotations

from wasmforge.build.features import crate_features


def names(source: str) -> list[str]:
    return [f.name for f in crate_features(source)]


def test_inner_feature_attributes_are_found_with_lines() -> None:
    source = "//! docs\n#![no_std]\n#![feature(alloc_error_handler, core_intrinsics)]\n\nuse core::panic;\n"
    found = crate_features(source)
    assert [(f.name, f.line) for f in found] == [("alloc_error_handler", 3), ("core_intrinsics", 3)]


def test_mentions_outside_attributes_do_not_count() -> None:
    source = (
        '//! #![feature(in_a_doc_comment)]\n'
        '/* #![feature(in_a /* nested */ block_comment)] */\n'
        'pub const S: &str = "#![feature(in_a_string)]";\n'
        'pub const R: &str = r#"#![feature(in_a_raw_string)]"#;\n'
        'fn default_alloc_error_handler() {}\n'
    )
    assert names(source) == []


def test_only_attributes_before_the_first_item_count() -> None:
    assert names("fn f() {}\n#![feature(too_late)]\n") == []


def test_cfg_attr_feature_counts_and_cargo_feature_tests_do_not() -> None:
    source = '#![cfg_attr(feature = "nightly", feature(never_type))]\n#![cfg_attr(not(feature = "std"), no_std)]\n'
    assert names(source) == ["never_type"]


def test_attributes_after_comments_and_lifetimes_in_literals() -> None:
    source = "// header\n#![allow(dead_code)] /* c */ #![feature(a)]\n#![doc = \"x\"]\n#![feature(b)]\nfn f<'a>(x: &'a u8) -> char { 'x' }\n"
    assert names(source) == ["a", "b"]
