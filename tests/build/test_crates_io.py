"""Crates with ordinary crates.io dependencies, on every toolchain: built and run where the
dependencies' MSRV allows; where it does not, the error names the package, the toolchain that
could build it, and the `cargo update --precise` way to keep this one."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import wasmtime

from tests.conftest import _in_ci, build_package, cargo_env

CRATES = Path(__file__).resolve().parent / "crates"


@pytest.fixture(scope="module")
def online() -> None:
    """Skip (fail under CI=true) when crates.io cannot be reached."""
    try:
        urllib.request.urlopen("https://index.crates.io/config.json", timeout=10).close()
    except OSError as err:
        if _in_ci():
            pytest.fail(f"crates.io is unreachable: {err}")
        pytest.skip(f"crates.io is unreachable: {err}")


def _copy(name: str, tmp_path: Path) -> Path:
    return shutil.copytree(CRATES / name, tmp_path / name, ignore=shutil.ignore_patterns("target", "Cargo.lock", "pkg"))


def _build(toolchain: Any, crate: Path, tmp_path: Path, sink: io.StringIO | None = None) -> Any:
    env = {k: v for k, v in cargo_env(toolchain, online=True).items() if k.startswith(("__CARGO", "CARGO_UNSTABLE"))}
    return build_package(toolchain, crate, tmp_path / "pkg", tmp_path / "target", env=env, stderr=sink)


def _call(wasm: Path, name: str, *args: int) -> int:
    store = wasmtime.Store()
    instance = wasmtime.Instance(store, wasmtime.Module.from_file(store.engine, str(wasm)), [])
    func = instance.exports(store)[name]
    assert isinstance(func, wasmtime.Func)
    return int(func(store, *args))


def _msrv_failure(toolchain: Any, crate: Path, tmp_path: Path) -> tuple[str, str]:
    """Build expecting the MSRV error; the error's hint and cargo's own output."""
    from wasmforge.build import BuildError

    sink = io.StringIO()
    with pytest.raises(BuildError) as caught:
        _build(toolchain, crate, tmp_path, sink)
    return caught.value.hint or "", sink.getvalue()


def test_serde_derive(online: None, toolchain: Any, tmp_path: Path) -> None:
    crate = _copy("with_serde", tmp_path)
    if toolchain.version_tuple < (1, 71, 0):
        # serde_derive's syn, quote and proc-macro2 need rustc 1.71 in their current releases
        hint, shown = _msrv_failure(toolchain, crate, tmp_path)
        assert "cannot be built because it requires rustc" in shown
        assert "needs rustc 1.7" in hint and "cargo update -p " in hint and f"this is rust {toolchain.version}" in hint
        return
    result = _build(toolchain, crate, tmp_path)
    assert _call(result.wasm, "point_fields", 3, 4) == 2


def test_lol_alloc_pinned_where_msrv_needs_it(online: None, toolchain: Any, tmp_path: Path) -> None:
    crate = _copy("with_lol_alloc", tmp_path)
    if toolchain.version_tuple < (1, 71, 0):
        hint, _ = _msrv_failure(toolchain, crate, tmp_path)
        assert hint.startswith("lock_api ")
        # do what the hint says: pin lock_api to the newest release that supports this rustc
        command = re.search(r"cargo update -p lock_api --precise ([\d.]+)", hint)
        assert command is not None, hint
        subprocess.run(
            [str(toolchain.cargo), "update", "-p", "lock_api", "--precise", command.group(1)],
            cwd=crate, env=cargo_env(toolchain, online=True), check=True, capture_output=True,
        )
    result = _build(toolchain, crate, tmp_path)
    assert _call(result.wasm, "heap_sum", 1000) == 499_500
    # the lock file is in the format of the cargo that built (v4 from cargo 1.78 on)
    expected = 4 if tuple(int(n) for n in toolchain.cargo_version.split(".")[:2]) >= (1, 78) else 3
    assert f"\nversion = {expected}\n" in (crate / "Cargo.lock").read_text()


def test_hashbrown(online: None, toolchain: Any, tmp_path: Path) -> None:
    crate = _copy("with_hashbrown", tmp_path)
    if toolchain.version_tuple < (1, 65, 0):
        hint, shown = _msrv_failure(toolchain, crate, tmp_path)
        assert "hashbrown" in shown and hint.startswith("hashbrown 0.16")
        assert "build with --toolchain" in hint or "make toolchains" in hint
        return
    result = _build(toolchain, crate, tmp_path)
    assert _call(result.wasm, "distinct_squares", 100, 7) == 4  # squares mod 7: 0, 1, 2, 4
    assert os.path.getsize(result.wasm) == result.sizes[-1].size
