"""The Python package of a wasm-bindgen module: glue, stub and the module to ship.

Only checked identifiers become Python source; export names, type specs and doc comments
enter the glue through ``repr()``. Every export and import is checked against the
module's own wasm types before glue is written, so a mismatch is refused, never called.
"""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import Any

from wasmforge.bindgen.python import HEADER, RUNTIME_PACKAGE, GenerateError, runtime_files
from wasmforge.bindgen.wasm_bindgen import describe as _describe
from wasmforge.bindgen.wasm_bindgen import section as _section
from wasmforge.bindgen.wasm_bindgen import types as _types
from wasmforge.bindgen.wasm_bindgen.runtime import returns_through_memory, wasm_types

__all__ = ["Binding", "BoundFunction", "BoundImport", "bind", "render", "shipped_module"]

_PY = {
    "i8": "int", "u8": "int", "i16": "int", "u16": "int", "i32": "int", "u32": "int", "i64": "int", "u64": "int",
    "f32": "float", "f64": "float", "bool": "bool", "char": "str", "string": "str", "unit": "None",
}


@dataclass(frozen=True, slots=True)
class BoundFunction:
    """An exported function the glue calls."""

    name: str
    export: str
    params: tuple[str, ...]
    types: _types.FunctionType
    doc: str


@dataclass(frozen=True, slots=True)
class BoundImport:
    """An import the glue provides: its wasm name, JavaScript name and types."""

    shim: str
    js_name: str
    types: _types.FunctionType


@dataclass(frozen=True, slots=True)
class Binding:
    """Everything read from a wasm-bindgen module."""

    program: _section.Program
    functions: tuple[BoundFunction, ...]
    imports: tuple[BoundImport, ...]
    #: the describe exports (removed from the shipped module).
    describe_exports: tuple[str, ...]


def _identifier(name: str, what: str) -> str:
    if len(name) > 255 or not name.isidentifier() or not name.isascii():
        raise GenerateError(f"{what} {ascii(name[:60])} is not an ASCII identifier")
    if name.startswith("_"):
        raise GenerateError(f"{what} {name!r} starts with '_', which the generated glue reserves")
    return name + "_" if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in ("load", "JsError") else name


def _symbol(base: str, program: _section.Program, exports: set[str], what: str) -> str:
    hashes = {c.rsplit("-", 1)[-1] for c in program.crates}
    found = [n for n in exports if any(n == f"{base}_{h}" or n.startswith(f"{base}_{h}_") for h in hashes)]
    if len(found) != 1:
        raise GenerateError(f"{what}: {'no' if not found else 'more than one'} export of the module matches {base}_<crate hash>")
    return found[0]


def _check_abi(what: str, fn: _types.FunctionType, actual: Any, *, imported: bool) -> None:
    params = [t for p in fn.params for t in wasm_types(p)]
    results = wasm_types(fn.result)
    if not imported and returns_through_memory(fn.result):
        params, results = ["i32", *params], []
    got_params = [str(p) for p in actual.params]
    got_results = [str(r) for r in actual.results]
    if params != got_params or results != got_results:
        raise GenerateError(
            f"{what}: its wasm type ({', '.join(got_params)}) -> ({', '.join(got_results)}) is not what its descriptor "
            f"implies ({', '.join(params)}) -> ({', '.join(results)}); refusing to bind it with the wrong ABI"
        )


