"""wasm-bindgen crates bound for Python: built for real, called, refused where unsupported."""

from __future__ import annotations

import pytest

from tests.bindgen.wasm_bindgen.conftest import CRATES, WASM_BINDGEN_RUST, build
from wasmforge.bindgen.python import GenerateError
from wasmforge.bindgen.wasm_bindgen import describe, section


def test_build_says_it_is_a_wasm_bindgen_crate(wbg_basic) -> None:
    result, _ = wbg_basic
    import re

    pattern = r"wasm-bindgen crate \(wasm-bindgen 0\.2\.\d+, schema 0\.2\.\d+\): bound 31 function\(s\), 1 struct\(s\), 1 enum\(s\), \d+ import\(s\) for its ABI"
    assert any(re.fullmatch(pattern, n) for n in result.notes), result.notes
    assert result.to_dict()["wasm_bindgen"].startswith("31 function(s)")


def test_shipped_module_has_no_describe_exports_or_section(wbg_basic) -> None:
    from wasmforge.binary.module import read_module

    result, _ = wbg_basic
    module = read_module(result.wasm.read_bytes())
    assert not [e.name for e in module.exports if e.name.startswith(describe.DESCRIBE_PREFIX)]
    assert describe.SECTION_NAME not in [s.name for s in module.sections if s.is_custom]
    raw = read_module(result.raw_wasm.read_bytes())
    assert [e.name for e in raw.exports if e.name.startswith(describe.DESCRIBE_PREFIX)]


