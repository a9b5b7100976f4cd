"""Symbol names: Rust legacy and v0, C++, and which crate and module a function comes from."""

from __future__ import annotations

import pytest

from tests.conftest import rust_modules
from wasmforge.analysis import build, crates
from wasmforge.analysis.demangle import crate_of, demangle, display_name, generic_function, module_path


def test_legacy_rust_symbol_keeps_its_hash_for_display_only() -> None:
    symbol = "_ZN9wee_alloc15alloc_first_fit17h9a72de3af77ef93fE"
    assert display_name(symbol) == "wee_alloc::alloc_first_fit::h9a72de3af77ef93f"
    assert demangle(symbol) == "wee_alloc::alloc_first_fit"


def test_v0_symbol_shows_generic_arguments() -> None:
    symbol = "_RINvCsa6vnpZSpZzq_6bloaty14insertion_sortNtNtCs6g8tIYN9Ab7_5alloc6string6StringEB2_"
    assert display_name(symbol) == "bloaty::insertion_sort::<alloc::string::String>"
    assert generic_function(display_name(symbol)) == "bloaty::insertion_sort"


def test_cpp_symbol_is_demangled() -> None:
    assert display_name("_Z7genericI3OneEvv") == "void generic<One>()"
    assert generic_function("void generic<One>()") == "void generic"


def test_plain_names_come_back_unchanged() -> None:
    for name in ("memcpy", "RC4", "code[3]", "_Rnot_really"):
        assert display_name(name) == name


@pytest.mark.parametrize(("name", "crate", "module"), [
    ("alloc::raw_vec::finish_grow::h0123456789abcdef", "alloc", "alloc::raw_vec"),
    ("<wee_alloc::LargeAllocPolicy as wee_alloc::AllocPolicy>::min_cell_size", "wee_alloc", "wee_alloc::LargeAllocPolicy"),
    ("<u64 as core::fmt::Display>::fmt", "core", "core::fmt::Display"),
    ("<&T as core::fmt::Debug>::fmt", "core", "core::fmt::Debug"),
    ("bloaty::insertion_sort::<u8>", "bloaty", "bloaty"),
    ("__rustc::__rust_alloc", "std", "std::__rustc"),
    ("memcpy", "[unmangled]", "[unmangled]"),
    ("code[12]", "[unnamed]", "[unnamed]"),
])
def test_crate_and_module_of_a_name(name: str, crate: str, module: str) -> None:
    assert crate_of(name) == crate
    assert module_path(name) == module


def test_v0_symbol_settles_the_crate_of_a_primitive_impl() -> None:
    # `<str>::to_lowercase` is defined in alloc, which only the mangled symbol says
    symbol = "_RNvMNtCs6g8tIYN9Ab7_5alloc3stre12to_lowercase"
    assert crate_of("<str>::to_lowercase", symbol) == "alloc"


@pytest.mark.skipif(not rust_modules(), reason="shared corpus absent")
def test_rust_corpus_modules_attribute_code_to_std_crates_and_the_user_crate() -> None:
    for path in rust_modules():
        if not path.name.startswith("bloaty.") or not path.name.endswith(".release.wasm"):
            continue
        rows = crates(build(path)).by_crate
        assert {"core", "alloc", "bloaty"} <= set(rows), path.name
        assert rows["bloaty"].functions > 20, path.name
