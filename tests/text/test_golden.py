"""Golden outputs of ``wasmforge wat``, ``wat --fold``, ``disasm`` and ``decompile`` on small fixtures.

The fixtures' sources sit in ``golden/`` beside the expected outputs: ``.wat`` files (assembled
here with wasmtime) and the ``rust_calc`` crate (built with cargo when a toolchain with the wasm
target exists). ``WASMFORGE_BLESS=1`` rewrites the expected outputs from the current code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import wasmtime

GOLDEN = Path(__file__).resolve().parent / "golden"
BLESS = os.environ.get("WASMFORGE_BLESS") == "1"
COMMANDS = {
    "wat": ["wat"],
    "fold": ["wat", "--fold"],
    "disasm": ["disasm"],
    "decompile": ["decompile"],
}
WAT_FIXTURES = sorted(p.stem for p in GOLDEN.glob("*.wat"))


def check_golden(name: str, text: str) -> None:
    """Compare ``text`` with ``golden/name``, or write it there when blessing."""
    path = GOLDEN / name
    if BLESS:
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{name} has no golden output yet: run with WASMFORGE_BLESS=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs (WASMFORGE_BLESS=1 regenerates it)"


def _engine() -> wasmtime.Engine:
    config = wasmtime.Config()
    config.wasm_threads = True
    return wasmtime.Engine(config)


@pytest.fixture(scope="module")
def wat_fixtures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each ``golden/*.wat`` assembled to ``<name>.wasm`` (and checked valid)."""
    out = tmp_path_factory.mktemp("text-golden")
    paths = {}
    for stem in WAT_FIXTURES:
        data = bytes(wasmtime.wat2wasm((GOLDEN / f"{stem}.wat").read_text(encoding="utf-8")))
        wasmtime.Module.validate(_engine(), data)
        path = out / f"{stem}.wasm"
        path.write_bytes(data)
        paths[stem] = path
    return paths


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("fixture", WAT_FIXTURES)
def test_wat_fixture_output_matches_golden(run_cli, wat_fixtures, fixture, command):
    code, out, err = run_cli(*COMMANDS[command], wat_fixtures[fixture], "--color", "never")
    assert (code, err) == (0, "")
    check_golden(f"{fixture}.{command}.txt", out)


def _rust_toolchain():
    try:
        from wasmforge.build.toolchain import ToolchainNotFound, find
    except ImportError:
        pytest.skip("toolchain discovery is not available")
    try:
        return find()
    except ToolchainNotFound:
        pytest.skip("no Rust toolchain with the wasm32-unknown-unknown target")


@pytest.fixture(scope="session")
def rust_calc(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``rust_calc`` crate built for wasm32 (release), as ``rust_calc.wasm``."""
    toolchain = _rust_toolchain()
    # The goldens hold one compiler's code: other versions only check that the commands succeed.
    recorded = (GOLDEN / "rust_calc.rustc.txt").read_text(encoding="utf-8").strip() \
        if (GOLDEN / "rust_calc.rustc.txt").exists() else None
    if BLESS:
        (GOLDEN / "rust_calc.rustc.txt").write_text(toolchain.version + "\n", encoding="utf-8")
    elif recorded != toolchain.version:
        pytest.skip(f"the rust_calc goldens come from {recorded}, this toolchain is {toolchain.version}")
    # Build a copy: cargo writes Cargo.lock beside the manifest, and the source tree stays as it is.
    crate = tmp_path_factory.mktemp("rust-calc-src") / "rust_calc"
    shutil.copytree(GOLDEN / "rust_calc", crate)
    target = tmp_path_factory.mktemp("rust-calc-target")
    proc = subprocess.run(
        [str(toolchain.cargo), "build", "--release", "--target", "wasm32-unknown-unknown",
         "--manifest-path", str(crate / "Cargo.toml"), "--target-dir", str(target)],
        capture_output=True, text=True, env=toolchain.env(),
    )
    assert proc.returncode == 0, proc.stderr
    built = target / "wasm32-unknown-unknown" / "release" / "rust_calc.wasm"
    path = tmp_path_factory.mktemp("rust-calc") / "rust_calc.wasm"
    path.write_bytes(built.read_bytes())
    return path


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_rust_fixture_output_matches_golden(run_cli, rust_calc, command):
    code, out, err = run_cli(*COMMANDS[command], rust_calc, "--color", "never")
    assert (code, err) == (0, "")
    check_golden(f"rust_calc.{command}.txt", out)
