"""The Python package of a wasm-bindgen module: glue, stub and the module to ship.

Only checked identifiers become Python source; export names, type specs and doc comments
enter the glue through ``repr()``. Every export and import is checked against the
module's own wasm types before glue is written, so a mismatch is refused, never called.
"""

from __future__ import annotations

import keyword
import unicodedata
from dataclasses import dataclass
from typing import Any

from wasmforge.bindgen.python import HEADER, RUNTIME_PACKAGE, GenerateError, runtime_files
from wasmforge.bindgen.wasm_bindgen import describe as _describe
from wasmforge.bindgen.wasm_bindgen import section as _section
from wasmforge.bindgen.wasm_bindgen import types as _types
from wasmforge.bindgen.wasm_bindgen.runtime import abi, import_abi, result_abi, returns_through_memory

__all__ = ["Binding", "BoundClass", "BoundFunction", "BoundImport", "bind", "render", "shipped_module"]

_PY = {
    "i8": "int", "u8": "int", "i16": "int", "u16": "int", "i32": "int", "u32": "int", "i64": "int", "u64": "int",
    "f32": "float", "f64": "float", "bool": "bool", "char": "str", "string": "str", "cached_string": "str",
    "unit": "None", "externref": "Any",
}
#: names the glue itself defines at module level, and the methods every struct class has.
_MODULE_NAMES = frozenset({"load", "JsError", "NeedsImports", "Any", "annotations"})
_CLASS_NAMES = frozenset({"close", "closed"})


#: intrinsics the module imports under their own names (not declared in the section): their types.
RAW_INTRINSICS: dict[str, tuple[tuple[_types.Type, ...], _types.Type]] = {
    "__wbindgen_object_drop_ref": ((("u32",),), ("unit",)),
    "__wbindgen_object_clone_ref": ((("u32",),), ("u32",)),
}


@dataclass(frozen=True, slots=True)
class BoundFunction:
    """An exported function, method, getter or setter the glue calls."""

    name: str
    export: str
    params: tuple[str, ...]
    types: _types.FunctionType
    doc: str
    #: ``function``, ``constructor``, ``method``, ``static``, ``getter``, ``setter``.
    kind: str = "function"
    consumed: bool = False


@dataclass(frozen=True, slots=True)
class BoundClass:
    """An exported struct: its free export, members and public fields (as getter/setter pairs)."""

    name: str
    free: str
    doc: str
    members: tuple[BoundFunction, ...]


@dataclass(frozen=True, slots=True)
class BoundEnum:
    """A C-style enum (``IntEnum``)."""

    name: str
    variants: tuple[tuple[str, int], ...]
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
    classes: tuple[BoundClass, ...] = ()
    enums: tuple[BoundEnum, ...] = ()


def _identifier(name: str, what: str, reserved: frozenset[str] = _MODULE_NAMES) -> str:
    if len(name) > 255 or not name.isidentifier():
        raise GenerateError(f"{what} {ascii(name[:60])} is not a valid identifier")
    if name.startswith("_"):
        raise GenerateError(f"{what} {name!r} starts with '_', which the generated glue reserves")
    return name + "_" if keyword.iskeyword(name) or keyword.issoftkeyword(name) or name in reserved else name


def _unique(names: list[tuple[str, str]], scope: str) -> None:
    seen: dict[str, str] = {}
    for name, what in names:
        key = unicodedata.normalize("NFKC", name)  # Python compares identifiers after NFKC
        if key in seen:
            raise GenerateError(f"{what} {name!r} clashes with {seen[key]} in {scope}")
        seen[key] = f"{what} {name!r}"


def _suffix(name: str, what: str) -> str:
    if not name.isascii() or not all(c.isalnum() or c == "_" for c in name):
        raise GenerateError(f"{what}: names outside [A-Za-z0-9_] are not supported (wasm symbol of {name!r})")
    return name