def bind(wasm: bytes, *, what: str = "the module", limits: _describe.DescribeLimits | None = None) -> Binding:
    """Read a wasm-bindgen module's section and type streams; refuse what the glue cannot pass."""
    import wasmtime

    from wasmforge.binary.module import read_module

    module = read_module(wasm)
    sections = [s for s in module.sections if s.is_custom and s.name == _describe.SECTION_NAME]
    if not sections:
        raise GenerateError(f"{what}: no {_describe.SECTION_NAME} section; is it a #[wasm_bindgen] crate?")
    data = b"".join(bytes(wasm[s.content_start : s.end]) for s in sections)
    program = _section.decode(data, base=sections[0].content_start, what=what)
    compiled = wasmtime.Module(wasmtime.Engine(), wasm)
    export_types = {e.name: e.type for e in compiled.exports}
    describes = tuple(_describe.describe_exports(list(export_types)))
    streams = _describe.run_describes(wasm, list(describes), limits=limits, what=what)
    names = set(export_types)

    for struct in program.structs:
        raise GenerateError(f"{what}: exported struct {struct.name}: structs are not supported yet (classes, fields)")
    for enum in program.enums:
        raise GenerateError(f"{what}: enum {enum.name}: C-style enums are not supported yet")
    functions = []
    for export in program.exports:
        item = f"{what}: {'method ' + export.class_name + '::' if export.class_name else 'function '}{export.name}"
        if export.class_name is not None:
            raise GenerateError(f"{item}: methods of exported structs are not supported yet")
        if export.is_async or export.variadic or export.start:
            raise GenerateError(f"{item}: async, variadic and start functions are not supported")
        symbol = _symbol(export.name, program, names, item)
        fn = _types.parse_function(streams.get(symbol, ()), item) if symbol in streams else None
        if fn is None:
            raise GenerateError(f"{item}: the module has no describe function for it")
        missing = _types.unsupported(fn)
        if missing:
            raise GenerateError(f"{item}: its {missing} is not supported")
        _check_abi(item, fn, export_types[symbol], imported=False)
        params = tuple(_identifier(a.name, f"{item}: parameter") for a in export.args)
        if len(params) != len(fn.params) or len(set(params)) != len(params):
            raise GenerateError(f"{item}: {len(params)} parameter names for {len(fn.params)} parameters")
        doc = "\n".join(c.removeprefix(" ") for c in export.comments)
        functions.append(BoundFunction(_identifier(export.name, "function"), symbol, params, fn, doc))
    seen: set[str] = set()
    for f in functions:
        if f.name in seen:
            raise GenerateError(f"{what}: two exported functions are named {f.name}")
        seen.add(f.name)

    by_shim = {i.shim: i for i in program.imports}
    imports = []
    for imp in compiled.imports:
        if imp.module == "__wbindgen_externref_xform__" or imp.name in ("__wbindgen_describe", "__wbindgen_describe_generic_import"):
            continue
        if imp.module != _describe.PLACEHOLDER_MODULE:
            raise GenerateError(f"{what}: import {imp.module}.{imp.name} is not a wasm-bindgen import; modules with other imports are not supported")
        decl = by_shim.get(imp.name or "")
        if decl is None:
            raise GenerateError(f"{what}: import {imp.name} is not declared in the {_describe.SECTION_NAME} section")
        item = f"{what}: imported function {'.'.join((*decl.js_namespace, decl.name))}"
        if decl.method_class or decl.catch or decl.variadic or decl.module:
            raise GenerateError(f"{item}: methods, catch, variadic and module imports are not supported")
        stream = streams.get(imp.name or "")
        if stream is None:
            raise GenerateError(f"{item}: the module has no describe function for it")
        fn = _types.parse_function(stream, item)
        missing = _types.unsupported(fn, imported=True)
        if missing:
            raise GenerateError(f"{item}: its {missing} is not supported")
        _check_abi(item, fn, imp.type, imported=True)
        imports.append(BoundImport(imp.name or "", ".".join((*decl.js_namespace, decl.name)), fn))
    return Binding(program, tuple(functions), tuple(imports), describes)


def shipped_module(wasm: bytes, binding: Binding) -> bytes:
    """``wasm`` without the describe exports and the wasm-bindgen section, as wasm-bindgen's CLI ships it."""
    from wasmforge.binary.module import read_module
    from wasmforge.build.exports import without_exports
    from wasmforge.transform import strip

    module = without_exports(read_module(wasm), tuple(binding.describe_exports))
    keep = {s.name for s in module.sections if s.is_custom and s.name != _describe.SECTION_NAME}
    return bytes(strip(module, keep=frozenset(keep)).module.buffer)


