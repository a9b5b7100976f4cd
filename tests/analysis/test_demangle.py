"""Symbol names: Rust legacy and v0, C++, and which crate and module a function comes from."""

from __future__ import annotations

import pytest

from tests.conftest import rust_modules
from wasmforge.analysis import build, crates
from wasmforge.analysis.demangle import DisplayNames, crate_of, demangle, display_name, generic_function, module_path


def test_legacy_rust_symbol_keeps_its_hash_for_display_only() -> None:
    symbol = "_ZN9wee_alloc15alloc_first_fit17h9a72de3af77ef93fE"
    assert display_name(symbol) == "wee_alloc::alloc_first_fit::h9a72de3af77ef93f"
    assert demangle(symbol) == "wee_alloc::alloc_first_fit"


def test_v0_symbol_shows_generic_arguments() -> None:
    symbol = "_RINvCsa6vnpZSpZzq_6bloaty14insertion_sortNtNtCs6g8tIYN9Ab7_5alloc6string6StringEB2_"
    assert demangle(symbol) == "bloaty::insertion_sort::<alloc::string::String>"
    # twiggy and `wasm-tools demangle` keep the crate disambiguators, as they keep legacy hashes
    assert display_name(symbol) == "bloaty[75b2cdade604ac42]::insertion_sort::<alloc[48ead055df97ea0b]::string::String>"
    assert generic_function(display_name(symbol)) == "bloaty[75b2cdade604ac42]::insertion_sort"
    assert crate_of(display_name(symbol), symbol) == "bloaty"


def test_v0_closures_are_spelled_as_rustc_does() -> None:
    symbol = "_RINvCs5n6lC0MVY2X_6bloaty8exercisedNCNvB2_8mono_mix0EB2_"
    assert demangle(symbol) == "bloaty::exercise::<f64, bloaty::mono_mix::{closure#0}>"


def test_cpp_symbol_is_demangled() -> None:
    assert display_name("_Z7genericI3OneEvv") == "void generic<One>()"
    assert generic_function("void generic<One>()") == "void generic"


def test_plain_names_come_back_unchanged() -> None:
    for name in ("memcpy", "RC4", "code[3]", "_Rnot_really", "f", "i"):
        assert display_name(name) == name


def test_llvm_suffixes_are_dropped_from_rust_symbols() -> None:
    assert demangle("_ZN4core3fmt5write17h1234567890abcdefE.llvm.123456") == "core::fmt::write"


def test_demangling_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    demangle.cache_clear()
    display_name.cache_clear()
    for symbol in ("_RINvCs5n6lC0MVY2X_6bloaty8exercisedNCNvB2_8mono_mix0EB2_", "_ZN3foo3barE", "_Z7genericI3OneEvv", "_Rxx"):
        demangle(symbol)
        display_name(symbol)
    assert capfd.readouterr() == ("", "")


def test_graph_names_are_demangled_only_when_read() -> None:
    names = DisplayNames(["type[0]", "_ZN3foo3barE", "_ZN3foo3bazE"], {1, 2})
    display_name.cache_clear()
    assert names[1] == "foo::bar"
    assert display_name.cache_info().currsize == 1
    assert names[0] == "type[0]" and names[-1] == "foo::baz"
    assert list(names) == ["type[0]", "foo::bar", "foo::baz"]
    assert names[1:] == ["foo::bar", "foo::baz"]


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