def _symbol(base: str, program: _section.Program, exports: set[str], what: str) -> str:
    if not _section.LAYOUTS[program.schema].hashed_symbols:
        if base not in exports:
            raise GenerateError(f"{what}: the module has no export {base}")
        return base
    hashes = {c.rsplit("-", 1)[-1] for c in program.crates}
    found = [n for n in exports if any(n == f"{base}_{h}" or n.startswith(f"{base}_{h}_") for h in hashes)]
    if len(found) != 1:
        raise GenerateError(f"{what}: {'no' if not found else 'more than one'} export of the module matches {base}_<crate hash>")
    return found[0]


def _check_abi(what: str, params: list[str], results: list[str], actual: Any) -> None:
    got_params = [str(p) for p in actual.params]
    got_results = [str(r) for r in actual.results]
    if params != got_params or results != got_results:
        raise GenerateError(
            f"{what}: its wasm type ({', '.join(got_params)}) -> ({', '.join(got_results)}) is not what its descriptor "
            f"implies ({', '.join(params)}) -> ({', '.join(results)}); refusing to bind it with the wrong ABI"
        )


def _export_abi(fn: _types.FunctionType, *, receiver: bool) -> tuple[list[str], list[str]]:
    params = [t for p in fn.params for t in abi(p)]
    if receiver:
        params = ["i32", *params]
    if returns_through_memory(fn.result):
        return ["i32", *params], []
    return params, [p for p in result_abi(fn.result) if p]


def _resolve(ty: _types.Type, program: _section.Program, item: str) -> _types.Type:
    """``ty`` with each string enum's values filled in from the section, and the word of a C-style enum."""
    if ty[0] == "enum" and not _section.LAYOUTS[program.schema].enum_as_f64:
        return (*ty, "i32")
    if ty[0] == "string_enum":
        for e in program.string_enums:
            if e.name == ty[1]:
                return ("string_enum", ty[1], e.values)
        raise GenerateError(f"{item}: string enum {ty[1]} is not declared in the {_describe.SECTION_NAME} section")
    if ty[0] in ("ref", "refmut", "option", "result", "vector", "slice"):
        return (ty[0], _resolve(ty[1], program, item))
    return ty


