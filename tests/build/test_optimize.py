"""wasm-opt arguments: levels from the crate's metadata, features from target_features."""

from __future__ import annotations

from typing import Any

import pytest

from wasmforge.build.optimize import OptimizeError, feature_flags, wasm_opt_args


def test_levels() -> None:
    assert wasm_opt_args(None) == ["-Oz"]
    assert wasm_opt_args("-O3") == ["-O3"]
    assert wasm_opt_args("s") == ["-Os"]
    assert wasm_opt_args("Oz") == ["-Oz"]
    assert wasm_opt_args(["-O2", "--converge"]) == ["-O2", "--converge"]
    assert wasm_opt_args(False) is None
    assert wasm_opt_args(None, False) is None


def test_bad_level() -> None:
    with pytest.raises(OptimizeError, match="-O9"):
        wasm_opt_args("-O9")
    with pytest.raises(OptimizeError):
        wasm_opt_args(3)


def test_features_from_target_features() -> None:
    assert feature_flags(None) == ["--mvp-features", "--enable-mutable-globals"]
    flags = feature_flags([("+", "sign-ext"), ("+", "simd128"), ("-", "atomics"), ("+", "nontrapping-fptoint")])
    assert flags == ["--mvp-features", "--enable-sign-ext", "--enable-simd", "--enable-nontrapping-float-to-int"]


def test_missing_wasm_opt_is_a_note(
    build_example: Any, toolchain: Any, build_target_dir: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    from wasmforge.build import build, pipeline

    monkeypatch.setattr(pipeline, "find_wasm_opt", lambda: None)
    result = build(
        build_example("hello").crate.root, out_dir=tmp_path, target_dir=build_target_dir, toolchain=toolchain, quiet=True
    )
    assert [s.step for s in result.sizes] == ["raw", "stripped"]
    assert any("wasm-opt not found" in n and "binaryen" in n for n in result.notes)
