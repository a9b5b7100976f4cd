"""The inspection commands, driven as a user would: output, JSON, errors and exit codes."""

import json
import re
import shutil
import subprocess

import pytest
import wasmtime

from tests.conftest import CORPUS, real_modules, spec_modules
from wasmforge.binary import read_module

ADD_WAT = """(module
  (import "Math" "random" (func $random (result f64)))
  (memory (export "memory") 1)
  (global $g (export "counter") (mut i32) (i32.const 7))
  (func $add (export "add") (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1)))
  (func (export "add_random") (param f64) (result f64) (f64.add (local.get 0) (call $random)))
  (data (i32.const 16) "hello"))"""


@pytest.fixture
def add_wasm(tmp_path):
    path = tmp_path / "add.wasm"
    path.write_bytes(wasmtime.wat2wasm(ADD_WAT))
    return path


def test_headers_lists_sections_with_offsets(run_cli, add_wasm):
    code, out, err = run_cli("headers", add_wasm)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == f"{add_wasm}: {add_wasm.stat().st_size} bytes, {len(read_module(add_wasm).sections)} sections"
    assert lines[1] == "kind: library, no WASI"
    assert re.match(r"\s+Type start=0x0000000a end=0x[0-9a-f]{8} \(size=0x[0-9a-f]{8}\) count: 3$", lines[3])
    assert any(line.strip().startswith("Data ") and line.endswith("count: 1") for line in lines)


def test_headers_json(run_cli, add_wasm):
    code, out, _ = run_cli("headers", add_wasm, "--json")
    data = json.loads(out)
    assert code == 0 and data["file"] == str(add_wasm) and data["size"] == add_wasm.stat().st_size
    first = data["sections"][0]
    assert first == {"id": 1, "name": "type", "start": 10, "end": first["end"], "size": first["end"] - 10, "count": 3,
                     "content_start": 10}
    assert [s["name"] for s in data["sections"]] == [s.name for s in read_module(add_wasm).sections]


def test_details_shows_imports_exports_and_data(run_cli, add_wasm):
    code, out, _ = run_cli("details", add_wasm)
    assert code == 0
    assert " - func[0] sig=0 <random> <- Math.random" in out
    assert ' - func[1] <add> -> "add"' in out
    assert " - global[0] i32 mutable=1 <g> - init i32=7" in out
    assert "  - 0000010: 6865 6c6c 6f" in out


def test_details_json_is_complete(run_cli, add_wasm):
    code, out, _ = run_cli("details", add_wasm, "--json")
    data = json.loads(out)
    assert data["imports"] == [{"kind": "func", "index": 0, "module": "Math", "name": "random", "type": "sig=0"}]
    assert [e["name"] for e in data["exports"]] == ["memory", "counter", "add", "add_random"]
    assert data["data"] == [{"mode": "active", "memory": 0, "size": 5, "offset": "i32=16"}]


def test_details_and_symbols_show_a_custom_page_size(run_cli, tmp_path):
    path = tmp_path / "pages.wasm"
    path.write_bytes(wasmtime.wat2wasm('(module (memory (export "m") 2 (pagesize 1)))'))
    code, out, _ = run_cli("details", path)
    assert code == 0 and " - memory[0] pages: initial=2 pagesize=1" in out.splitlines()
    code, out, _ = run_cli("symbols", path)
    assert code == 0 and "pagesize=1" in out


def test_symbols_with_signatures(run_cli, add_wasm):
    code, out, _ = run_cli("symbols", add_wasm)
    assert code == 0
    assert out.splitlines() == [
        "kind: library, no WASI",
        "U func   Math.random  () -> f64",
        "M memory memory  pages: initial=1",
        "D global counter  i32 mutable=1",
        "T func   add  (f64, f64) -> f64",
        "T func   add_random  (f64) -> f64",
    ]
    _, only_imports, _ = run_cli("symbols", add_wasm, "--imports", "--json")
    assert [s["name"] for s in json.loads(only_imports)["symbols"]] == ["Math.random"]


def test_section_hexdump_and_raw_output(run_cli, add_wasm, tmp_path):
    out_file = tmp_path / "names.bin"
    code, _, err = run_cli("section", add_wasm, "name", "-o", out_file)
    module = read_module(add_wasm)
    assert code == 0 and "wrote" in err
    assert out_file.read_bytes() == bytes(module.customs[0].data)
    code, out, _ = run_cli("section", add_wasm, "name")
    assert code == 0 and out.splitlines()[1].startswith(f"{module.customs[0].section.start:07x}: 046e 616d 65")


def test_strip_writes_a_valid_smaller_module(run_cli, add_wasm, tmp_path):
    out_file = tmp_path / "small.wasm"
    before = add_wasm.read_bytes()
    code, out, _ = run_cli("strip", add_wasm, "-o", out_file)
    assert code == 0 and "removed: name" in out
    assert add_wasm.read_bytes() == before  # the input is untouched
    stripped = read_module(out_file)
    assert not stripped.customs and len(stripped.sections) == len(read_module(add_wasm).sections) - 1
    wasmtime.Module(wasmtime.Engine(), out_file.read_bytes())


