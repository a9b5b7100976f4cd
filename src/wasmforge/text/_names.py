"""Names of a module's items as the printers show them: from the ``name`` section, generated, or
indices; unique within each index space, quoted where the identifier syntax needs it."""

from __future__ import annotations

from wasmforge.binary import ExternKind, Module, NameSection, WasmDecodeError
from wasmforge.text._literals import identifier, quote_str


def name_section(module: Module) -> tuple[NameSection | None, str | None]:
    """The module's ``name`` section, or None and why, when it is malformed.

    A custom section never makes a module invalid, so a broken one is set aside, not fatal.
    """
    try:
        return module.names, None
    except WasmDecodeError as err:
        return None, err.reason


def _unique(names: dict[int, str], count: int, space: str) -> tuple[dict[int, str], dict[int, str]]:
    """Identifiers of the names, unique within their space, and the ``(@name ...)`` annotations of repeats.

    The first item with a name gets it as its identifier; a later item with the same name gets
    ``$"#func3 name"`` and keeps the real name in an annotation, as ``wasm-tools print`` writes
    it, so that the text assembles to the same name section. Empty names are dropped.
    """
    seen: set[str] = set()
    ids: dict[int, str] = {}
    notes: dict[int, str] = {}
    for index in sorted(names):
        if index >= count:
            continue
        name = names[index]
        if not name:
            continue
        if name in seen:
            ids[index] = identifier(f"#{space}{index} {name}")
            notes[index] = f"(@name {quote_str(name)})"
            continue
        seen.add(name)
        ids[index] = identifier(name)
    return ids, notes


class ModuleNames:
    """Reference and definition text of every item, per index space.

    ``ref[space][i]`` is what an instruction or field shows (``$name`` or ``i``);
    ``define(space, i)`` what the item's own definition shows (``$name`` or ``(;i;)``).
    Spaces: func, type, table, memory, global, tag, elem, data.
    """

    def __init__(self, module: Module, *, use_names: bool = True, generate: bool = False) -> None:
        self._module = module
        names, self.problem = name_section(module) if use_names else (None, None)
        self._section = names
        self._generate = generate
        counts = {
            "func": module.num_functions,
            "type": len(module.types),
            "table": module.num_imported(ExternKind.TABLE) + len(module.tables),
            "memory": module.num_imported(ExternKind.MEMORY) + len(module.memories),
            "global": module.num_imported(ExternKind.GLOBAL) + len(module.globals),
            "tag": module.num_imported(ExternKind.TAG) + len(module.tags),
            "elem": len(module.elements),
            "data": len(module.data_segments),
        }
        given: dict[str, dict[int, str]] = {
            "func": dict(names.functions) if names else {},
            "type": dict(names.types) if names else {},
            "table": dict(names.tables) if names else {},
            "memory": dict(names.memories) if names else {},
            "global": dict(names.globals) if names else {},
            "tag": dict(names.tags) if names else {},
            "elem": dict(names.elems) if names else {},
            "data": dict(names.datas) if names else {},
        }
        if generate:
            self._generate_names(given, counts)
        #: space -> {index: identifier text}; space -> {index: ``(@name ...)`` of a repeated name}
        self.named: dict[str, dict[int, str]] = {}
        self.notes: dict[str, dict[int, str]] = {}
        for space in counts:
            self.named[space], self.notes[space] = _unique(given[space], counts[space], space)
        #: space -> list of reference texts by index.
        self.ref: dict[str, list[str]] = {}
        for space, count in counts.items():
            named = self.named[space]
            self.ref[space] = [named.get(i) or str(i) for i in range(count)]

    def _generate_names(self, given: dict[str, dict[int, str]], counts: dict[str, int]) -> None:
        """Fill in names for unnamed items the way wabt's --generate-names does."""
        m = self._module
        space_of = {ExternKind.FUNC: "func", ExternKind.TABLE: "table", ExternKind.MEMORY: "memory",
                    ExternKind.GLOBAL: "global", ExternKind.TAG: "tag"}
        seen = {kind: 0 for kind in space_of}
        for imp in m.imports:
            space = space_of[imp.kind]
            i = seen[imp.kind]
            seen[imp.kind] += 1
            given[space].setdefault(i, f"{imp.module}.{imp.name}")
        for exp in m.exports:
            given[space_of[exp.kind]].setdefault(exp.index, exp.name)
        prefixes = {"func": "f", "type": "t", "table": "T", "memory": "M", "global": "g", "tag": "tag",
                    "elem": "e", "data": "d"}
        for space, count in counts.items():
            names = given[space]
            for i in range(count):
                names.setdefault(i, f"{prefixes[space]}{i}")

    def define(self, space: str, index: int) -> str:
        """Definition text: the name (with its annotation when repeated), or the index in a block comment."""
        name = self.named[space].get(index)
        if name is None:
            return f"(;{index};)"
        note = self.notes[space].get(index)
        return f"{name} {note}" if note else name

    def labels(self, func_index: int) -> dict[int, str]:
        """Identifiers of a function's labels by label index (the order of its block instructions).

        Labels may repeat a name (an inner one shadows an outer one); a branch names its target
        only where no label in between shadows it (see ``WatPrinter.label``).
        """
        if self._section is None:
            return {}
        given = self._section.labels.get(func_index)
        if not given:
            return {}
        return {i: identifier(n) for i, n in given.items() if n}

    def fields(self, type_index: int, count: int, params: bool = False) -> tuple[dict[int, str], dict[int, str]]:
        """Identifiers of a struct type's fields (or with ``params``, a function type's params), and repeats' annotations."""
        section = self._section
        given = (section.type_params if params else section.fields).get(type_index) if section is not None else None
        if not given:
            return {}, {}
        return _unique(given, count, "field")

    def locals(self, func_index: int, count: int) -> tuple[list[str], dict[int, str]]:
        """Reference texts of a function's params and locals, and the named ones' definition texts."""
        given: dict[int, str] = {}
        if self._section is not None:
            given = dict(self._section.locals.get(func_index, {}))
        if self._generate:
            try:
                nparams = len(self._module.function_type(func_index).params)
            except (TypeError, IndexError):
                nparams = 0
            for i in range(count):
                given.setdefault(i, f"p{i}" if i < nparams else f"l{i}")
        ids, notes = _unique(given, count, "local")
        named = {i: f"{n} {notes[i]}" if i in notes else n for i, n in ids.items()}
        return [ids.get(i) or str(i) for i in range(count)], named
