"""Programs, not only libraries: bin crates, the WASI target, and running WASI commands.

Built for real on each toolchain with the target's standard library; runs are compared with
wasmtime-py's own WASI (``wasmtime.WasiConfig`` on a plain ``Linker``), which is what
``wasmtime run`` does: argv = [program, args...], stdio passed through, ``proc_exit`` as the
exit status, no directory or variable unless granted.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import wasmtime

from wasmforge.binary import read_module
from wasmforge.binary.wasi import kind_of
from wasmforge.build.toolchain import WASI_TARGETS, Toolchain, ToolchainNotFound
from wasmforge.host import TRAP_EXIT_CODE, Limits, TrapKind, run_command

REPO = Path(__file__).resolve().parents[2]
CRATES = Path(__file__).resolve().parent / "crates"


def copy_crate(name: str, dest: Path) -> Path:
    """A copy of ``tests/build/crates/<name>`` (cargo writes Cargo.lock into the crate folder)."""
    root = dest / name
    shutil.copytree(CRATES / name, root)
    manifest = root / "Cargo.toml"
    text = manifest.read_text(encoding="utf-8").replace('path = "../../../../rust"', f'path = "{REPO / "rust"}"')
    manifest.write_text(text, encoding="utf-8")
    return root


def needs_wasi(toolchain: Toolchain) -> str:
    triple = toolchain.triple_for("wasi")
    if triple is None:
        pytest.skip(f"{toolchain.label} has no WASI standard library (Debian's 1.63 has wasm32-wasi)")
    return triple


@pytest.fixture(scope="session")
def wasi_command(toolchain: Toolchain, toolchain_target_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The BuildResult of tests/build/crates/wasi_command for WASI, once per toolchain that has it."""
    from wasmforge.build import build

    needs_wasi(toolchain)
    work = tmp_path_factory.mktemp("wasi-command")
    crate = copy_crate("wasi_command", work)
    return build(crate, toolchain=toolchain, target="wasm32-wasi", out_dir=work / "out", target_dir=toolchain_target_dir, quiet=True)


def reference_run(path: Path, args: list[str], stdin: bytes, tmp: Path, dirs: dict[str, Path] | None = None,
                  env: dict[str, str] | None = None) -> tuple[int, bytes, bytes]:
    """The command run on wasmtime-py's WASI directly: (exit code, stdout, stderr)."""
    engine = wasmtime.Engine()
    store = wasmtime.Store(engine)
    linker = wasmtime.Linker(engine)
    linker.define_wasi()
    config = wasmtime.WasiConfig()
    config.argv = [path.name, *args]
    config.env = list((env or {}).items())
    for guest, host in (dirs or {}).items():
        config.preopen_dir(str(host), guest)
    (tmp / "ref-in").write_bytes(stdin)
    config.stdin_file = str(tmp / "ref-in")
    config.stdout_file = str(tmp / "ref-out")
    config.stderr_file = str(tmp / "ref-err")
    store.set_wasi(config)
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, str(path)))
    start = instance.exports(store)["_start"]
    assert isinstance(start, wasmtime.Func)
    try:
        start(store)
        code = 0
    except wasmtime.ExitTrap as exit_:
        code = exit_.code
    except wasmtime.Trap:
        code = 134  # wasmtime run: 128 + SIGABRT
    return code, (tmp / "ref-out").read_bytes(), (tmp / "ref-err").read_bytes()


