"""The section table, as ``wasm-objdump -h`` lays it out, and as JSON.

Kept apart from the other inspection renderers because ``wasmforge headers`` must stay quick:
it needs section headers only, not the type classes or the item decoders.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from wasmforge.binary.module import Module, Section, SectionId

#: section labels as ``wasm-objdump`` prints them.
OBJDUMP_NAMES = {
    SectionId.CUSTOM: "Custom", SectionId.TYPE: "Type", SectionId.IMPORT: "Import",
    SectionId.FUNCTION: "Function", SectionId.TABLE: "Table", SectionId.MEMORY: "Memory",
    SectionId.GLOBAL: "Global", SectionId.EXPORT: "Export", SectionId.START: "Start",
    SectionId.ELEMENT: "Elem", SectionId.CODE: "Code", SectionId.DATA: "Data",
    SectionId.DATA_COUNT: "DataCount", SectionId.TAG: "Tag",
}


def headers_json(module: Module, file: str) -> dict[str, Any]:
    """The section table as data: ``{"file", "size", "sections": [{"id", "name", "start", "end", "size", "count",
    "content_start"}]}`` (``content_start``: where a custom section's content begins, after its name)."""
    return {
        "file": file,
        "size": module.size,
        "sections": [
            {"id": int(s.id), "name": s.name, "start": s.start, "end": s.end, "size": s.size,
             "count": _header_count(module, s), "content_start": s.content_start}
            for s in module.sections
        ],
    }


def _header_count(module: Module, s: Section) -> int | None:
    if s.id == SectionId.START:
        return None
    return s.count


def headers_text(module: Module, file: str) -> Iterator[str]:
    """The section table laid out as ``wasm-objdump -h`` lays it out."""
    yield f"{file}: {module.size} bytes, {len(module.sections)} sections"
    yield ""
    for s in module.sections:
        label = OBJDUMP_NAMES[s.id]
        line = f"{label:>9} start=0x{s.start:08x} end=0x{s.end:08x} (size=0x{s.size:08x})"
        if s.is_custom:
            line += f' "{s.name}"'
        elif s.id == SectionId.START:
            line += f" start: {module.start}"
        elif s.count is not None:
            line += f" count: {s.count}"
        yield line
