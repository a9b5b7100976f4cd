"""The section table, as ``wasm-objdump -h`` lays it out, and as JSON.

Kept apart from the other inspection renderers because ``wasmforge headers`` must stay quick:
it needs section headers only, not the type classes or the item decoders.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from wasmforge.binary.module import Section, SectionId, SectionScan
from wasmforge.binary.wasi import ModuleKind

# typing is not imported at run time: it costs start-up time, and annotations are strings (PEP 563)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: section labels as ``wasm-objdump`` prints them.
OBJDUMP_NAMES = {
    SectionId.CUSTOM: "Custom", SectionId.TYPE: "Type", SectionId.IMPORT: "Import",
    SectionId.FUNCTION: "Function", SectionId.TABLE: "Table", SectionId.MEMORY: "Memory",
    SectionId.GLOBAL: "Global", SectionId.EXPORT: "Export", SectionId.START: "Start",
    SectionId.ELEMENT: "Elem", SectionId.CODE: "Code", SectionId.DATA: "Data",
    SectionId.DATA_COUNT: "DataCount", SectionId.TAG: "Tag",
}


def _row(scan: SectionScan, s: Section) -> dict[str, Any]:
    # content_start: where a custom section's content begins, after its name
    count = scan.single(s, "the start function index") if s.id == SectionId.START else s.count
    return {"id": int(s.id), "name": s.name, "start": s.start, "end": s.end, "size": s.size,
            "count": None if s.id == SectionId.START else count, "content_start": s.content_start}


def headers_json(scan: SectionScan, file: str, kind: ModuleKind | None = None) -> Iterator[str]:
    """The section table as JSON text, in pieces (``json.dumps(…, indent=2)`` of
    ``{"schema", "file", "size", "kind", "wasi", "sections": [{"id", "name", "start", "end", "size", "count",
    "content_start"}]}``), one section at a time: a module can hold a million sections. ``kind``: the
    module's role."""
    from wasmforge.report.schema import schema_id

    fields: dict[str, Any] = {"schema": schema_id("headers"), "file": file, "size": scan.size}
    if kind is not None:
        fields.update(kind=kind.kind, wasi=kind.wasi)
    head = json.dumps(fields, indent=2)
    yield head[:-2] + ',\n  "sections": ['
    first = True
    for s in scan:
        # the start section's index is checked as the text table shows it, though JSON leaves it out
        item = json.dumps(_row(scan, s), indent=2).replace("\n", "\n    ")
        yield ("\n    " if first else ",\n    ") + item
        first = False
    yield "]\n}\n" if first else "\n  ]\n}\n"


def headers_text(scan: SectionScan, file: str, kind: ModuleKind | None = None) -> Iterator[str]:
    """The section table laid out as ``wasm-objdump -h`` lays it out, one line at a time (the
    file is read twice: once to count the sections for the first line), after a ``kind:`` line."""
    total = sum(1 for _ in scan)
    yield f"{file}: {scan.size} bytes, {total} sections"
    if kind is not None:
        yield f"kind: {kind.describe()}"
    yield ""
    labels = {int(k): f"{v:>9}" for k, v in OBJDUMP_NAMES.items()}  # int keys: an enum hashes in Python
    for s in scan:
        sid = int(s.id)
        line = f"{labels[sid]} start=0x{s.start:08x} end=0x{s.end:08x} (size=0x{s.end - s.start:08x})"
        if sid == 0:
            line += f' "{s.name}"'
        elif sid == SectionId.START:
            line += f" start: {scan.single(s, 'the start function index')}"
        elif s.count is not None:
            line += f" count: {s.count}"
        yield line
