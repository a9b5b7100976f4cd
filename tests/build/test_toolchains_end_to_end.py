"""The pipeline on every toolchain found: edition and lock-file choice, nightly features, custom
sections, the LTO note, wasm-opt falling back, cargo's whole error output, and the size ladder."""

from __future__ import annotations

import io
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.build.conftest import EXAMPLES, write_crate
from tests.conftest import MODERN_RUST, build_package, wasm_toolchains
from wasmforge.binary import read_module

MANIFEST = '[package]\nname = "{name}"\nversion = "0.1.0"\nedition = "{edition}"\n\n[lib]\ncrate-type = ["cdylib"]\n{extra}'
EXPORT = '#[no_mangle]\npub extern "C" fn answer() -> i32 {\n    42\n}\n'


def crate(root: Path, *, edition: str = "2021", lib: str = EXPORT, extra: str = "", name: str = "probe") -> Path:
    return write_crate(root, MANIFEST.format(name=name, edition=edition, extra=extra), lib)


def modern() -> Any:
    found = [tc for tc in wasm_toolchains() if tc.version_tuple >= MODERN_RUST]
    if not found:
        pytest.skip("no modern toolchain (make toolchains)")
    return found[0]


# ---- which toolchain ---------------------------------------------------------------------------


def test_edition_2024_crate_builds_with_the_modern_toolchain_by_default(
    run_cli: Any, toolchain_target_dir: Path, tmp_path: Path
) -> None:
    tc = modern()
    root = crate(tmp_path / "new", edition="2024", lib='#[unsafe(no_mangle)]\npub extern "C" fn answer() -> i32 { 42 }\n')
    code, out, err = run_cli("build", root, "-q", "--target-dir", tmp_path / "target")
    assert code == 0, err
    assert f"toolchain: rust {tc.version} (newest" in out
    assert (root / "Cargo.lock").read_text().count("version = 4") == 1  # written by the cargo that built


def test_old_toolchain_asked_for_an_edition_2024_crate_names_the_one_that_could(run_cli: Any, toolchain: Any, tmp_path: Path) -> None:
    if toolchain.version_tuple >= (1, 85, 0):
        pytest.skip("this toolchain reads edition 2024")
    tc = modern()
    root = crate(tmp_path / "new", edition="2024")
    code, out, err = run_cli("build", root, "--toolchain", toolchain.rustc)
    assert code == 2 and out == ""
    error, hint = err.strip().splitlines()
    assert error.startswith(f"error: {root / 'Cargo.toml'}: edition 2024 (Cargo.toml) needs cargo 1.85 or newer")
    assert hint.startswith(f"hint: build with --toolchain {'.'.join(tc.version.split('.')[:2])} ({tc.rustc})")


def test_cargo_error_output_reaches_the_user_whole(toolchain: Any, tmp_path: Path) -> None:
    root = crate(tmp_path / "broken", extra='\n[dependencies]\nmissing = { path = "../nowhere" }\n')
    sink = io.StringIO()
    from wasmforge.build import BuildError, CrateError, build

    # cargo 1.65 fails in `cargo metadata`, newer ones only in `cargo build`
    with pytest.raises((CrateError, BuildError)) as caught:
        build(root, toolchain=toolchain, stderr=sink, quiet=True, target_dir=tmp_path / "t")
    shown = sink.getvalue()
    # cargo's chain of causes, not just its first line
    assert "Caused by:" in shown and "nowhere" in shown
    assert "cargo metadata failed" in caught.value.message or "cargo build of probe failed" in caught.value.message


# ---- nightly features --------------------------------------------------------------------------


def test_feature_attribute_sets_rustc_bootstrap_and_says_so(toolchain: Any, toolchain_target_dir: Path, tmp_path: Path) -> None:
    lib = "#![feature(never_type)]\n" + EXPORT + "pub fn never() -> ! { loop {} }\n"
    root = crate(tmp_path / "nightly", lib=lib)
    result = build_package(toolchain, root, tmp_path / "pkg", toolchain_target_dir)
    assert result.bootstrap
    assert any(n.startswith("set RUSTC_BOOTSTRAP=1 for cargo (src/lib.rs:1 enables #![feature(never_type)])") for n in result.notes)


def test_feature_text_outside_attributes_leaves_bootstrap_off(toolchain: Any, toolchain_target_dir: Path, tmp_path: Path) -> None:
    lib = "// #![feature(default_alloc_error_handler)]\n" + EXPORT
    root = crate(tmp_path / "stable", lib=lib, name="stable_probe")
    result = build_package(toolchain, root, tmp_path / "pkg", toolchain_target_dir)
    assert not result.bootstrap and not any("RUSTC_BOOTSTRAP" in n for n in result.notes)


# ---- custom sections and the LTO note --------------------------------------------------------------

SECTION = EXPORT + '#[link_section = "surmsection"]\npub static SURM: [u8; 5] = *b"hello";\n'


def test_own_custom_section_is_kept_and_listed(run_cli: Any, toolchain: Any, tmp_path: Path) -> None:
    root = crate(tmp_path / "sections", lib=SECTION, extra="\n[profile.release]\nlto = true\n")
    code, out, err = run_cli("build", root, "-q", "--toolchain", toolchain.rustc, "--target-dir", tmp_path / "t")
    assert code == 0, err
    final = read_module(root / "pkg" / "probe" / "probe.wasm")
    assert [(c.name, bytes(c.data)) for c in final.customs] == [("surmsection", b"hello")]
    assert any(line.split()[:2] == ["section", "19"] and "'surmsection' kept" in line for line in out.splitlines())


