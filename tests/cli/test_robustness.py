"""Bad input never ends in a traceback: every inspect and profile command over the corpus, over
damaged modules, over files that are not modules, and with wrong arguments.

The contract (see ``wasmforge.cli.main``): exit 0 on success, 2 on bad input or usage, and then
stderr is one ``error: ...`` line naming the file (or the item, option or output path at fault),
optionally followed by one ``hint: ...`` line.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS, REPO, real_modules, rust_modules, spec_modules

Result = tuple[int, str, str]
Runner = Callable[..., Result]

#: the commands under test: name -> argv after the command name, given the module and a scratch folder.
COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "headers": lambda f, tmp: [str(f), "--json"],
    "details": lambda f, tmp: [str(f), "--demangle", "--data-bytes", "32"],
    "section": lambda f, tmp: [str(f), "type"],
    "symbols": lambda f, tmp: [str(f), "--demangle"],
    "strip": lambda f, tmp: [str(f), "-o", str(tmp / "stripped.wasm")],
    "add-section": lambda f, tmp: [str(f), "note", "--from", str(_note(tmp)), "-o", str(tmp / "added.wasm")],
    "top": lambda f, tmp: [str(f), "-n", "20", "--retained", "--retaining-paths"],
    "dominators": lambda f, tmp: [str(f), "-d", "4", "-r", "50", "--json"],
    "paths": lambda f, tmp: [str(f), "-d", "3", "-r", "3", "--format", "csv"],
    "monos": lambda f, tmp: [str(f), "--json"],
    "garbage": lambda f, tmp: [str(f), "--all", "--show-data-segments"],
    "diff": lambda f, tmp: [str(f), str(f), "--all"],
    "crates": lambda f, tmp: [str(f), "--format", "csv"],
    "report": lambda f, tmp: [str(f), "-o", str(tmp / "report.html"), "-n", "50"],
}
PROFILE = ("top", "dominators", "paths", "monos", "garbage", "diff", "crates", "report")


def _note(tmp: Path) -> Path:
    path = tmp / "note.txt"
    if not path.exists():
        path.write_bytes(b"built by the robustness tests\n")
    return path


def assert_clean(result: Result, *names: object, codes: tuple[int, ...] = (0, 2), context: object = "") -> None:
    """No traceback, an expected exit code, and on failure one error line (and at most one hint)
    that names one of ``names``. ``context`` goes into the failure message."""
    code, _, err = result
    assert "Traceback" not in err, (context, err)
    assert code in codes, (context, code, err)
    if code == 0:
        return
    lines = err.splitlines()
    assert 1 <= len(lines) <= 2 and lines[0].startswith("error: "), (context, err)
    assert len(lines) == 1 or lines[1].startswith("hint: "), (context, err)
    if names:
        assert any(str(n) in lines[0] for n in names), (context, names, err)


#: commands whose exit code 1 is a finding (unreachable items; modules that differ), not a failure
FINDINGS = ("garbage", "diff")


def run_command(run_cli: Runner, name: str, *args: str) -> Result:
    """Run one command; a finding's exit code 1 reads as 0 here, where only robustness is checked."""
    code, out, err = run_cli(name, *args)
    return (0 if name in FINDINGS and code == 1 else code), out, err


def run_all(run_cli: Runner, module: Path, tmp: Path) -> Iterator[tuple[str, Result]]:
    for name, argv in COMMANDS.items():
        yield name, run_command(run_cli, name, *argv(module, tmp))


# --- the corpus ---------------------------------------------------------------------------------

def _spec_sample() -> list[Path]:
    modules = spec_modules()
    return sorted(random.Random(20261121).sample(modules, min(200, len(modules))))


def _twiggy_fixtures() -> list[Path]:
    root = CORPUS / "twiggy" / "fixtures"
    return sorted(root.glob("*.wasm")) if root.is_dir() else []


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(CORPUS)) for p in paths]


