"""The build pipeline: sizes per step, profiles, raw bindings, and one-line errors."""

from __future__ import annotations

import importlib
import io
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.build.conftest import REPO, write_crate
from wasmforge.binary import read_module
from wasmforge.bindgen.descriptors import SECTION_NAME


def test_release_ladder_shrinks_and_strips_everything(build_example: Any, wasm_opt: Any) -> None:
    result = build_example("hello")
    steps = [s.step for s in result.sizes]
    assert steps == ["raw", "stripped", "optimized"]
    raw, stripped, optimized = (s.size for s in result.sizes)
    assert raw > stripped > optimized
    final = read_module(result.wasm)
    assert final.size == optimized
    assert final.customs == []


def test_descriptors_are_read_before_stripping(build_example: Any) -> None:
    result = build_example("hello")
    assert any(c.name == SECTION_NAME for c in read_module(result.raw_wasm).customs)
    assert {f.name for f in result.descriptors.functions} == {"greet", "first_word", "parse_celsius", "repeat"}


def test_profiling_build_keeps_the_name_section(build_example: Any, wasm_opt: Any) -> None:
    result = build_example("hello", "profiling")
    final = read_module(result.wasm)
    assert [c.name for c in final.customs] == ["name"]
    assert result.sizes[-1].step == "optimized"
    assert "/profiling/" in result.raw_wasm.as_posix()


def test_dev_build_skips_wasm_opt(build_example: Any) -> None:
    result = build_example("counter", "dev")
    assert [s.step for s in result.sizes] == ["raw", "stripped"]
    assert "/debug/" in result.raw_wasm.as_posix()


def test_package_folder_contents(build_example: Any) -> None:
    result = build_example("counter")
    assert sorted(p.name for p in result.package_dir.iterdir() if p.name != "__pycache__") == [
        "__init__.py",
        "__init__.pyi",
        "_wasmforge",
        "counter.wasm",
        "py.typed",
    ]


def test_wasm_opt_level_from_metadata(build_example: Any, wasm_opt: Any) -> None:
    assert "wasm-opt -O3" in build_example("pixels").sizes[-1].detail
    assert "wasm-opt -Oz" in build_example("hello").sizes[-1].detail


def test_crate_without_support_crate_gets_raw_bindings(build_example: Any) -> None:
    result = build_example("add")
    assert not result.descriptors.has_runtime
    assert [r.name for r in result.descriptors.raw_exports] == ["add", "add_random"]
    sys.path.insert(0, str(result.package_dir.parent))
    try:
        add = importlib.import_module("add")
        inst = add.load({"Math": {"random": lambda: 0.25}})
        assert inst.add(1.5, 2.0) == 3.5
        assert inst.add_random(1.0) == 1.25
        with pytest.raises(add.NeedsImports):
            add.add  # noqa: B018  (module level needs the Math import)
    finally:
        sys.path.remove(str(result.package_dir.parent))
        sys.modules.pop("add", None)


def test_not_a_cdylib_is_one_line_error(toolchain: Any, tmp_path: Path) -> None:
    from wasmforge.build import CrateError, build

    crate = write_crate(
        tmp_path / "plain", '[package]\nname = "plain"\nversion = "0.1.0"\nedition = "2021"\n', "pub fn f() {}\n"
    )
    with pytest.raises(CrateError, match="neither a cdylib nor a binary") as info:
        build(crate, toolchain=toolchain, quiet=True)
    assert info.value.hint and 'crate-type = ["cdylib", "rlib"]' in info.value.hint
    assert "\n" not in info.value.message


def test_no_support_crate_and_no_exports(toolchain: Any, tmp_path: Path, build_target_dir: Path) -> None:
    from wasmforge.build import NoExportsError, build

    crate = write_crate(
        tmp_path / "bare",
        '[package]\nname = "bare"\nversion = "0.1.0"\nedition = "2021"\n[lib]\ncrate-type = ["cdylib"]\n',
        "pub fn f() -> u32 { 1 }\n",
    )
    with pytest.raises(NoExportsError, match="does not use the support crate") as info:
        build(crate, toolchain=toolchain, quiet=True, target_dir=build_target_dir)
    assert info.value.hint and "#[wasmforge::export]" in info.value.hint


def test_support_crate_but_no_exports(toolchain: Any, tmp_path: Path, build_target_dir: Path) -> None:
    from wasmforge.build import NoExportsError, build

    support = (REPO / "rust").resolve().as_posix()
    crate = write_crate(
        tmp_path / "idle",
        '[package]\nname = "idle"\nversion = "0.1.0"\nedition = "2021"\n[lib]\ncrate-type = ["cdylib"]\n'
        f'[dependencies]\nwasmforge = {{ path = "{support}" }}\n',
        "pub fn f() -> u32 { 1 }\n",
    )
    with pytest.raises(NoExportsError, match="exports nothing to Python"):
        build(crate, toolchain=toolchain, quiet=True, target_dir=build_target_dir)


def test_cargo_failure_is_a_build_error(toolchain: Any, tmp_path: Path, build_target_dir: Path) -> None:
    from wasmforge.build import BuildError, build

    crate = write_crate(
        tmp_path / "broken",
        '[package]\nname = "broken"\nversion = "0.1.0"\nedition = "2021"\n[lib]\ncrate-type = ["cdylib"]\n',
        "pub fn f() -> u32 { not_rust }\n",
    )
    with pytest.raises(BuildError, match="cargo build of broken failed"):
        build(crate, toolchain=toolchain, quiet=True, target_dir=build_target_dir, stderr=io.StringIO())


def test_missing_cargo_toml(toolchain: Any, tmp_path: Path) -> None:
    from wasmforge.build import CrateError, build

    with pytest.raises(CrateError, match="no Cargo.toml"):
        build(tmp_path, toolchain=toolchain)


def test_bad_wasm_opt_setting(toolchain: Any, wasm_opt: Any, tmp_path: Path, build_target_dir: Path) -> None:
    from wasmforge.build import OptimizeError, build

    crate = write_crate(
        tmp_path / "badopt",
        '[package]\nname = "badopt"\nversion = "0.1.0"\nedition = "2021"\n[lib]\ncrate-type = ["cdylib"]\n'
        '[package.metadata.wasmforge]\nwasm-opt = "-O9"\n',
        '#[no_mangle]\npub extern "C" fn f() -> u32 { 1 }\n',
    )
    with pytest.raises(OptimizeError, match="-O9"):
        build(crate, toolchain=toolchain, quiet=True, target_dir=build_target_dir)
