"""The descriptor section survives the usual size settings and wasm-opt (wasm-strip removes it)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.bindgen.conftest import CRATES
from wasmforge.bindgen import descriptors

VARIANTS = {
    "strip-cgu16-nolto-o3": {"STRIP": "true", "CODEGEN_UNITS": "16", "LTO": "false", "OPT_LEVEL": "3"},
    "fatlto-o0": {"LTO": "fat", "OPT_LEVEL": "0", "CODEGEN_UNITS": "1"},
    "thinlto-os": {"LTO": "thin", "OPT_LEVEL": "s"},
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_section_survives_profile_settings(toolchain: Any, tmp_path: Path, variant: str) -> None:
    env = toolchain.env()
    env["CARGO_TARGET_DIR"] = str(tmp_path / "target")
    for key, value in VARIANTS[variant].items():
        env[f"CARGO_PROFILE_RELEASE_{key}"] = value
    proc = subprocess.run(
        [str(toolchain.cargo), "build", "--release", "--target", "wasm32-unknown-unknown", "--offline"],
        cwd=CRATES / "wf_dep_outer", env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    wasm = tmp_path / "target" / "wasm32-unknown-unknown" / "release" / "wf_dep_outer.wasm"
    names = {f.name for f in descriptors.read(wasm).functions}
    assert names == {"inner_shout", "outer_len"}


def test_section_survives_wasm_opt_but_not_wasm_strip(build_crate: Any, tmp_path: Path) -> None:
    wasm = build_crate("wf_types")
    if shutil.which("wasm-opt") is None:
        pytest.skip("wasm-opt (binaryen) not installed")
    opt = tmp_path / "opt.wasm"
    subprocess.run(["wasm-opt", "-O3", str(wasm), "-o", str(opt)], check=True, capture_output=True)
    assert len(descriptors.read(opt).functions) == len(descriptors.read(wasm).functions)
    if shutil.which("wasm-strip") is None:
        return
    stripped = tmp_path / "stripped.wasm"
    shutil.copy(opt, stripped)
    subprocess.run(["wasm-strip", str(stripped)], check=True, capture_output=True)
    assert descriptors.read(stripped).functions == ()
