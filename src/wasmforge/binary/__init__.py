"""The binary format: a lazy zero-copy reader, an encoder, and the one opcode table.

See ``docs/binary-api.md`` for a tour. This layer knows nothing of Rust, Python glue,
the CLI or wasmtime. Submodules load on first use of a name (PEP 562), so that reading
section headers does not pay for the opcode table or the encoder.
"""

from __future__ import annotations

import importlib

# typing is not imported at run time: it costs start-up time, and annotations are strings (PEP 563)
TYPE_CHECKING = False

_EXPORTS = {
    "_opcodes": ("OPCODES", "Form", "Opcode", "by_name", "references"),
    "encoder": ("build_module", "encode", "encode_items", "reencode", "replace_sections", "section_bytes"),
    "errors": ("WasmDecodeError",),
    "instructions": (
        "Instruction", "decode_const_expr", "decode_instructions", "encode_instruction", "encode_instructions",
    ),
    "_items": (
        "ConstExpr", "CustomSection", "DataSegment", "ElementSegment", "Export", "Global", "Import",
        "NameSection", "Table",
    ),
    "module": ("FunctionBody", "Module", "Section", "SectionId", "SectionScan", "read_module", "scan_sections"),
    "types": (
        "AbsHeap", "ArrayType", "ExternKind", "FieldType", "FuncType", "GlobalType", "HeapType", "Limits",
        "MemoryType", "NumType", "PackedType", "RecGroup", "RefType", "StructType", "SubType", "TableType",
        "TagType",
    ),
    "wasi": ("ModuleKind", "kind_of"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'wasmforge.binary' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"wasmforge.binary.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from typing import Any

    from wasmforge.binary._items import (
        ConstExpr,
        CustomSection,
        DataSegment,
        ElementSegment,
        Export,
        Global,
        Import,
        NameSection,
        Table,
    )
    from wasmforge.binary._opcodes import OPCODES, Form, Opcode, by_name, references
    from wasmforge.binary.encoder import (
        build_module,
        encode,
        encode_items,
        reencode,
        replace_sections,
        section_bytes,
    )
    from wasmforge.binary.errors import WasmDecodeError
    from wasmforge.binary.instructions import (
        Instruction,
        decode_const_expr,
        decode_instructions,
        encode_instruction,
        encode_instructions,
    )
    from wasmforge.binary.module import (
        FunctionBody,
        Module,
        Section,
        SectionId,
        SectionScan,
        read_module,
        scan_sections,
    )
    from wasmforge.binary.types import (
        AbsHeap,
        ArrayType,
        ExternKind,
        FieldType,
        FuncType,
        GlobalType,
        HeapType,
        Limits,
        MemoryType,
        NumType,
        PackedType,
        RecGroup,
        RefType,
        StructType,
        SubType,
        TableType,
        TagType,
    )
    from wasmforge.binary.wasi import ModuleKind, kind_of