def test_drop_sections_removes_it(toolchain: Any, tmp_path: Path) -> None:
    extra = '\n[package.metadata.wasmforge]\ndrop-sections = ["surmsection"]\nkeep-sections = ["producers"]\n'
    root = crate(tmp_path / "sections", lib=SECTION, extra=extra)
    result = build_package(toolchain, root, tmp_path / "pkg", tmp_path / "t")
    names = [c.name for c in read_module(result.wasm).customs]
    assert "surmsection" not in names and names == [n for n, _ in result.kept_sections]
    assert "producers" in names or "producers" not in [c.name for c in read_module(result.raw_wasm).customs]


def test_release_without_lto_gets_a_note_and_explain_size_measures_it(toolchain: Any, tmp_path: Path) -> None:
    root = shutil.copytree(EXAMPLES / "nth_prime", tmp_path / "nth_prime", ignore=shutil.ignore_patterns("target", "Cargo.lock"))
    manifest = root / "Cargo.toml"
    manifest.write_text(manifest.read_text().replace("lto = true", "lto = false"))
    plain = build_package(toolchain, root, tmp_path / "pkg", tmp_path / "t")
    assert any("has no lto = true" in n and "--explain-size" in n for n in plain.notes)
    measured = build_package(toolchain, root, tmp_path / "pkg", tmp_path / "t", explain_size=True)
    note = next(n for n in measured.notes if "has no lto = true" in n)
    assert f"instead of {measured.sizes[-1].size:,}" in note and "saves" in note


# ---- wasm-opt --------------------------------------------------------------------------------------


def test_wasm_opt_runs_on_the_stripped_module(toolchain: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wasmforge.build import pipeline

    seen: list[bytes] = []
    real = pipeline.optimize

    def spy(wasm: bytes, *args: Any, **kwargs: Any) -> bytes:
        seen.append(wasm)
        return real(wasm, *args, **kwargs)

    monkeypatch.setattr(pipeline, "optimize", spy)
    result = build_package(toolchain, EXAMPLES / "nth_prime", tmp_path / "pkg", tmp_path / "t")
    (given,) = seen
    assert len(given) == result.sizes[1].size
    assert not [c.name for c in read_module(given).customs if c.name.startswith(".debug")]


def test_unchanged_module_reuses_the_last_wasm_opt_result(toolchain: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from wasmforge.build import pipeline

    first = build_package(toolchain, EXAMPLES / "add", tmp_path / "pkg", tmp_path / "t")
    runs: list[int] = []
    real = pipeline.optimize
    monkeypatch.setattr(pipeline, "optimize", lambda *a, **k: runs.append(1) or real(*a, **k))
    again = build_package(toolchain, EXAMPLES / "add", tmp_path / "pkg", tmp_path / "t")
    assert runs == [] and again.wasm.read_bytes() == first.wasm.read_bytes() and again.sizes == first.sizes
    changed = build_package(toolchain, EXAMPLES / "add", tmp_path / "pkg", tmp_path / "t", profile="profiling")
    assert runs == [1] and changed.sizes[-1].step == "optimized"


def test_failing_wasm_opt_leaves_a_note_and_the_valid_stripped_module(toolchain: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "wasm-opt"
    fake.write_text(f"#!{sys.executable}\nimport sys\nif '--version' in sys.argv: print('wasm-opt version 999')\nelse:\n    sys.stderr.write('[wasm-validator error] unknown feature\\n'); sys.exit(1)\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = build_package(toolchain, EXAMPLES / "add", tmp_path / "pkg", tmp_path / "t")
    assert [s.step for s in result.sizes] == ["raw", "stripped"]
    note = next(n for n in result.notes if "could not optimize" in n)
    assert note.startswith("binaryen 999 could not optimize this module") and "unoptimized" in note
    assert read_module(result.wasm).size == result.sizes[-1].size


# ---- the size ladder of `wasmforge build --release` ------------------------------------------------

#: bytes of the final module per toolchain: the article's figures as targets, and for 1.96's
#: nth_prime the size it gives (its std pulls dlmalloc and String formatting into the panic path).
#: Measured (binaryen 108): add 89 / 89, nth_prime 1,928 / 14,425, nth_prime_nostd 122 / 122.
LADDER = {
    "add": {(1, 63): 101, (1, 96): 101},
    "nth_prime": {(1, 63): 1_971, (1, 96): 14_425},
    "nth_prime_nostd": {(1, 63): 168, (1, 96): 168},
}


@pytest.mark.parametrize("example", sorted(LADDER))
def test_size_ladder_targets(example: str, toolchain: Any, toolchain_target_dir: Path, tmp_path: Path) -> None:
    limit = LADDER[example].get(toolchain.version_tuple[:2])
    if limit is None:
        pytest.skip(f"no recorded size for rust {toolchain.version}")
    result = build_package(toolchain, EXAMPLES / example, tmp_path / "pkg", toolchain_target_dir)
    assert result.sizes[-1].step == "optimized"
    assert result.sizes[-1].size <= limit, [(s.step, s.size) for s in result.sizes]


def test_cargo_on_a_terminal_sees_a_terminal_and_its_output_is_kept(tmp_path: Path) -> None:
    import pty

    from wasmforge.build.cargo import _run_streaming

    master, slave = pty.openpty()
    try:
        with os.fdopen(os.dup(slave), "w") as sink:
            code, kept = _run_streaming(
                ["sh", "-c", "echo progress; [ -t 2 ] && echo 'error: on a terminal' >&2; exit 3"], dict(os.environ), sink, tmp_path
            )
        shown = os.read(master, 65536).decode()
    finally:
        os.close(master)
        os.close(slave)
    assert code == 3
    assert "error: on a terminal" in kept and "progress" in kept  # for the hint
    assert "error: on a terminal" in shown  # and the user saw it, as cargo wrote it