def test_strip_refuses_to_overwrite_input_without_in_place(run_cli, add_wasm):
    code, _, err = run_cli("strip", add_wasm, "-o", add_wasm)
    assert code == 2 and "is the input file" in err and "--in-place" in err


def test_strip_in_place(run_cli, add_wasm):
    code, _, _ = run_cli("strip", add_wasm, "--in-place", "--keep-names")
    assert code == 0 and [c.name for c in read_module(add_wasm).customs] == ["name"]


def test_add_section(run_cli, add_wasm, tmp_path):
    payload = tmp_path / "license.txt"
    payload.write_bytes(b"MIT")
    out_file = tmp_path / "tagged.wasm"
    code, _, _ = run_cli("add-section", add_wasm, "license", "--from", payload, "-o", out_file)
    module = read_module(out_file)
    assert code == 0 and bytes(module.custom_sections("license")[0].payload)[-3:] == b"MIT"
    assert module.customs[-1].name == "license" and bytes(module.customs[-1].data) == b"MIT"


@pytest.mark.parametrize("command", ["headers", "details", "symbols", "section"])
def test_truncated_module_is_one_error_line(run_cli, add_wasm, tmp_path, command):
    cut = tmp_path / "cut.wasm"
    cut.write_bytes(add_wasm.read_bytes()[:40])
    args = [command, cut] + (["name"] if command == "section" else [])
    code, out, err = run_cli(*args)
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and err.startswith(f"error: {cut}: ") and "offset 0x" in err


def test_missing_file(run_cli, tmp_path):
    code, _, err = run_cli("headers", tmp_path / "nope.wasm")
    assert code == 2 and "no such file" in err


def test_usage_error_exit_code(run_cli):
    code, _, err = run_cli("headers")
    assert code == 2 and err.startswith("error: ")


def test_console_script_and_module_entry_point(add_wasm):
    for argv in (["wasmforge"], ["python", "-m", "wasmforge"]):
        exe = shutil.which(argv[0]) if argv[0] == "wasmforge" else None
        if argv[0] == "wasmforge" and exe is None:
            continue
        import sys

        cmd = ([sys.executable, "-m", "wasmforge"] if argv[0] == "python" else [exe]) + ["headers", str(add_wasm)]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        assert result.returncode == 0 and "Type start=0x0000000a" in result.stdout


# --- differential: headers against wasm-objdump -h ---------------------------------------------

OBJDUMP = shutil.which("wasm-objdump")
_LINE = re.compile(r"^\s*(\w+) start=0x([0-9a-f]+) end=0x([0-9a-f]+) \(size=0x([0-9a-f]+)\)(?: count: (\d+)| start: (\d+)| \"(.*)\")?")


def _objdump_sections(path):
    result = subprocess.run([OBJDUMP, "-h", str(path)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        return None
    rows = []
    for line in result.stdout.splitlines():
        m = _LINE.match(line)
        if m:
            label, start, end, _, count, _, name = m.groups()
            rows.append((label, int(start, 16), int(end, 16), int(count) if count else None, name))
    return rows


def _ours(path):
    from wasmforge.report.inspect import OBJDUMP_NAMES

    module = read_module(path)
    return [
        (OBJDUMP_NAMES[s.id], s.start, s.end, s.count if not s.is_custom and s.name != "start" else None,
         s.name if s.is_custom else None)
        for s in module.sections
    ]


@pytest.mark.skipif(OBJDUMP is None, reason="wabt's wasm-objdump is not installed")
def test_headers_agree_with_objdump_on_the_corpus():
    paths = spec_modules()[::3] + real_modules() + sorted((CORPUS / "rust").glob("*.wasm"))
    if not paths:
        pytest.skip("shared corpus absent")
    compared = 0
    for path in paths:
        expected = _objdump_sections(path)
        if expected is None:  # wabt 1.0.32 predates some proposals in the corpus
            continue
        assert _ours(path) == expected, path
        compared += 1
    assert compared > len(paths) * 0.9


def test_add_section_says_replaced_when_it_replaces(run_cli, add_wasm, tmp_path):
    payload = tmp_path / "v.txt"
    payload.write_bytes(b"2")
    run_cli("add-section", add_wasm, "version", "--from", payload, "--in-place")
    code, out, _ = run_cli("add-section", add_wasm, "version", "--from", payload, "--in-place", "--replace")
    assert code == 0 and ": replaced custom section 'version'" in out
    assert [c.name for c in read_module(add_wasm).customs].count("version") == 1


def test_error_quoting_module_names_stays_two_escaped_lines(run_cli, tmp_path):
    # a custom section named with a newline and an escape sequence, listed in the hint (found by fuzz/)
    name = b"a\nb\x1b[31m"
    path = tmp_path / "names.wasm"
    path.write_bytes(b"\0asm\1\0\0\0" + bytes([0, 1 + len(name), len(name)]) + name)
    code, _, err = run_cli("section", path, "code")
    assert code == 2 and len(err.splitlines()) == 2 and "\x1b" not in err and "a\\x0ab\\x1b[31m" in err