def _doc(comments: tuple[str, ...]) -> str:
    return "\n".join(c.removeprefix(" ") for c in comments)


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
    form = _section.LAYOUTS[program.schema].stream
    struct_names = {s.name for s in program.structs}
    enum_names = {e.name for e in program.enums}

    def function_type(symbol: str, item: str) -> _types.FunctionType:
        if symbol not in streams:
            raise GenerateError(f"{item}: the module has no describe function for it")
        fn = _types.parse_function(streams[symbol], item, form)
        fn = _types.FunctionType(tuple(_resolve(p, program, item) for p in fn.params), _resolve(fn.result, program, item))
        missing = _types.unsupported(fn)
        if missing:
            raise GenerateError(f"{item}: its {missing}")
        for ty in (*fn.params, fn.result):
            for name in _named(ty):
                if name not in struct_names | enum_names:
                    raise GenerateError(f"{item}: type {name} is not an exported struct or enum of this crate")
        return fn

    functions: list[BoundFunction] = []
    members: dict[str, list[BoundFunction]] = {s.name: [] for s in program.structs}
    for export in program.exports:
        cls = export.class_name
        item = f"{what}: {'method ' + cls + '::' if cls else 'function '}{export.name}"
        if export.is_async or export.variadic or export.start:
            raise GenerateError(f"{item}: async, variadic and start functions are not supported")
        if export.kind == "indexing":
            raise GenerateError(f"{item}: indexing getters and setters are not supported")
        if cls is not None and cls not in members:
            raise GenerateError(f"{item}: struct {cls} is not declared in the {_describe.SECTION_NAME} section")
        base = _suffix(export.name, item) if cls is None else f"{cls.lower()}_{_suffix(export.name, item)}"
        symbol = _symbol(base, program, names, item)
        fn = function_type(symbol, item)
        receiver = export.kind in ("method", "getter", "setter")
        params, results = _export_abi(fn, receiver=receiver)
        _check_abi(item, params, results, export_types[symbol])
        arg_names = tuple(_identifier(a.name, f"{item}: parameter", frozenset({"self"})) for a in export.args)
        if len(arg_names) != len(fn.params):
            raise GenerateError(f"{item}: {len(arg_names)} parameter names for {len(fn.params)} parameters")
        _unique([(a, "parameter") for a in arg_names], item)
        if export.kind == "getter" and (fn.params or fn.result[0] == "unit"):
            raise GenerateError(f"{item}: a getter takes no parameters and returns a value")
        if export.kind == "setter" and len(fn.params) != 1:
            raise GenerateError(f"{item}: a setter takes one parameter")
        if export.kind == "constructor" and fn.result not in (("rust_struct", cls), ("result", ("rust_struct", cls))):
            raise GenerateError(f"{item}: a constructor must return {cls}")
        prop = export.prop or export.name
        py_name = _identifier(prop if export.kind in ("getter", "setter") else export.name, "name", _CLASS_NAMES if cls else _MODULE_NAMES)
        bound = BoundFunction(py_name, symbol, arg_names, fn, _doc(export.comments), export.kind, export.consumed)
        (functions if cls is None else members[cls]).append(bound)
    _unique([(f.name, "function") for f in functions], what)

    classes = []
    for struct in program.structs:
        item = f"{what}: struct {struct.name}"
        if struct.extends:
            raise GenerateError(f"{item}: structs extending another are not supported")
        lower = struct.name.lower()
        free = _symbol(f"__wbg_{lower}_free", program, names, item)
        _check_abi(f"{item} (free)", ["i32", "i32"], [], export_types[free])
        for field_name, readonly in struct.fields:
            field_item = f"{item}, field {field_name}"
            getter = _symbol(f"__wbg_get_{lower}_{_suffix(field_name, field_item)}", program, names, field_item)
            if getter not in streams:
                raise GenerateError(f"{field_item}: the module has no describe function for it")
            ty = _resolve(_types.parse_type(streams[getter], field_item, form), program, field_item)
            get_fn = _types.FunctionType((), ty)
            if _types.unsupported(get_fn):
                raise GenerateError(f"{field_item}: its type {_types.show(ty)} is not supported")
            params, results = _export_abi(get_fn, receiver=True)
            _check_abi(field_item, params, results, export_types[getter])
            py = _identifier(field_name, "field", _CLASS_NAMES)
            members[struct.name].append(BoundFunction(py, getter, (), get_fn, _doc(()), "getter"))
            if not readonly:
                setter = _symbol(f"__wbg_set_{lower}_{field_name}", program, names, field_item)
                set_fn = _types.FunctionType((ty,), ("unit",))
                if _types.unsupported(set_fn):
                    raise GenerateError(f"{field_item}: its type {_types.show(ty)} cannot be set from Python")
                params, results = _export_abi(set_fn, receiver=True)
                _check_abi(field_item, params, results, export_types[setter])
                members[struct.name].append(BoundFunction(py, setter, ("value",), set_fn, "", "setter"))
        bound_members = tuple(members[struct.name])
        getters = {m.name for m in bound_members if m.kind == "getter"}
        for m in bound_members:
            if m.kind == "setter" and m.name not in getters:
                raise GenerateError(f"{item}: setter {m.name} has no getter")
        _unique([(m.name, m.kind) for m in bound_members if m.kind not in ("setter", "constructor")], item)
        classes.append(BoundClass(_identifier(struct.name, "struct"), free, _doc(struct.comments), bound_members))

    enums = []
    for enum in program.enums:
        item = f"{what}: enum {enum.name}"
        variants = tuple((_identifier(v, f"{item}: variant", frozenset({"name", "value"})), value) for v, value in enum.variants)
        _unique([(v, "variant") for v, _ in variants], item)
        enums.append(BoundEnum(_identifier(enum.name, "enum"), variants, _doc(enum.comments)))
    _unique([(f.name, "function") for f in functions] + [(c.name, "struct") for c in classes] + [(e.name, "enum") for e in enums], what)

    by_shim = {i.shim: i for i in program.imports}
    imports = []
    for imp in compiled.imports:
        if imp.module == "__wbindgen_externref_xform__" or imp.name in ("__wbindgen_describe", "__wbindgen_describe_generic_import", "__wbindgen_describe_cast"):
            continue
        if imp.module != _describe.PLACEHOLDER_MODULE:
            raise GenerateError(f"{what}: import {imp.module}.{imp.name} is not a wasm-bindgen import; modules with other imports are not supported")
        decl = by_shim.get(imp.name or "")
        raw_intrinsic = RAW_INTRINSICS.get(imp.name or "")
        if decl is None and raw_intrinsic is not None:
            fn = _types.FunctionType(*raw_intrinsic)
            _check_abi(f"{what}: intrinsic {imp.name}", *import_abi(fn.params, fn.result), imp.type)
            imports.append(BoundImport(imp.name or "", imp.name or "", fn))
            continue
        if decl is None:
            raise GenerateError(f"{what}: import {imp.name} is not declared in the {_describe.SECTION_NAME} section")
        js_name = ".".join((*decl.js_namespace, decl.name))
        item = f"{what}: imported function {js_name}"
        if decl.method_class or decl.catch or decl.variadic or decl.module not in (None, _describe.PLACEHOLDER_MODULE):
            raise GenerateError(f"{item}: methods, catch, variadic and module imports are not supported")
        stream = streams.get(imp.name or "")
        if stream is None:
            raise GenerateError(f"{item}: the module has no describe function for it")
        fn = _types.parse_function(stream, item, form)
        missing = _types.unsupported(fn, imported=True)
        if missing:
            raise GenerateError(f"{item}: its {missing}")
        _check_abi(item, *import_abi(fn.params, fn.result), imp.type)
        imports.append(BoundImport(imp.name or "", js_name, fn))
    return Binding(program, tuple(functions), tuple(imports), describes, tuple(classes), tuple(enums))