def test_strings_cross_both_ways(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert pkg.greet("Ada") == "Hello, Ada!"
    assert pkg.greet("žluťoučký 🦀") == "Hello, žluťoučký 🦀!"
    assert pkg.greet("") == "Hello, !"


def test_several_strings_and_numbers_in_one_call(wbg_basic) -> None:
    _, pkg = wbg_basic
    instance = pkg.load()
    assert pkg.tagged("ž", 7, "🦀") == "ž7🦀"
    size = instance.memory.size
    for _ in range(2000):  # refused before anything is allocated
        with pytest.raises(TypeError, match="b: expected str, got int"):
            pkg.tagged("a" * 1000, 1, 5)
        with pytest.raises(OverflowError, match="out of range for u32"):
            pkg.tagged("a" * 1000, -1, "b")
    assert instance.memory.size == size and pkg.tagged("", 0, "") == "0"


def test_numbers_keep_their_width_and_sign(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert pkg.add(1, 2**40, 0.5) == 1 + 2**40 + 0.5
    assert pkg.wide(-1, 2) == 1
    assert pkg.wide(0, 2**64 - 1) == 2**64 - 1
    assert pkg.halve(2**32 - 2) == 2**31 - 1
    assert pkg.is_even(-4) is True and pkg.is_even(7) is False
    with pytest.raises(OverflowError, match="out of range for u32"):
        pkg.halve(2**32)
    with pytest.raises(TypeError, match="expected int"):
        pkg.halve(1.5)


def test_bool_and_char(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert pkg.upper(True, "q") == "Q"
    assert pkg.upper(False, "ř") == "ř"
    with pytest.raises(ValueError, match="surrogate"):
        pkg.upper(True, "\ud800")


def test_slices_and_vectors_of_numbers(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert pkg.sum([1.5, 2.5, 4.0]) == 8.0
    assert pkg.sum([]) == 0.0
    assert pkg.doubled([1, -2, 3]) == [2, -4, 6]
    with pytest.raises(TypeError, match="sequence of i32"):
        pkg.doubled(["x"])


def test_vectors_of_strings_cross_both_ways(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert pkg.words(" ein  zwei drei ") == ["ein", "zwei", "drei"]
    assert pkg.words("") == []
    assert pkg.joined(["a", "žluť", "🦀"], "+") == "a+žluť+🦀"
    assert pkg.joined([], "+") == ""
    with pytest.raises(TypeError, match="expected str, got int"):
        pkg.joined(["a", 1], "+")


def test_boxed_slices(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert pkg.sorted_words(["pear", "apple", "fig"]) == ["apple", "fig", "pear"]
    assert pkg.scaled([1.0, -2.5], 2.0) == [2.0, -5.0]
    thing = object()
    assert pkg.boxed_values([thing, "s", None]) == [None, "s", thing]
    assert pkg.boxed_values([])[:] == []


def test_optional_vectors_of_strings(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert pkg.maybe_words(None) is None
    assert pkg.maybe_words(["a", "b"]) == ["b", "a"]
    assert pkg.maybe_words([]) == []


def test_string_vectors_leave_no_slots_or_memory_behind(wbg_basic) -> None:
    _, pkg = wbg_basic
    instance = pkg.load()
    text = " ".join(f"w{i}" for i in range(2000))
    pkg.sorted_words(pkg.words(text))  # the allocator's first growth
    before, size = len(instance.objects), instance.memory.size
    for _ in range(50):  # 50 leaked rounds would need many more pages
        assert len(pkg.sorted_words(pkg.words(text))) == 2000
    assert len(instance.objects) == before and instance.memory.size == size


def test_results_raise_js_error(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert pkg.checked(4) == 40
    assert pkg.name_of(0) == "zero"
    with pytest.raises(pkg.JsError, match="negative input"):
        pkg.checked(-1)
    with pytest.raises(pkg.JsError, match="no name for 3"):
        pkg.name_of(3)
    assert pkg.checked(5) == 50  # the instance stays usable after an error


def test_imports_default_and_given(wbg_basic, capsys) -> None:
    _, pkg = wbg_basic
    value = pkg.shout("hi")
    assert 0.0 <= value < 1.0 and capsys.readouterr().out == "HI\n"
    seen: list[str] = []
    pkg.load({"console.log": seen.append, "Math.random": lambda: 0.25})
    assert pkg.shout("abc") == 0.25 and seen == ["ABC"]
    with pytest.raises(pkg.NeedsImports, match="does not use: alert"):
        pkg.load({"alert": print})
    pkg.load()


def test_options(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert pkg.maybe_text(7) == "#7" and pkg.maybe_text(None) is None
    assert pkg.maybe_text(2**32 - 1) == f"#{2**32 - 1}"
    assert pkg.maybe_wide(-3, 0.5) == -2.5 and pkg.maybe_wide(None, 1.0) is None and pkg.maybe_wide(1, None) is None
    assert pkg.maybe_small(True, "ř", "abc") == 1 + 2 + 3
    assert pkg.maybe_small(None, "a", "") is None and pkg.maybe_small(False, None, "x") is None
    assert pkg.maybe_small(False, "a", None) is None


def test_c_style_enums(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert [(m.name, m.value) for m in pkg.Direction] == [("North", 0), ("East", 10), ("South", 11)]
    assert pkg.turn(pkg.Direction.North) is pkg.Direction.East
    assert pkg.turn(11) is pkg.Direction.North
    assert pkg.maybe_turn(None) is None and pkg.maybe_turn(pkg.Direction.East) is pkg.Direction.South
    with pytest.raises(ValueError, match="3 is not a Direction"):
        pkg.turn(3)


def test_string_enums(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert pkg.corners("square") == 4 and pkg.corners("circle") == 0
    assert pkg.rounder("square") == "circle"
    with pytest.raises(ValueError, match="'hexagon' is not one of 'circle', 'square'"):
        pkg.corners("hexagon")


def test_js_values_are_opaque_handles(wbg_basic) -> None:
    _, pkg = wbg_basic
    thing = object()
    assert pkg.keep(thing) is thing
    assert pkg.keep(None) is None
    assert pkg.same(thing, thing) is True
    instance = pkg.load()
    before = len(instance.objects)
    for _ in range(200):
        pkg.keep([1, 2, 3])
    assert len(instance.objects) == before  # every slot the module was given came back


def test_sequences_of_js_values(wbg_basic) -> None:
    _, pkg = wbg_basic
    a, b = object(), {"k": 1}
    out = pkg.reversed([a, b, "s", None])
    assert out[0] is None and out[1] == "s" and out[2] is b and out[3] is a
    assert pkg.reversed([]) == []
    instance = pkg.load()
    before = len(instance.objects)
    pkg.reversed([object() for _ in range(300)])  # more slots than the module's first table growth
    assert len(instance.objects) == before


def test_a_panic_traps_and_a_new_instance_works(wbg_basic) -> None:
    _, pkg = wbg_basic
    instance = pkg.load()
    assert pkg.boom(object()) == 1
    with pytest.raises(Exception) as info:
        pkg.boom(None)  # a borrowed JsValue is in the table while Rust panics
    assert type(info.value).__name__ == "WasmTrap" and "unreachable" in str(info.value)
    assert not [o for o in instance.objects.values() if o is not None and o is not True and o is not False]
    pkg.load()
    assert pkg.greet("again") == "Hello, again!"


def test_result_with_js_value_error(wbg_basic) -> None:
    _, pkg = wbg_basic
    assert pkg.parse_flag("yes") is True and pkg.parse_flag("no") is False
    with pytest.raises(pkg.JsError, match="not yes or no"):
        pkg.parse_flag("maybe")


def test_struct_constructor_methods_and_properties(wbg_basic) -> None:
    _, pkg = wbg_basic
    c = pkg.Counter(5)
    assert c.bump() == 6 and c.count == 6
    c.count = 10
    c.step = 3
    assert c.bump() == 13 and c.step == 3 and c.made == 7
    assert c.describe() == "Counter at 13 step 3"
    with pytest.raises(AttributeError):
        c.made = 1  # readonly
    assert not hasattr(c, "secret")  # skip
    assert pkg.Counter.__doc__ == "Counts up by its step."
    assert pkg.Counter.bump.__doc__ == "Adds the step and gives the new count."


def test_struct_static_method_with_js_name_and_result(wbg_basic) -> None:
    _, pkg = wbg_basic
    c = pkg.Counter.fromText("41")
    assert isinstance(c, pkg.Counter) and c.bump() == 42
    with pytest.raises(pkg.JsError, match="invalid digit"):
        pkg.Counter.fromText("x")


def test_struct_ownership(wbg_basic) -> None:
    _, pkg = wbg_basic
    a, b = pkg.Counter(1), pkg.Counter(2)
    assert pkg.total(a, b) == 3
    assert not a.closed and b.closed  # b moved into Rust, a was borrowed
    with pytest.raises(ValueError, match="closed or moved into Rust"):
        b.bump()
    merged = a.merged(pkg.Counter(5))
    assert a.closed and merged.count == 6  # self by value consumes the receiver
    with pytest.raises(TypeError, match="expected Counter, got int"):
        pkg.total(merged, 3)
    assert not merged.closed  # nothing moved when the call never started
    with merged as m:
        assert m.bump() == 7
    assert merged.closed


def test_dropped_structs_are_freed(wbg_basic) -> None:
    import gc

    _, pkg = wbg_basic
    instance = pkg.load()
    for i in range(100):
        pkg.Counter(i)
    size = instance.memory.size
    for i in range(20000):  # 20,000 leaked counters would need more pages
        pkg.Counter(i)
    gc.collect()
    kept = pkg.Counter(1)
    assert kept.bump() == 2
    assert not instance.pending_free and instance.memory.size == size


def test_docs_and_stub(wbg_basic) -> None:
    result, pkg = wbg_basic
    assert pkg.greet.__doc__ == "Says hello."
    stub = (result.package_dir / "__init__.pyi").read_text(encoding="utf-8")
    assert "def greet(name: str) -> str: ..." in stub
    assert "def doubled(v: list[int]) -> list[int]: ..." in stub
    assert "def joined(v: list[str], sep: str) -> str: ..." in stub


def test_unsupported_item_is_refused_by_name(modern_toolchain, wbg_target, tmp_path) -> None:
    with pytest.raises(GenerateError, match=r"function big: its parameter 1 of type i128 is not supported"):
        build(modern_toolchain, "wbg_refused", tmp_path, wbg_target)
    assert not (tmp_path / "wbg_refused").exists()


def test_cli_error_for_unsupported_item(modern_toolchain, wbg_target, tmp_path, run_cli) -> None:
    code, _, err = run_cli("build", CRATES / "wbg_refused", "--target-dir", wbg_target, "--out-dir", tmp_path, "--toolchain", str(modern_toolchain.version), "--quiet")
    assert code == 2
    assert err.splitlines()[0].startswith("error: crate wbg_refused: function big: its parameter 1 of type i128")
    assert "Traceback" not in err


# ---- the section decoder ------------------------------------------------------------------


def _program(schema: str, body: bytes = b"") -> bytes:
    import json
    import struct

    prefix = json.dumps({"schema_version": schema, "version": schema}, separators=(",", ":")).encode()
    return struct.pack("<I", len(prefix)) + prefix + struct.pack("<I", len(body)) + body


def test_unknown_schema_version_is_refused_in_one_line() -> None:
    with pytest.raises(section.SectionError) as info:
        section.decode(_program("0.2.87"))
    assert "wasm-bindgen schema version 0.2.87" in info.value.message and "\n" not in info.value.message


def test_truncated_program_names_the_offset() -> None:
    with pytest.raises(section.SectionError, match="program of 1 bytes past the end at offset 0x38"):
        section.decode(_program(section.SCHEMAS[-1], b"\x01")[:-1])


def _old_toolchains() -> list:
    from tests.conftest import toolchain_id, wasm_toolchains

    return [pytest.param(tc, id=toolchain_id(tc)) for tc in wasm_toolchains() if tc.version_tuple < WASM_BINDGEN_RUST]


@pytest.mark.parametrize("old", _old_toolchains())
def test_older_toolchain_says_it_cannot_build(old, tmp_path, run_cli) -> None:
    code, _, err = run_cli("build", CRATES / "wbg_basic", "--out-dir", tmp_path, "--target-dir", tmp_path / "t",
                           "--toolchain", old.version, "--quiet")
    lines = err.splitlines()
    assert code == 2 and "rust-version = '1.71'" in lines[0] and f"rust {old.version}" in lines[0]
    assert lines[1].startswith("hint: build with --toolchain")


def test_cli_summary_names_wasm_bindgen_glue(modern_toolchain, wbg_target, tmp_path, run_cli) -> None:
    code, out, _ = run_cli("build", CRATES / "wbg_basic", "--target-dir", wbg_target, "--out-dir", tmp_path,
                           "--toolchain", str(modern_toolchain.version), "--quiet")
    assert code == 0
    assert out.splitlines()[0] == (
        "package wbg_basic (release): 31 function(s), 1 struct(s), 1 enum(s), 9 import(s), wasm-bindgen glue"
    )


def test_wheel_runs_without_wasmforge(modern_toolchain, wbg_target, tmp_path, run_cli) -> None:
    import shutil
    import subprocess
    import sys
    import zipfile

    crate = tmp_path / "wbg_basic"  # pack writes the package folder inside the crate: use a copy
    shutil.copytree(CRATES / "wbg_basic", crate, ignore=shutil.ignore_patterns("pkg", "target"))
    code, _, err = run_cli("pack", crate, "--out-dir", tmp_path / "dist", "--target-dir", wbg_target,
                           "--toolchain", str(modern_toolchain.version), "--quiet")
    assert code == 0, err
    (wheel,) = (tmp_path / "dist").glob("wbg_basic-*.whl")
    with zipfile.ZipFile(wheel) as z:
        metadata = z.read(next(n for n in z.namelist() if n.endswith("METADATA"))).decode()
        z.extractall(tmp_path / "site")
    assert [line for line in metadata.splitlines() if line.startswith("Requires-Dist") and "extra" not in line] == [
        line for line in metadata.splitlines() if line.startswith("Requires-Dist: wasmtime")
    ]
    # wasmforge made unimportable: the package must run on its private runtime copy and wasmtime.
    program = "import sys; sys.modules['wasmforge'] = None; import wbg_basic; print(wbg_basic.greet('wheel'), wbg_basic.Counter(1).bump())"
    proc = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(tmp_path / "site"), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "Hello, wheel! 2\n"
