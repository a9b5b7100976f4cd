"""The binary format: a lazy zero-copy reader, an encoder, and the one opcode table.

See ``docs/binary-api.md`` for a tour. This layer knows nothing of Rust, Python glue,
the CLI or wasmtime.
"""

from wasmforge.binary._opcodes import OPCODES, Opcode, by_name
from wasmforge.binary.encoder import build_module, encode, encode_items, reencode, replace_sections, section_bytes
from wasmforge.binary.errors import WasmDecodeError
from wasmforge.binary.instructions import (
    Instruction,
    decode_const_expr,
    decode_instructions,
    encode_instruction,
    encode_instructions,
)
from wasmforge.binary.module import (
    ConstExpr,
    CustomSection,
    DataSegment,
    ElementSegment,
    Export,
    FunctionBody,
    Global,
    Import,
    Module,
    NameSection,
    Section,
    SectionId,
    Table,
    read_module,
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

__all__ = [
    "OPCODES", "Opcode", "by_name", "WasmDecodeError", "build_module", "encode", "encode_items",
    "reencode", "replace_sections", "section_bytes", "Instruction", "decode_const_expr",
    "decode_instructions", "encode_instruction", "encode_instructions", "ConstExpr", "CustomSection",
    "DataSegment", "ElementSegment", "Export", "FunctionBody", "Global", "Import", "Module",
    "NameSection", "Section", "SectionId", "Table", "read_module", "AbsHeap", "ArrayType",
    "ExternKind", "FieldType", "FuncType", "GlobalType", "HeapType", "Limits", "MemoryType",
    "NumType", "PackedType", "RecGroup", "RefType", "StructType", "SubType", "TableType", "TagType",
]
