"""Forged descriptor records: names that would become code are refused, and nothing they carry runs.

Any crate of a build can add a ``#[link_section = "wasmforge.descriptors"]`` static, so the
generator treats the section as untrusted input.
"""

from __future__ import annotations

import ast
import struct
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from wasmforge.bindgen import descriptors, python, support_crate

I32, UNIT, STRING = 0x08, 0x00, 0x11
MARKER = "wasmforge-hostile-marker"


def _string(text: str | bytes) -> bytes:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return struct.pack("<H", len(data)) + data


def record(kind: int, body: bytes, version: int = 1) -> bytes:
    return b"wf" + bytes([version, kind]) + struct.pack("<I", len(body)) + body


def function(name: str | bytes, params: list[tuple[str | bytes, int]] = (), *, symbol: str = "evil", doc: str = "") -> bytes:  # type: ignore[assignment]
    body = _string(symbol) + _string(name) + _string(doc) + bytes([len(params)])
    for pname, tag in params:
        body += _string(pname) + bytes([tag])
    return record(1, body + bytes([I32]))


def klass(name: str, *, drop: str = "drop") -> bytes:
    return record(2, _string(name) + _string("") + _string(drop))


def method(cls: str, name: str, *, symbol: str = "m", receiver: int = 1) -> bytes:
    return record(3, _string(cls) + _string(symbol) + _string(name) + _string("") + bytes([receiver, 0, I32]))


def importing(name: str) -> bytes:
    return record(4, _string("python") + _string(name) + _string("") + bytes([0, UNIT]))


INJECTION = f"a=__import__('os').system('touch {MARKER}')"

HOSTILE = {
    "code in a parameter name": function("f", [(INJECTION, I32)]),
    "code in a function name": function(f"f(): pass\nimport os; os.system('touch {MARKER}')\ndef g"),
    "quote in a name": function("it's"),
    "NUL in a name": function("a\0b"),
    "right-to-left override": function("a\u202eb"),
    "10k-character name": function("a" * 10_000),
    "keyword-looking mangling clash": function("f", [("x", I32), ("x", I32)]),
    "duplicate functions": function("twice", symbol="one") + function("twice", symbol="two"),
    "NFKC duplicates": function("fi", symbol="one") + function("\ufb01", symbol="two"),
    "glue helper name": function("f", [("_wf_lock", I32)]),
    "glue local prefix": function("_wf_rt"),
    "special method": klass("Point") + method("Point", "__init__"),
    "package name load": function("load"),
    "package name Error": function("Error"),
    "class shadowing exception": klass("RustError"),
    "class named like the instance API": function("close"),
    "import named imports": importing("imports"),
    "function and class clash": function("Point") + klass("Point"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_record_is_refused_naming_the_item(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    desc = descriptors.parse(HOSTILE[case], origin="evil.wasm")
    with pytest.raises(python.GenerateError) as info:
        python.render(desc, "evil")
    message = info.value.message
    assert "\n" not in message and "\0" not in message and "\u202e" not in message
    assert len(message) < 400
    assert not (tmp_path / MARKER).exists()


def test_refusal_names_the_record_offset() -> None:
    first = function("ok", symbol="first")
    data = first + function("f", [("bad name", I32)], symbol="second")
    where = rf"\(record at offset {len(first):#x} of the descriptor section\)"
    with pytest.raises(python.GenerateError, match=rf"parameter of function f 'bad name' is not a valid identifier {where}"):
        python.render(descriptors.parse(data), "evil")


def test_docs_reach_the_glue_as_data() -> None:
    doc = ' x"""\nimport os; os.system("touch marker")\n"""\\ \0 \x1b[31m ends with a quote"'
    files = python.render(descriptors.parse(function("f", doc=doc)), "docs_pkg")
    tree = ast.parse(files["__init__.py"])
    (fn,) = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "_wf_fn_f"]
    text = ast.get_docstring(fn, clean=False)
    assert text is not None and text.startswith(doc.strip())
    calls = [n for n in ast.walk(fn) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "system"]
    assert calls == []


def test_unknown_class_in_a_type_is_refused() -> None:
    body = _string("evil") + _string("f") + _string("") + bytes([1]) + _string("x") + bytes([0x18, 5]) + b"Ghost" + bytes([I32])
    with pytest.raises(python.GenerateError, match="names class 'Ghost', which the module does not export"):
        python.render(descriptors.parse(record(1, body)), "evil")


# ---- end to end: a crate that smuggles a record into its build -------------------------


def _hostile_crate(root: Path, static: bytes) -> Path:
    crate = root / "smuggler"
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text(
        textwrap.dedent(
            f"""\
            [package]
            name = "smuggler"
            version = "0.1.0"
            edition = "2021"

            [lib]
            crate-type = ["cdylib"]

            [dependencies]
            wasmforge = {{ path = "{support_crate()}" }}

            [profile.release]
            lto = true
            panic = "abort"
            """
        )
    )
    array = ", ".join(str(b) for b in static)
    (crate / "src" / "lib.rs").write_text(
        textwrap.dedent(
            f"""\
            wasmforge::exports! {{
                pub fn fine(x: i32) -> i32 {{ x }}
            }}

            #[no_mangle]
            pub extern "C" fn evil(x: i32) -> i32 {{ x + 1 }}

            #[link_section = "wasmforge.descriptors"]
            #[used]
            static FORGED: [u8; {len(static)}] = [{array}];
            """
        )
    )
    return crate


def test_wasmforge_build_refuses_a_crate_smuggling_code_in_a_record(
    tmp_path: Path, toolchain: Any, cargo_target_dir: Path
) -> None:
    crate = _hostile_crate(tmp_path, function("evil", [(INJECTION, I32)], symbol="evil"))
    env = toolchain.env()
    env["CARGO_TARGET_DIR"] = str(cargo_target_dir)
    env["CARGO_NET_OFFLINE"] = "true"
    exe = Path(sys.executable).with_name("wasmforge")
    proc = subprocess.run(
        [str(exe), "build", str(crate), "-q", "--out-dir", str(tmp_path / "pkgs")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "is not a valid identifier" in errors[0], proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "pkgs" / "smuggler").exists()
    assert not (tmp_path / MARKER).exists() and not (crate / MARKER).exists()