@pytest.fixture
def shared_graphs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build each module's size graph once per test: the eight profile commands then cost one
    graph build, not eight (graphs are immutable; the analyses are pure functions of them)."""
    import wasmforge.analysis as analysis

    real_build = analysis.build
    cache: dict[tuple[str, bool], Any] = {}

    def build(module: Any, *, twiggy_compatible: bool = False) -> Any:
        if not isinstance(module, (str, os.PathLike)):
            return real_build(module, twiggy_compatible=twiggy_compatible)
        key = (os.fspath(module), twiggy_compatible)
        if key not in cache:
            cache[key] = real_build(module, twiggy_compatible=twiggy_compatible)
        return cache[key]

    monkeypatch.setattr(analysis, "build", build)


def _sweep(run_cli: Runner, module: Path, tmp: Path) -> dict[str, Result]:
    results: dict[str, Result] = {}
    for name, argv in COMMANDS.items():
        args = argv(module, tmp)
        if name == "paths" and module.stat().st_size > 64 * 1024:
            # paths without ITEMs explains every item (twiggy's default), which is quadratic in
            # output on a large module; ask for the largest item instead.
            top = json.loads(run_cli("top", module, "-n", "1", "--json")[1])
            args = [str(module), top["items"][0]["name"], "-d", "3", "-r", "3"]
        if name == "section":
            sections = json.loads(results["headers"][1])["sections"] if results["headers"][0] == 0 else []
            if not sections:
                continue
            args = [str(module), sections[-1]["name"]]
        results[name] = run_command(run_cli, name, *args)
    return results


@pytest.mark.parametrize("module", _spec_sample(), ids=_ids(_spec_sample()))
def test_spec_modules(run_cli: Runner, shared_graphs: None, module: Path, tmp_path: Path) -> None:
    results = _sweep(run_cli, module, tmp_path)
    for name, result in results.items():
        assert_clean(result, module, tmp_path, context=name)
    # what the reader accepts, the size profiler must handle (strip may still fail validation)
    if results["details"][0] == 0:
        assert {n: results[n][0] for n in PROFILE} == dict.fromkeys(PROFILE, 0), module


@pytest.mark.parametrize("module", real_modules() + rust_modules() + _twiggy_fixtures(),
                         ids=_ids(real_modules() + rust_modules() + _twiggy_fixtures()))
def test_real_modules_pass_every_command(run_cli: Runner, shared_graphs: None, module: Path,
                                         tmp_path: Path) -> None:
    for name, result in _sweep(run_cli, module, tmp_path).items():
        assert_clean(result, codes=(0,), context=(name, result[2]))


# --- damaged modules ----------------------------------------------------------------------------

def _damaged(data: bytes, rng: random.Random) -> Iterator[tuple[str, bytes]]:
    """Truncations at fixed fractions, single- and multi-byte flips past the header, insertions."""
    for frac in (0.1, 0.3, 0.5, 0.7, 0.9, 0.99):
        yield f"truncated-{frac}", data[: int(len(data) * frac)]
    for k in range(6):
        flipped = bytearray(data)
        for _ in range(1 + k % 3):
            flipped[rng.randrange(8, len(data))] ^= 1 << rng.randrange(8)
        yield f"flipped-{k}", bytes(flipped)
    for k in range(2):
        at = rng.randrange(8, len(data))
        yield f"inserted-{k}", data[:at] + bytes([rng.randrange(256)]) + data[at:]


def _damage_bases() -> list[Path]:
    wanted = [CORPUS / "twiggy" / "fixtures" / "wee_alloc.wasm", CORPUS / "twiggy" / "fixtures" / "paths_test.wasm",
              CORPUS / "real" / "hello-wasm-pack--hello_wasm_pack_bg.wasm", CORPUS / "rust" / "add.1.96.stripped.wasm",
              CORPUS / "spec" / "exports" / "exports.0.wasm"]
    return [p for p in wanted if p.is_file()]


@pytest.mark.parametrize("base", _damage_bases(), ids=_ids(_damage_bases()))
def test_damaged_modules_give_one_error_line(run_cli: Runner, base: Path, tmp_path: Path) -> None:
    rng = random.Random(base.name)
    for label, data in _damaged(base.read_bytes(), rng):
        module = tmp_path / f"{label}.wasm"
        module.write_bytes(data)
        for name, result in run_all(run_cli, module, tmp_path):
            # a damaged module may still read (exit 0); when it does not, the error names it
            # (or, for edits, the output whose validation failed)
            assert_clean(result, module, tmp_path, context=(label, name))


def test_truncation_names_the_offset(run_cli: Runner, tmp_path: Path) -> None:
    base = CORPUS / "twiggy" / "fixtures" / "wee_alloc.wasm"
    if not base.is_file():
        pytest.skip("shared corpus not present")
    module = tmp_path / "cut.wasm"
    module.write_bytes(base.read_bytes()[:-7])
    for name in COMMANDS:
        if name == "section":
            continue
        result = run_cli(name, *COMMANDS[name](module, tmp_path))
        assert_clean(result, module, codes=(2,))
        assert "offset 0x" in result[2], (name, result[2])


# --- files that are not modules -----------------------------------------------------------------

NOT_MODULES: dict[str, bytes | None] = {
    "empty.wasm": b"",
    "short.wasm": b"\0as",
    "elf.wasm": b"\x7fELF\x02\x01\x01\x00" + bytes(56),
    "text.wasm": b"(module (func))\n",
    "component.wasm": b"\0asm\x0d\0\x01\0",
    "version2.wasm": b"\0asm\x02\0\0\0",
    "directory.wasm": None,  # a directory
}


@pytest.mark.parametrize("kind", sorted(NOT_MODULES))
def test_not_a_module(run_cli: Runner, tmp_path: Path, kind: str) -> None:
    path = tmp_path / kind
    content = NOT_MODULES[kind]
    if content is None:
        path.mkdir()
    else:
        path.write_bytes(content)
    out = tmp_path / "out"
    out.mkdir()
    for name, result in run_all(run_cli, path, out):
        assert_clean(result, path, codes=(2,), context=name)
    if kind == "component.wasm":
        assert "component" in run_cli("headers", path)[2]
    if kind in ("elf.wasm", "text.wasm", "empty.wasm"):  # not a broken module: no advice to validate one
        assert "hint: check the file" in run_cli("top", path)[2]


def test_missing_file(run_cli: Runner, tmp_path: Path) -> None:
    missing = tmp_path / "missing.wasm"
    (tmp_path / "stripped.wasm").write_bytes(b"")  # an existing -o target must not matter
    for name, result in run_all(run_cli, missing, tmp_path):
        assert_clean(result, missing, codes=(2,), context=name)
        assert "no such file" in result[2], name


def test_header_only_module_passes_every_command(run_cli: Runner, tmp_path: Path) -> None:
    module = tmp_path / "empty-module.wasm"
    module.write_bytes(b"\0asm\x01\0\0\0")
    for name, result in run_all(run_cli, module, tmp_path):
        if name == "section":  # there is no section to show
            assert_clean(result, module, codes=(2,))
        else:
            assert_clean(result, codes=(0,), context=name)


def test_dangling_export_index_is_an_error_not_a_crash(run_cli: Runner, tmp_path: Path) -> None:
    # type () -> (); one function; export "f" of func 7, which does not exist
    module = tmp_path / "dangling.wasm"
    module.write_bytes(b"\0asm\x01\0\0\0" + b"\x01\x04\x01\x60\x00\x00" + b"\x03\x02\x01\x00"
                       + b"\x07\x05\x01\x01f\x00\x07" + b"\x0a\x04\x01\x02\x00\x0b")
    result = run_cli("symbols", module)
    assert_clean(result, module, codes=(2,))
    assert "export 'f'" in result[2] and "offset 0x" in result[2]


# --- wrong arguments ----------------------------------------------------------------------------

@pytest.fixture
def wee_alloc() -> Path:
    path = CORPUS / "twiggy" / "fixtures" / "wee_alloc.wasm"
    if not path.is_file():
        pytest.skip("shared corpus not present")
    return path


@pytest.mark.parametrize("argv, named", [
    (["paths", "{m}", "no::such::item"], "no::such::item"),
    (["dominators", "{m}", "no::such::item"], "no::such::item"),
    (["paths", "{m}", "--regex", "("], "("),
    (["dominators", "{m}", "--regex", "[a-"], "[a-"),
    (["monos", "{m}", "--regex", "*x"], "*x"),
    (["diff", "{m}", "{m}", "--regex", "(?P<"], "(?P<"),
    (["paths", "{m}", "--regex", "a{{4294967296}}"], "a{4294967296}"),
    (["monos", "{m}", "--regex", "x{{99999999999}}"], "x{99999999999}"),
    (["dominators", "{m}", "--regex", "(" * 2000 + ")" * 2000], "invalid regular expression"),
    (["top", "{m}", "-n", "-5"], "-n"),
    (["top", "-n", "-5", "{m}"], "-n"),
    (["dominators", "{m}", "-d", "-1"], "-d"),
    (["dominators", "{m}", "-r", "-1"], "-r"),
    (["paths", "{m}", "-r", "-2"], "-r"),
    (["monos", "{m}", "-g", "-1"], "-g"),
    (["garbage", "{m}", "-n", "-1"], "-n"),
    (["diff", "{m}", "{m}", "-n", "-1"], "-n"),
    (["report", "{m}", "-n", "-1", "-o", "{tmp}/r.html"], "-n"),
    (["details", "{m}", "--data-bytes", "-1"], "--data-bytes"),
    (["top", "{m}", "-n", "many"], "-n"),
    (["top", "{m}", "--format", "xml"], "--format"),
    (["top", "{m}", "--no-such-option"], "--no-such-option"),
    (["report", "{m}"], "output"),
    (["strip", "{m}"], "output"),
    (["strip", "{m}", "-o", "{tmp}/s.wasm", "--in-place"], "--in-place"),
    (["add-section", "{m}", "", "--from", "{m}", "-o", "{tmp}/a.wasm"], "name"),
    (["add-section", "{m}", "x", "--from", "{tmp}/missing.bin", "-o", "{tmp}/a.wasm"], "missing.bin"),
    (["section", "{m}", "no-such-section"], "no-such-section"),
    (["top"], "FILE"),
    (["diff", "{m}"], "NEW"),
])
def test_wrong_arguments(run_cli: Runner, wee_alloc: Path, tmp_path: Path, argv: list[str], named: str) -> None:
    args = [a.format(m=wee_alloc, tmp=tmp_path) for a in argv]
    assert_clean(run_cli(*args), named, codes=(2,))


@pytest.mark.parametrize("command", ["top", "crates", "report", "section", "strip", "add-section"])
@pytest.mark.parametrize("target", ["missing-dir/out", "a-directory", "a-file/out", "input"])
def test_unwritable_output(run_cli: Runner, wee_alloc: Path, tmp_path: Path, command: str, target: str) -> None:
    module = tmp_path / "in.wasm"
    module.write_bytes(wee_alloc.read_bytes())
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "a-file").write_bytes(b"")
    out = module if target == "input" else tmp_path / target
    argv = {
        "section": [module, "type"],
        "add-section": [module, "note", "--from", _note(tmp_path)],
    }.get(command, [module])
    result = run_cli(command, *argv, "-o", out)
    assert_clean(result, out, codes=(2,))
    assert module.read_bytes() == wee_alloc.read_bytes()  # the input is never changed
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]  # no temporary file left behind


def test_unwritable_output_paths(run_cli: Runner, wee_alloc: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    plain = tmp_path / "plain-file"
    plain.write_text("")
    # a read-only folder (root writes there anyway, so only when it holds) and a path below a
    # regular file, which no one can create
    targets = [plain / "out"] + ([folder / "out"] if not os.access(folder, os.W_OK) else [])
    try:
        for out in targets:
            for command, extra in (("top", []), ("strip", []), ("section", ["type"])):
                assert_clean(run_cli(command, wee_alloc, *extra, "-o", out), out, codes=(2,))
    finally:
        folder.chmod(0o700)


def test_undecodable_bytes_on_the_command_line(run_cli: Runner, wee_alloc: Path, tmp_path: Path) -> None:
    # argv bytes that are not UTF-8 reach Python as lone surrogates (os.fsdecode)
    odd = os.fsdecode(b"x\xff")
    module = tmp_path / f"{odd}.wasm"
    module.write_bytes(wee_alloc.read_bytes())
    result = run_cli("add-section", module, odd, "--from", module, "-o", tmp_path / "out.wasm")
    assert_clean(result, "UTF-8", codes=(2,))
    for command in ("headers", "symbols", "top", "crates"):
        assert_clean(run_cli(command, module), codes=(0,), context=command)
    assert_clean(run_cli("report", module, "-o", tmp_path / "report.html"), codes=(0,))
    assert_clean(run_cli("paths", module, odd), "no item named", codes=(2,))


def test_names_like_markup_are_printed_as_they_are(run_cli: Runner, tmp_path: Path) -> None:
    # coloured tables go through rich; an item name is data, never markup
    import wasmtime

    names = ["[/x]", "[bold red]boom", "core::slice::<impl [T]>::len"]
    funcs = " ".join(f'(func (export "{n}"))' for n in names)
    module = tmp_path / "markup.wasm"
    module.write_bytes(wasmtime.wat2wasm(f"(module {funcs})"))
    for command in ("top", "dominators", "paths", "garbage", "crates", "symbols"):
        for color in ("never", "always"):
            code, out, err = run_cli("--color", color, command, module)
            assert_clean((code, out, err), codes=(0,), context=(command, color))
            if command in ("top", "dominators", "symbols"):
                assert all(n in out for n in names), (command, color, out)


def test_control_characters_in_names_are_escaped(run_cli: Runner, tmp_path: Path) -> None:
    # a name is data from the module: no terminal escape reaches stdout, and no row breaks in two
    import wasmtime

    module = tmp_path / "ctrl.wasm"
    module.write_bytes(wasmtime.wat2wasm('(module (func (export "a\\1b[2Jb\\0ac\\07")))'))
    for command in ("symbols", "details", "top", "dominators", "paths"):
        for color in ("never", "always"):
            code, out, err = run_cli("--color", color, command, module)
            assert_clean((code, out, err), codes=(0,), context=(command, color))
            assert "\\x1b[2Jb\\x0ac\\x07" in out, (command, color, out)
            if color == "never":
                assert not any(ch in out for ch in "\x1b\x07"), (command, out)


# --- as a process -------------------------------------------------------------------------------

def _wasmforge(*args: object) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "wasmforge", *map(str, args)], capture_output=True, text=True,
                          env=env, cwd=REPO, timeout=120)


def test_process_exit_codes_and_stderr(tmp_path: Path) -> None:
    broken = tmp_path / "broken.wasm"
    broken.write_bytes(b"\0asm\x01\0\0\0\x01\x7f")
    for args in (["headers", broken], ["top", broken], ["headers", tmp_path], ["strip", broken, "-o", tmp_path / "o"]):
        proc = _wasmforge(*args)
        assert_clean((proc.returncode, proc.stdout, proc.stderr), args[1], codes=(2,))
        assert proc.stdout == ""


def test_output_encoding_without_the_characters(tmp_path: Path) -> None:
    # PYTHONIOENCODING=ascii: table rules and a non-ASCII export name come out escaped, not as a crash
    import wasmtime

    module = tmp_path / "names.wasm"
    module.write_bytes(wasmtime.wat2wasm('(module (func (export "grüße") (result i32) (i32.const 1)))'))
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), PYTHONIOENCODING="ascii")
    for args in (["top", module], ["symbols", module], ["details", module]):
        proc = subprocess.run([sys.executable, "-m", "wasmforge", *map(str, args)], capture_output=True, text=True,
                              env=env, cwd=REPO, timeout=120, encoding="ascii", errors="strict")
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, (args, proc.stderr)
        assert proc.stdout.strip()


def test_closed_pipe_is_not_an_error(tmp_path: Path) -> None:
    # `wasmforge details m.wasm | head -1`: the reader goes away long before the output ends
    import wasmtime

    module = tmp_path / "data.wasm"
    module.write_bytes(wasmtime.wat2wasm('(module (memory 4) (data (i32.const 0) "' + "a" * 200_000 + '"))'))
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    for command in ("details", "section"):
        argv = [sys.executable, "-m", "wasmforge", command, str(module)] + (["data"] if command == "section" else [])
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=REPO)
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
        assert "Traceback" not in err and proc.returncode == 0, (command, err)