def cli(*args: Any, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    """``python -m wasmforge ARGS`` in a child process: the command gets real file descriptors."""
    return subprocess.run(
        [sys.executable, "-m", "wasmforge", *map(str, args)], input=stdin, capture_output=True, timeout=300
    )


# ---- building --------------------------------------------------------------------------------------


def test_a_wasi_bin_crate_builds_into_a_command_with_a_size_ladder(wasi_command: Any, toolchain: Toolchain) -> None:
    result = wasi_command
    assert (result.kind, result.target) == ("command", toolchain.triple_for("wasi"))
    assert result.target in WASI_TARGETS
    steps = [s.step for s in result.sizes]
    assert steps == ["raw", "stripped", "optimized"]
    sizes = [s.size for s in result.sizes]
    assert sizes[0] > sizes[1] >= sizes[2] > 0
    assert result.wasm.read_bytes() and len(result.wasm.read_bytes()) == sizes[2]
    assert sorted(p.name for p in result.package_dir.iterdir()) == [result.wasm.name]  # no glue for a program
    module = read_module(result.wasm.read_bytes())
    assert (kind_of(module).kind, kind_of(module).wasi) == ("command", "preview1")
    wasmtime.Module.validate(wasmtime.Engine(), result.wasm.read_bytes())


def test_both_spellings_of_the_wasi_target_build_the_same_module(
    toolchain: Toolchain, toolchain_target_dir: Path, tmp_path: Path, wasi_command: Any
) -> None:
    from wasmforge.build import build

    crate = copy_crate("wasi_command", tmp_path)
    other = build(crate, toolchain=toolchain, target="wasm32-wasip1", out_dir=tmp_path / "out",
                  target_dir=toolchain_target_dir, quiet=True)
    assert other.target == wasi_command.target
    assert other.wasm.read_bytes() == wasi_command.wasm.read_bytes()


def test_cli_build_reports_the_command(run_cli: Callable[..., Any], toolchain: Toolchain, toolchain_target_dir: Path,
                                       tmp_path: Path) -> None:
    triple = needs_wasi(toolchain)
    crate = copy_crate("wasi_command", tmp_path)
    code, out, err = run_cli("build", crate, "--target", "wasm32-wasi", "--toolchain", toolchain.version,
                             "--target-dir", toolchain_target_dir, "-q")
    assert code == 0, err
    assert f"command wasi-command (release, {triple})" in out and "wasmforge run" in out
    assert f"cargo build (release, {toolchain.label}, {triple})" in out
    code, out, _ = run_cli("build", crate, "--target", "wasi", "--toolchain", toolchain.version,
                           "--target-dir", toolchain_target_dir, "-q", "--json")
    data = json.loads(out)
    assert (data["kind"], data["target"]) == ("command", triple)


def test_a_toolchain_without_the_wasi_std_is_refused_with_a_hint(toolchain: Toolchain, tmp_path: Path) -> None:
    from wasmforge.build import build

    if toolchain.triple_for("wasi") is not None:
        pytest.skip(f"{toolchain.label} has a WASI standard library")
    crate = copy_crate("wasi_command", tmp_path)
    with pytest.raises(ToolchainNotFound, match="has no standard library for wasm32-wasi") as info:
        build(crate, toolchain=toolchain, target="wasm32-wasi", quiet=True)
    assert info.value.hint and ("--toolchain" in info.value.hint or "libstd-rust-dev-wasm32" in info.value.hint)


def test_an_unknown_target_is_bad_input(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    crate = copy_crate("article_bin", tmp_path)
    code, _, err = run_cli("build", crate, "--target", "wasm64-unknown-unknown")
    assert code == 2 and "not a target wasmforge builds" in err


def test_the_articles_no_main_bin_gives_the_same_module_as_the_cdylib(
    toolchain: Toolchain, toolchain_target_dir: Path, tmp_path: Path
) -> None:
    from wasmforge.build import build

    as_bin = copy_crate("article_bin", tmp_path / "bin")
    as_lib = tmp_path / "lib" / "binc"
    (as_lib / "src").mkdir(parents=True)
    source = (as_bin / "src" / "main.rs").read_text(encoding="utf-8").replace("#![no_main]\n", "")
    (as_lib / "src" / "lib.rs").write_text(source, encoding="utf-8")
    manifest = (as_bin / "Cargo.toml").read_text(encoding="utf-8")
    (as_lib / "Cargo.toml").write_text(manifest.replace("[profile.release]", '[lib]\ncrate-type = ["cdylib"]\n\n[profile.release]'))
    kwargs: dict[str, Any] = dict(toolchain=toolchain, target_dir=toolchain_target_dir, quiet=True)
    from_bin = build(as_bin, out_dir=tmp_path / "out-bin", **kwargs)
    from_lib = build(as_lib, out_dir=tmp_path / "out-lib", **kwargs)
    assert from_bin.crate.bin_name == "binc" and from_lib.crate.bin_name is None
    assert from_bin.kind == from_lib.kind == "library"
    assert from_bin.wasm.read_bytes() == from_lib.wasm.read_bytes()
    assert [r.name for r in from_bin.descriptors.raw_exports] == ["add"]
    sys.path.insert(0, str(from_bin.package_dir.parent))
    try:
        package = importlib.import_module(from_bin.package)
        assert package.add(40, 2) == 42
    finally:
        sys.path.remove(str(from_bin.package_dir.parent))
        sys.modules.pop(from_bin.package, None)


def test_a_wasi_library_gets_glue_that_provides_wasi_and_grants_nothing(
    toolchain: Toolchain, toolchain_target_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wasmforge.build import build

    needs_wasi(toolchain)
    crate = copy_crate("wasi_library", tmp_path)
    result = build(crate, toolchain=toolchain, target="wasi", out_dir=tmp_path / "out",
                   target_dir=toolchain_target_dir, quiet=True)
    assert result.kind == "library" and [s.step for s in result.sizes] == ["raw", "stripped", "optimized"]
    module = read_module(result.wasm.read_bytes())
    assert kind_of(module).wasi == "preview1"
    monkeypatch.setenv("HOME_SECRET", "x")  # in this process's environment, never the module's
    sys.path.insert(0, str(result.package_dir.parent))
    try:
        package = importlib.import_module(result.package)
        assert package.greet("WASI") == "Hello, WASI!"
        assert package.clock_works() is True
        assert package.has_env("HOME_SECRET") is False and package.has_env("PATH") is False
    finally:
        sys.path.remove(str(result.package_dir.parent))
        sys.modules.pop(result.package, None)


# ---- running: the Python API against wasmtime-py's WASI ------------------------------------------


def test_run_command_matches_wasmtime(wasi_command: Any, tmp_path: Path) -> None:
    path = wasi_command.wasm
    for args, stdin in ((["one", "two words", "exit:7"], b"hello\n"), ([], b""), (["exit:0", "-x"], "ünï\r\n".encode())):
        result = run_command(path, args, stdin=stdin)
        assert (result.exit_code, result.stdout, result.stderr) == reference_run(path, args, stdin, tmp_path)
    result = run_command(path, ["one", "exit:7"], stdin="hello\n")
    assert result.exit_code == 7
    assert result.stdout_text.splitlines()[:2] == [f"argv: {path.name}|one|exit:7", "stdin: hello"]
    assert result.stderr_text == "stdin: 6 bytes\n"


def test_a_panic_is_a_trap_with_wasmtimes_exit_code(wasi_command: Any) -> None:
    result = run_command(wasi_command.wasm, ["panic"])
    assert result.exit_code == TRAP_EXIT_CODE and result.trap is not None
    assert result.trap.kind == TrapKind.UNREACHABLE
    assert "asked to panic" in result.stderr_text


def test_a_module_sees_no_variable_file_or_directory_it_was_not_given(wasi_command: Any, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret.txt").write_text("the secret\n", encoding="utf-8")
    monkeypatch.setenv("SECRET", "from-the-host")
    asks = ["env:SECRET", f"file:{data / 'secret.txt'}", f"dir:{data}", "file:/data/secret.txt", "dir:/", "dir:."]
    denied = run_command(wasi_command.wasm, asks).stdout_text
    assert "env SECRET unset" in denied and "env count 0" in denied
    assert f"file {data / 'secret.txt'} denied" in denied and f"dir {data} denied" in denied
    assert "file /data/secret.txt denied" in denied and "dir / denied" in denied and "dir . denied" in denied
    assert denied == reference_run(wasi_command.wasm, asks, b"", tmp_path)[1].decode()

    granted = run_command(wasi_command.wasm, asks, env={"SECRET": "given"}, dirs={"/data": data}).stdout_text
    assert "env SECRET=given" in granted and "env count 1" in granted
    assert "file /data/secret.txt: the secret" in granted
    assert granted == reference_run(wasi_command.wasm, asks, b"", tmp_path, {"/data": data}, {"SECRET": "given"})[1].decode()
    # The host path stays invisible even when its folder is granted under another name.
    assert f"file {data / 'secret.txt'} denied" in granted


def test_limits_apply_to_a_command(wasi_command: Any) -> None:
    result = run_command(wasi_command.wasm, ["x"], limits=Limits(fuel=1000))
    assert result.exit_code == TRAP_EXIT_CODE and result.trap is not None and result.trap.kind == TrapKind.OUT_OF_FUEL


# ---- running: the CLI -------------------------------------------------------------------------------


def test_cli_run_is_wasmtime_run(wasi_command: Any, tmp_path: Path) -> None:
    path = wasi_command.wasm
    # wasmforge's options first; from the first other word (or after '--') all is the program's.
    proc = cli("run", path, "--fuel", "100000000", "--", "--fuel", "one", "exit:5", "--", stdin=b"typed\n")
    args = ["--fuel", "one", "exit:5", "--"]
    assert (proc.returncode, proc.stdout, proc.stderr) == reference_run(path, args, b"typed\n", tmp_path)
    assert proc.returncode == 5 and proc.stdout.startswith(f"argv: {path.name}|--fuel|one|exit:5|--\n".encode())
    proc = cli("run", path, "one", "--json", stdin=b"")
    assert proc.returncode == 0 and proc.stdout.startswith(f"argv: {path.name}|one|--json\n".encode())


def test_cli_run_grants_only_what_is_asked(wasi_command: Any, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "secret.txt").write_text("the secret\n", encoding="utf-8")
    asks = ["env:SECRET", "file:/data/secret.txt"]
    env = {**os.environ, "SECRET": "from-the-host"}
    plain = subprocess.run([sys.executable, "-m", "wasmforge", "run", str(wasi_command.wasm), *asks],
                           capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL)
    assert plain.returncode == 0
    assert "env SECRET unset" in plain.stdout and "file /data/secret.txt denied" in plain.stdout
    granted = cli("run", wasi_command.wasm, "--env", "SECRET=given", "--dir", f"{data}::/data", *asks)
    assert b"env SECRET=given" in granted.stdout and b"file /data/secret.txt: the secret" in granted.stdout


def test_cli_run_reports_a_trap_and_exits_like_wasmtime(wasi_command: Any) -> None:
    proc = cli("run", wasi_command.wasm, "panic")
    assert proc.returncode == TRAP_EXIT_CODE
    assert b"asked to panic" in proc.stderr and b"error: " in proc.stderr
    proc = cli("run", wasi_command.wasm, "--fuel", "1000")
    assert proc.returncode == TRAP_EXIT_CODE and b"fuel" in proc.stderr


def test_inspect_commands_name_the_kind(run_cli: Callable[..., Any], wasi_command: Any) -> None:
    path = wasi_command.wasm
    for command in ("headers", "details", "symbols"):
        code, out, _ = run_cli(command, path)
        assert code == 0 and "kind: WASI command (wasi_snapshot_preview1)" in out.splitlines()[:2]
        code, out, _ = run_cli(command, path, "--json")
        data = json.loads(out)
        assert (data["kind"], data["wasi"]) == ("command", "preview1")


# ---- which toolchain builds WASI (no cargo: toolchains with and without the std) ------------------


class _NoNeeds:
    def unmet(self, toolchain: Toolchain) -> list[Any]:
        return []


def _fake_toolchains(tmp_path: Path) -> tuple[Toolchain, Toolchain]:
    import dataclasses

    from tests.conftest import wasm_toolchains

    found = wasm_toolchains()
    if not found:
        pytest.skip("no toolchain")
    bare, full = tmp_path / "bare", tmp_path / "full"
    (full / "lib" / "rustlib" / "wasm32-wasi" / "lib").mkdir(parents=True)
    (full / "lib" / "rustlib" / "wasm32-wasi" / "lib" / "libcore-0.rlib").write_bytes(b"")
    newer = dataclasses.replace(found[0], version="9.0.0", sysroot=bare)
    older = dataclasses.replace(found[0], version="1.63.0", sysroot=full)
    return newer, older


def test_a_wasi_build_falls_back_to_the_newest_toolchain_with_the_std(tmp_path: Path) -> None:
    from wasmforge.build.choose import Choice
    from wasmforge.build.pipeline import _toolchain_for_target

    newer, older = _fake_toolchains(tmp_path)
    choice = Choice(newer, "rust 9.0.0 (newest of 2 with wasm32-unknown-unknown)", (newer, older), _NoNeeds())  # type: ignore[arg-type]
    tc, triple, reason = _toolchain_for_target(choice, "wasm32-wasip1", explicit=False)
    assert (tc, triple) == (older, "wasm32-wasi")
    assert reason == "rust 1.63.0 (newest with the wasm32-wasi standard library; rust 9.0.0 lacks it)"
    with pytest.raises(ToolchainNotFound, match="rust 9.0.0 has no standard library for wasm32-wasip1") as info:
        _toolchain_for_target(choice, "wasm32-wasip1", explicit=True)
    assert info.value.hint == "build with --toolchain 1.63 (toolchains with it: rust 1.63.0)"
    alone = Choice(newer, "", (newer,), _NoNeeds())  # type: ignore[arg-type]
    with pytest.raises(ToolchainNotFound) as info:
        _toolchain_for_target(alone, "wasi", explicit=False)
    assert info.value.hint and "libstd-rust-dev-wasm32" in info.value.hint
    # The toolchain that has it names the WASI triple in its reason.
    own = Choice(older, "rust 1.63.0 (newest of 2 with wasm32-unknown-unknown)", (older,), _NoNeeds())  # type: ignore[arg-type]
    assert _toolchain_for_target(own, "wasi", explicit=False)[2] == "rust 1.63.0 (newest of 2 with wasm32-wasi)"