def _named(ty: _types.Type) -> list[str]:
    if ty[0] in ("rust_struct", "enum"):
        return [ty[1]]
    if ty[0] in ("ref", "refmut", "option", "result", "vector", "slice"):
        return _named(ty[1])
    return []


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
    if kind in ("ref", "refmut", "result"):
        return _annotation(ty[1])
    if kind in ("slice", "vector"):
        return f"list[{_annotation(ty[1])}]"
    if kind == "option":
        return f"{_annotation(ty[1])} | None"
    if kind in ("rust_struct", "enum"):
        return str(ty[1])
    if kind == "string_enum":
        return "str"
    if kind == "named_externref":
        return "str" if ty[1] == "string" else "Any"
    return _PY[kind]


def _call(f: BoundFunction, target: str, args: list[str], *, consume: bool = False) -> str:
    packed = "(" + "".join(f"{a}, " for a in args) + ")"
    extra = ", consume=True" if consume else ""
    return f"{target}({f.export!r}, {f.types.params!r}, {f.types.result!r}, {packed}, {tuple(args)!r}{extra})"


def render(binding: Binding, package: str, *, crate: str | None = None) -> dict[str, str]:
    """The package's text files: ``__init__.py``, ``__init__.pyi``, ``py.typed`` and the runtime copy."""
    crate = crate or package
    table = {i.shim: (i.js_name, i.types.params, i.types.result) for i in binding.imports}
    statics = [m for c in binding.classes for m in c.members if m.kind == "static"]
    exports = {f.export: (f.types.params, f.types.result, f.params) for f in [*binding.functions, *statics]}
    public = sorted(["load", "JsError", "NeedsImports", *(f.name for f in binding.functions),
                     *(c.name for c in binding.classes), *(e.name for e in binding.enums)])
    glue = [
        HEADER,
        f'"""Python bindings of the wasm-bindgen crate {crate} (schema {binding.program.schema})."""',
        "",
        "from __future__ import annotations",
        "",
        "import enum as _enum",
        "import threading as _threading",
        "from pathlib import Path as _Path",
        "",
        f"from .{RUNTIME_PACKAGE}.bindgen.wasm_bindgen.runtime import BindgenInstance as _Instance",
        f"from .{RUNTIME_PACKAGE}.bindgen.wasm_bindgen.runtime import JsError, NeedsImports",
        f"from .{RUNTIME_PACKAGE}.bindgen.wasm_bindgen.runtime import RustObject as _RustObject",
        "",
        f"__all__ = {public!r}",
        f"_WASM = _Path(__file__).with_name({package + '.wasm'!r})",
        f"_IMPORTS = {table!r}",
        "_default = None",
        "_default_lock = _threading.Lock()",
    ]
    stub = [HEADER, "import enum", "from collections.abc import Callable", "from typing import Any", "",
            "class JsError(Exception): ...", "class NeedsImports(TypeError): ...", "",
            "def load(imports: dict[str, Callable[..., Any]] | None = None) -> Any: ..."]
    for e in binding.enums:
        glue += ["", "", f"class {e.name}(_enum.IntEnum):"]
        glue += [f"    __doc__ = {e.doc!r}"] if e.doc else []
        glue += [f"    {v} = {value!r}" for v, value in e.variants] or ["    pass"]
        stub += ["", f"class {e.name}(enum.IntEnum):"] + [f"    {v} = {value!r}" for v, value in e.variants]
    for f in binding.functions:
        glue += ["", "", f"def {f.name}({', '.join(f.params)}):", f"    return _instance().calls[{f.export!r}]({', '.join(f.params)})"]
        glue += [f"{f.name}.__doc__ = {f.doc!r}"] if f.doc else []
        stub.append(_stub_def(f, ""))
    for c in binding.classes:
        glue += ["", "", f"class {c.name}(_RustObject):"]
        glue += [f"    __doc__ = {c.doc!r}"] if c.doc else []
        glue += ["    __slots__ = ()", f"    _wbg_free = {c.free!r}"]
        stub += ["", f"class {c.name}:", "    def close(self) -> None: ...", "    @property", "    def closed(self) -> bool: ...",
                 f"    def __enter__(self) -> {c.name}: ...", "    def __exit__(self, *exc: object) -> None: ..."]
        ctor = next((m for m in c.members if m.kind == "constructor"), None)
        if ctor is None:
            glue += ["", "    def __init__(self):", f"        raise TypeError({c.name + ' has no constructor: it comes from Rust functions only'!r})"]
        else:
            glue += ["", f"    def __init__(self, {''.join(p + ', ' for p in ctor.params)}):",
                     f"        made = {_call(ctor, '_instance().call', list(ctor.params))}",
                     "        self._wbg_inst, self._wbg_ptr = made._wbg_inst, made._wbg_ptr",
                     "        made._wbg_ptr = 0"]
            stub.append(f"    def __init__(self{''.join(', ' + p + ': ' + _annotation(t) for p, t in zip(ctor.params, ctor.types.params, strict=True))}) -> None: ...")
        setters = {m.name: m for m in c.members if m.kind == "setter"}
        for m in c.members:
            if m.kind == "method":
                glue += ["", f"    def {m.name}(self{''.join(', ' + p for p in m.params)}):",
                         f"        return {_call(m, 'self._wbg_call', list(m.params), consume=m.consumed)}"]
                glue += [f"    {m.name}.__doc__ = {m.doc!r}"] if m.doc else []
                stub.append(_stub_def(m, "self"))
            elif m.kind == "static":
                glue += ["", "    @staticmethod", f"    def {m.name}({', '.join(m.params)}):",
                         f"        return _instance().calls[{m.export!r}]({', '.join(m.params)})"]
                stub += ["    @staticmethod", _stub_def(m, "")]
            elif m.kind == "getter":
                glue += ["", "    @property", f"    def {m.name}(self):", f"        return {_call(m, 'self._wbg_call', [])}"]
                stub += ["    @property", f"    def {m.name}(self) -> {_annotation(m.types.result)}: ..."]
                setter = setters.get(m.name)
                if setter is not None:
                    glue += ["", f"    @{m.name}.setter", f"    def {m.name}(self, {setter.params[0]}):",
                             f"        {_call(setter, 'self._wbg_call', list(setter.params))}"]
                    stub += [f"    @{m.name}.setter", f"    def {m.name}(self, value: {_annotation(setter.types.params[0])}) -> None: ..."]
    glue += [
        "",
        "",
        f"_CLASSES = {{{', '.join(f'{n!r}: {n}' for n in [*(e.name for e in binding.enums), *(c.name for c in binding.classes)])}}}",
        f"_EXPORTS = {exports!r}",
        f"_SCHEMA = {binding.program.schema!r}",
        f"_FUNCTIONS = {({f.name: f.export for f in binding.functions})!r}",
        "_DOCS = {name: globals()[name].__doc__ for name in _FUNCTIONS}",
        "",
        "",
        "def load(imports=None):",
        '    """Instantiate the module; ``imports`` maps JavaScript names (``"console.log"``) to callables.',
        "",
        "    The package's functions and constructors use the instance loaded last (one with the",
        '    default imports when ``load()`` was never called)."""',
        "    global _default",
        "    instance = _Instance(_WASM, _IMPORTS, imports, _CLASSES, _EXPORTS, _SCHEMA)",
        "    with _default_lock:",
        "        _default = instance",
        "        # The module's functions become the instance's call functions (one call layer less);",
        "        # a function imported before still reaches the instance loaded last through _instance().",
        "        for name, export in _FUNCTIONS.items():",
        "            call = instance.calls[export]",
        "            call.__name__ = call.__qualname__ = name",
        "            call.__doc__ = _DOCS[name]",
        "            globals()[name] = call",
        "    return instance",
        "",
        "",
        "def _instance():",
        "    instance = _default",
        "    return instance if instance is not None else load()",
    ]
    files = {
        "__init__.py": "\n".join(glue) + "\n",
        "__init__.pyi": "\n".join(stub) + "\n",
        "py.typed": "",
        **runtime_files(),
        f"{RUNTIME_PACKAGE}/bindgen/wasm_bindgen/__init__.py": "",
        f"{RUNTIME_PACKAGE}/bindgen/wasm_bindgen/runtime.py": _runtime_source("runtime.py"),
        f"{RUNTIME_PACKAGE}/bindgen/wasm_bindgen/types.py": _runtime_source("types.py"),
        f"{RUNTIME_PACKAGE}/bindgen/wasm_bindgen/section.py": _runtime_source("section.py"),
    }
    compile(files["__init__.py"], f"{package}/__init__.py", "exec")
    compile(files["__init__.pyi"], f"{package}/__init__.pyi", "exec")
    return files


def _stub_def(f: BoundFunction, receiver: str) -> str:
    params = [receiver] if receiver else []
    params += [f"{p}: {_annotation(t)}" for p, t in zip(f.params, f.types.params, strict=True)]
    indent = "    " if receiver or f.kind == "static" else ""
    return f"{indent}def {f.name}({', '.join(params)}) -> {_annotation(f.types.result)}: ..."


def _runtime_source(name: str) -> str:
    from pathlib import Path

    return Path(__file__).with_name(name).read_text(encoding="utf-8")