def _annotation(ty: _types.Type) -> str:
    kind = ty[0]
    if kind == "ref":
        return _annotation(ty[1])
    if kind == "slice" or kind == "vector":
        return f"list[{_PY[ty[1][0]]}]"
    if kind == "result":
        return _annotation(ty[1])
    return _PY[kind]


def render(binding: Binding, package: str, *, crate: str | None = None) -> dict[str, str]:
    """The package's text files: ``__init__.py``, ``__init__.pyi``, ``py.typed`` and the runtime copy."""
    crate = crate or package
    table = {i.shim: (i.js_name, i.types.params, i.types.result) for i in binding.imports}
    glue = [
        HEADER,
        f'"""Python bindings of the wasm-bindgen crate {crate} (schema {binding.program.schema})."""',
        "",
        "from __future__ import annotations",
        "",
        "import threading as _threading",
        "from pathlib import Path as _Path",
        "",
        f"from .{RUNTIME_PACKAGE}.bindgen.wasm_bindgen.runtime import BindgenInstance as _Instance",
        f"from .{RUNTIME_PACKAGE}.bindgen.wasm_bindgen.runtime import JsError, NeedsImports",
        "",
        f"__all__ = {sorted(['load', 'JsError', 'NeedsImports', *(f.name for f in binding.functions)])!r}",
        f"_WASM = _Path(__file__).with_name({package + '.wasm'!r})",
        f"_IMPORTS = {table!r}",
        "_default = None",
        "_default_lock = _threading.Lock()",
        "",
        "",
        "def load(imports=None):",
        '    """Instantiate the module; ``imports`` maps JavaScript names (``"console.log"``) to callables.',
        "",
        "    The package's functions call the instance loaded last (one with the default imports",
        '    when ``load()`` was never called)."""',
        "    global _default",
        "    instance = _Instance(_WASM, _IMPORTS, imports)",
        "    with _default_lock:",
        "        _default = instance",
        "    return instance",
        "",
        "",
        "def _instance():",
        "    instance = _default",
        "    return instance if instance is not None else load()",
    ]
    stub = [HEADER, "from collections.abc import Callable", "from typing import Any", "",
            "class JsError(Exception): ...", "class NeedsImports(TypeError): ...", "",
            "def load(imports: dict[str, Callable[..., Any]] | None = None) -> Any: ..."]
    for f in binding.functions:
        args = ", ".join(f.params)
        glue += ["", "", f"def {f.name}({args}):"]
        spec = (f.export, f.types.params, f.types.result)
        glue.append(f"    return _instance().call({spec[0]!r}, {spec[1]!r}, {spec[2]!r}, ({args}{',' if f.params else ''}), {f.params!r})")
        if f.doc:
            glue.append(f"{f.name}.__doc__ = {f.doc!r}")
        typed = ", ".join(f"{p}: {_annotation(t)}" for p, t in zip(f.params, f.types.params, strict=True))
        stub.append(f"def {f.name}({typed}) -> {_annotation(f.types.result)}: ...")
    files = {
        "__init__.py": "\n".join(glue) + "\n",
        "__init__.pyi": "\n".join(stub) + "\n",
        "py.typed": "",
        **runtime_files(),
        f"{RUNTIME_PACKAGE}/bindgen/wasm_bindgen/__init__.py": "",
        f"{RUNTIME_PACKAGE}/bindgen/wasm_bindgen/runtime.py": _runtime_source(),
    }
    compile(files["__init__.py"], f"{package}/__init__.py", "exec")
    compile(files["__init__.pyi"], f"{package}/__init__.pyi", "exec")
    return files


def _runtime_source() -> str:
    from pathlib import Path

    return (Path(__file__).with_name("runtime.py")).read_text(encoding="utf-8")
