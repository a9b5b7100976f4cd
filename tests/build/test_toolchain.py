"""Toolchain discovery: real toolchains where present, fake rustc scripts for every branch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wasmforge.build import toolchain
from wasmforge.build.toolchain import TARGET, ToolchainNotFound
from wasmforge.errors import WasmforgeError

FAKE_RUSTC = """\
#!{python}
import sys
args = sys.argv[1:]
if {fails!r}:
    sys.stderr.write("error: this rustc is broken\\n")
    sys.exit(1)
if args == ["-vV"]:
    print("rustc {release}")
    print("binary: rustc")
    print("commit-hash: unknown")
    print("commit-date: {date}")
    print("host: x86_64-unknown-linux-gnu")
    print("release: {release}")
    print("LLVM version: 17.0.1")
elif args[:2] == ["--print", "sysroot"]:
    print({sysroot!r})
elif args[:2] == ["--print", "target-libdir"]:
    print({libdir!r})
else:
    sys.exit(2)
"""

FAKE_CARGO = """\
#!{python}
print("cargo {version} (fake)")
"""


def _script(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def make_fake(
    root: Path,
    *,
    std: str = "full",
    release: str = "1.70.0",
    date: str = "2023-05-31",
    cargo: bool = True,
    fails: bool = False,
) -> Path:
    """A fake sysroot under ``root`` with bin/rustc (and bin/cargo); returns the rustc path.

    ``std``: ``"full"`` (libdir with a libcore rlib), ``"empty"`` (libdir exists, no rlib) or
    ``"absent"`` (rustc prints a libdir that does not exist, as rustup does without the target).
    """
    libdir = root / "lib" / "rustlib" / TARGET / "lib"
    if std in ("full", "empty"):
        libdir.mkdir(parents=True)
    if std == "full":
        (libdir / "libcore-0123abcd.rlib").write_bytes(b"!<arch>\n")
    rustc = _script(
        root / "bin" / "rustc",
        FAKE_RUSTC.format(
            python=sys.executable, release=release, date=date, sysroot=str(root), libdir=str(libdir), fails=fails
        ),
    )
    if cargo:
        _script(root / "bin" / "cargo", FAKE_CARGO.format(python=sys.executable, version=release))
    return rustc


def real_toolchain() -> toolchain.Toolchain:
    try:
        return toolchain.find()
    except ToolchainNotFound as err:
        pytest.skip(f"no toolchain with the {TARGET} target here: {err}")


# ---- real toolchains ---------------------------------------------------------------------------


def test_found_toolchain_has_wasm32_core_library() -> None:
    found = real_toolchain()
    assert found.target_libdir.is_dir()
    assert list(found.target_libdir.glob("libcore-*.rlib"))
    printed = subprocess.run(
        [str(found.rustc), "--print", "target-libdir", "--target", TARGET], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert Path(printed) == found.target_libdir


def test_found_cargo_reports_recorded_version() -> None:
    found = real_toolchain()
    out = subprocess.run([str(found.cargo), "--version"], capture_output=True, text=True, check=True).stdout
    assert out.split()[1] == found.cargo_version


def test_find_takes_newest_usable_candidate() -> None:
    found = real_toolchain()
    usable = [c.toolchain for c in toolchain.examine() if c.toolchain is not None]
    assert found in usable
    assert found.version_tuple == max(t.version_tuple for t in usable)
    assert toolchain.find_all()[0] == found


def test_installed_toolchains_are_candidates_newest_first(tmp_path: Path) -> None:
    installed = tmp_path / "toolchains"
    make_fake(installed / "rust-1.98.0", release="1.98.0")
    make_fake(installed / "rust-1.99.0", release="1.99.0")
    environ = dict(os.environ, WASMFORGE_TOOLCHAINS=str(installed), WASMFORGE_CACHE=str(tmp_path / "cache"))
    environ.pop("WASMFORGE_RUSTC", None)
    found = toolchain.find_all(environ)
    assert [t.version for t in found[:2]] == ["1.99.0", "1.98.0"]
    assert found[0].found_via == "wasmforge toolchains"
    assert toolchain.find(environ).version == "1.99.0"


COUNTING_RUSTC = """\
#!/bin/sh
echo run >> {log}
exec {python} {real} "$@"
"""


def _counting_fake(tmp_path: Path, release: str = "1.99.0") -> tuple[dict[str, str], Path, Path]:
    """A fake toolchain whose rustc logs every run; the environ that finds only it, the log and rustc."""
    real = make_fake(tmp_path / "sysroot", release=release)
    inner = real.with_name("rustc-real")
    real.rename(inner)
    log = tmp_path / "runs.log"
    _script(real, COUNTING_RUSTC.format(log=log, python=sys.executable, real=inner))
    environ = dict(os.environ, WASMFORGE_RUSTC=str(real), WASMFORGE_CACHE=str(tmp_path / "cache"))
    return environ, log, real


def test_discovery_is_cached_while_binaries_are_unchanged(tmp_path: Path) -> None:
    environ, log, _ = _counting_fake(tmp_path)
    first = toolchain.find(environ)
    runs = log.read_text().count("run")
    assert runs >= 3  # -vV, sysroot, target-libdir
    assert toolchain.find(environ) == first
    assert log.read_text().count("run") == runs
    assert (tmp_path / "cache" / "toolchains.json").is_file()


def test_discovery_cache_notices_a_changed_rustc(tmp_path: Path) -> None:
    environ, log, rustc = _counting_fake(tmp_path)
    toolchain.find(environ)
    runs = log.read_text().count("run")
    text = rustc.read_text()
    rustc.write_text(text + "# changed\n")  # a different size and mtime, as an upgrade gives
    toolchain.find(environ)
    assert log.read_text().count("run") > runs


def test_discovery_cache_notices_an_added_target(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot", std="absent")
    environ = dict(os.environ, WASMFORGE_RUSTC=str(fake), WASMFORGE_CACHE=str(tmp_path / "cache"))
    with pytest.raises(ToolchainNotFound):
        toolchain.find(environ)
    libdir = tmp_path / "sysroot" / "lib" / "rustlib" / TARGET / "lib"
    libdir.mkdir(parents=True)
    (libdir / "libcore-0123abcd.rlib").write_bytes(b"!<arch>\n")
    assert toolchain.find(environ).target_libdir == libdir


def test_resolve_takes_release_or_path(tmp_path: Path) -> None:
    installed = tmp_path / "toolchains"
    old = make_fake(installed / "rust-1.97.0", release="1.97.0")
    make_fake(installed / "rust-1.99.0", release="1.99.0")
    environ = dict(os.environ, WASMFORGE_TOOLCHAINS=str(installed), WASMFORGE_CACHE=str(tmp_path / "cache"))
    environ.pop("WASMFORGE_RUSTC", None)
    assert toolchain.resolve("1.97", environ).rustc == old
    assert toolchain.resolve("rust1.99.0", environ).version == "1.99.0"
    assert toolchain.resolve(str(installed / "rust-1.97.0"), environ).rustc == old
    assert toolchain.resolve(str(old.parent), environ).rustc == old
    with pytest.raises(ToolchainNotFound, match="no toolchain of that release"):
        toolchain.resolve("1.42", environ)
    with pytest.raises(ToolchainNotFound, match="neither a release number nor a rustc"):
        toolchain.resolve(str(tmp_path / "nowhere"), environ)


def test_rustup_candidate_without_target_gets_rustup_fix() -> None:
    lacking = [c for c in toolchain.examine() if c.is_rustup and c.version and c.target_libdir is None]
    if not lacking:
        pytest.skip("no rustup toolchain lacking the wasm32 target here")
    assert lacking[0].fix is not None and lacking[0].fix.startswith(f"rustup target add {TARGET}")


def test_real_rustc_without_target_ahead_on_path_is_passed_over(tmp_path: Path) -> None:
    real = real_toolchain()
    fake = make_fake(tmp_path / "fake", std="absent")
    environ = dict(os.environ, PATH=f"{fake.parent}{os.pathsep}{os.environ.get('PATH', '')}")
    environ.pop("WASMFORGE_RUSTC", None)
    environ.pop("WASMFORGE_CARGO", None)
    found = toolchain.find(environ)
    assert found.rustc != fake
    assert found.target_libdir == real.target_libdir
    first = toolchain.examine(environ)[0]
    assert first.rustc == fake and "does not exist" in (first.problem or "")


# ---- overrides and fakes -----------------------------------------------------------------------


def test_override_lacking_target_raises_clear_error(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot", std="absent")
    with pytest.raises(ToolchainNotFound) as info:
        toolchain.find(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    err = info.value
    assert isinstance(err, WasmforgeError)
    assert str(fake) in err.message and TARGET in err.message
    assert "\n" not in err.message
    assert err.hint and "WASMFORGE_RUSTC" in err.hint


def test_override_with_empty_libdir_is_refused(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot", std="empty")
    (candidate,) = toolchain.examine(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    assert not candidate.usable
    assert "libcore" in (candidate.problem or "")


def test_override_that_fails_to_run_is_reported(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot", fails=True)
    (candidate,) = toolchain.examine(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    assert candidate.version is None
    assert "this rustc is broken" in (candidate.problem or "")


def test_missing_override_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "rustc"
    with pytest.raises(ToolchainNotFound, match="does not exist"):
        toolchain.find(dict(os.environ, WASMFORGE_RUSTC=str(missing)))


def test_override_with_target_gives_toolchain(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot", release="1.80.0-nightly", date="2024-06-01")
    found = toolchain.find(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    assert found.rustc == fake
    assert found.cargo == fake.parent / "cargo"
    assert found.version == "1.80.0-nightly"
    assert found.version_tuple == (1, 80, 0)
    assert found.channel == "nightly" and found.allows_unstable
    assert found.commit_date == "2024-06-01"
    assert found.cargo_version == "1.80.0-nightly"
    assert found.sysroot == tmp_path / "sysroot"
    assert not found.is_rustup
    assert found.found_via == "WASMFORGE_RUSTC"


def test_stable_release_does_not_allow_unstable_flags(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot", release="1.63.0", date="unknown")
    found = toolchain.find(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    assert found.channel == "stable" and not found.allows_unstable
    assert found.commit_date is None


def test_cargo_override_is_used(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot", cargo=False)
    cargo = _script(tmp_path / "elsewhere" / "cargo", FAKE_CARGO.format(python=sys.executable, version="9.9.9"))
    found = toolchain.find(dict(os.environ, WASMFORGE_RUSTC=str(fake), WASMFORGE_CARGO=str(cargo)))
    assert found.cargo == cargo
    assert found.cargo_version == "9.9.9"


def test_relative_overrides_are_taken_from_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # "./rustc" must not turn into a bare "rustc" that a subprocess looks up on PATH
    fake = make_fake(tmp_path / "sysroot", release="1.77.7")
    monkeypatch.chdir(fake.parent)
    found = toolchain.find(dict(os.environ, WASMFORGE_RUSTC="./rustc", WASMFORGE_CARGO="./cargo"))
    assert found.rustc == fake and found.cargo == fake.parent / "cargo"
    assert found.version == "1.77.7" and found.cargo_version == "1.77.7"


def test_rustup_layout_is_detected(tmp_path: Path) -> None:
    root = tmp_path / "rustup" / "toolchains" / "stable-x86_64-unknown-linux-gnu"
    fake = make_fake(root, std="absent")
    (candidate,) = toolchain.examine(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    assert candidate.is_rustup
    assert candidate.rustup_toolchain == "stable-x86_64-unknown-linux-gnu"
    assert candidate.fix == f"rustup target add {TARGET} --toolchain stable-x86_64-unknown-linux-gnu"


def test_env_puts_toolchain_first_and_sets_rustc(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot")
    found = toolchain.find(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    env = found.env({"PATH": f"/somewhere{os.pathsep}{fake.parent}", "RUSTUP_TOOLCHAIN": "nightly", "KEEP": "1"})
    assert env["PATH"].split(os.pathsep) == [str(fake.parent), "/somewhere"]
    assert env["RUSTC"] == str(fake)
    assert env["CARGO"] == str(found.cargo)
    assert "RUSTUP_TOOLCHAIN" not in env
    assert env["KEEP"] == "1"


def test_env_lets_cargo_subprocess_find_matching_rustc(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot", release="1.71.0")
    found = toolchain.find(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    out = subprocess.run(["rustc", "-vV"], env=found.env(), capture_output=True, text=True, check=True).stdout
    assert "release: 1.71.0" in out


# ---- other tools -------------------------------------------------------------------------------


def test_wasm_opt_version_is_the_release_number(tmp_path: Path) -> None:
    _script(tmp_path / "wasm-opt", f"#!{sys.executable}\nprint('wasm-opt version 116 (version_116)')\n")
    tool = toolchain.find_wasm_opt(environ={"PATH": str(tmp_path)})
    assert tool is not None
    assert tool.path == tmp_path / "wasm-opt"
    assert tool.version == "116"


def test_missing_wasm_opt_is_none(tmp_path: Path) -> None:
    assert toolchain.find_wasm_opt(environ={"PATH": str(tmp_path)}) is None


def test_installed_wasm_opt_reports_numeric_version() -> None:
    tool = toolchain.find_wasm_opt()
    if tool is None:
        pytest.skip("wasm-opt not installed")
    assert tool.version is not None and tool.version.isdigit()


def test_linker_prefers_toolchain_rust_lld(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot")
    found = toolchain.find(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    lld = _script(
        found.sysroot / "lib" / "rustlib" / found.host / "bin" / "rust-lld",
        f"#!{sys.executable}\nprint('LLD 17.0.1')\n",
    )
    linker = toolchain.find_wasm_linker(found, environ={"PATH": str(tmp_path / "empty")})
    assert linker is not None and linker.path == lld and linker.version == "LLD 17.0.1"


# ---- the environment report --------------------------------------------------------------------


def test_report_fails_required_check_when_target_missing(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot", std="absent")
    report = toolchain.check_environment(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    assert not report.ok
    assert report.toolchain is None
    missing = {c.name: c for c in report.missing_required}
    assert f"{TARGET} std" in missing
    assert missing[f"{TARGET} std"].fix


def test_report_passes_with_usable_toolchain(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot")
    report = toolchain.check_environment(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    by_name = {c.name: c for c in report.checks}
    assert by_name["rustc"].ok and by_name["rustc"].path == str(fake)
    assert by_name["cargo"].ok
    assert report.toolchain is not None and report.toolchain.rustc == fake
    # wasmtime is a dependency of wasmforge, so with a usable toolchain nothing required is missing.
    assert by_name["wasmtime (Python)"].ok
    assert report.ok


# ---- adding the target through rustup ----------------------------------------------------------

FAKE_RUSTUP = """\
#!{python}
import pathlib, sys
pathlib.Path({log!r}).write_text(" ".join(sys.argv[1:]))
libdir = pathlib.Path({libdir!r})
libdir.mkdir(parents=True, exist_ok=True)
(libdir / "libcore-feedface.rlib").write_bytes(b"!<arch>\\n")
"""


def test_add_rustup_target_runs_rustup_for_that_toolchain(tmp_path: Path) -> None:
    root = tmp_path / "toolchains" / "stable-x86_64-unknown-linux-gnu"
    fake = make_fake(root, std="absent")
    log = tmp_path / "rustup-args"
    _script(
        fake.parent / "rustup",
        FAKE_RUSTUP.format(python=sys.executable, log=str(log), libdir=str(root / "lib" / "rustlib" / TARGET / "lib")),
    )
    environ = dict(os.environ, WASMFORGE_RUSTC=str(fake))
    (candidate,) = toolchain.examine(environ)
    assert toolchain.add_rustup_target(candidate, environ=environ) == 0
    assert log.read_text() == f"target add {TARGET} --toolchain stable-x86_64-unknown-linux-gnu"
    assert toolchain.find(environ).target_libdir == root / "lib" / "rustlib" / TARGET / "lib"


def test_add_rustup_target_refuses_non_rustup_toolchain(tmp_path: Path) -> None:
    fake = make_fake(tmp_path / "sysroot", std="absent")
    (candidate,) = toolchain.examine(dict(os.environ, WASMFORGE_RUSTC=str(fake)))
    with pytest.raises(ToolchainNotFound, match="not managed by rustup"):
        toolchain.add_rustup_target(candidate)
