"""``headers --json`` against ``wasm-tools objdump``, and the size graph's sizes against the file, over
the testsuite corpus: the same sections in the same order, at the same offsets, with the same
sizes and item counts. objdump runs once per module, so the default suite takes one module in
eight (a fixed sample); ``WASMFORGE_REFERENCE_FULL=1`` takes them all."""

from __future__ import annotations

import json
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.reference import oracle
from wasmforge.analysis import build
from wasmforge.binary import SectionId, WasmDecodeError, scan_sections
from wasmforge.report.headers import headers_json

#: objdump's section labels.
_IDS = {"types": SectionId.TYPE, "imports": SectionId.IMPORT, "functions": SectionId.FUNCTION,
        "tables": SectionId.TABLE, "memories": SectionId.MEMORY, "globals": SectionId.GLOBAL,
        "exports": SectionId.EXPORT, "start": SectionId.START, "elements": SectionId.ELEMENT,
        "code": SectionId.CODE, "data": SectionId.DATA, "data count": SectionId.DATA_COUNT, "tags": SectionId.TAG}
_LINE = re.compile(r"^\s*(custom \"(?P<custom>.*)\"|(?P<label>[a-z ]+?))\s*\|\s*0x(?P<start>[0-9a-f]+) -\s*0x(?P<end>[0-9a-f]+)"
                   r" \|\s*(?P<size>\d+) bytes \|\s*(?P<count>\d+) count")


def _objdump_sections(text: str) -> list[tuple[int, str | None, int, int, int | None]]:
    """(id, custom name, start, end, count) per section; counts only where objdump's mean the item count."""
    out = []
    for line in text.splitlines():
        m = _LINE.match(line)
        if m is None:
            continue
        if m["custom"] is not None:
            out.append((0, m["custom"], int(m["start"], 16), int(m["end"], 16), None))
            continue
        sid = _IDS[m["label"]]
        count = int(m["count"]) if sid not in (SectionId.START, SectionId.CODE, SectionId.DATA_COUNT) else None
        out.append((int(sid), None, int(m["start"], 16), int(m["end"], 16), count))
    return out


def _ours(data: bytes) -> list[tuple[int, str | None, int, int, int | None]]:
    out = []
    with scan_sections(data) as scan:
        document = json.loads("".join(headers_json(scan, "m.wasm")))
    for s in document["sections"]:
        if s["id"] == 0:  # objdump's range of a custom section starts after its name
            out.append((0, s["name"], s["content_start"], s["end"], None))
        else:
            count = s["count"] if s["id"] not in (SectionId.START, SectionId.CODE, SectionId.DATA_COUNT) else None
            out.append((s["id"], None, s["start"], s["end"], count))
    return out


def _modules() -> list[oracle.CorpusEntry]:
    entries = oracle.testsuite("valid") + oracle.testsuite("invalid")
    if not entries:
        pytest.skip("the testsuite corpus is not present")
    return [e for e in entries if "custom-descriptors" not in e.path.parent.name]


def test_headers_match_wasm_tools_objdump():
    exe = str(oracle.wasm_tools())
    entries = _modules()
    if os.environ.get("WASMFORGE_REFERENCE_FULL") != "1":
        entries = entries[::8]

    def objdump(e: oracle.CorpusEntry) -> str:
        return subprocess.run([exe, "objdump", str(e.path)], capture_output=True, text=True, check=True).stdout

    with ThreadPoolExecutor(max_workers=2) as pool:
        dumps = list(pool.map(objdump, entries))
    wrong = [e.id for e, dump in zip(entries, dumps) if _objdump_sections(dump) != _ours(e.path.read_bytes())]
    assert len(entries) > 600
    assert wrong == []


def test_item_sizes_add_up_to_the_file_size_on_every_module():
    checked = 0
    for e in _modules():
        data = e.path.read_bytes()
        try:
            graph = build(data)
        except WasmDecodeError:  # pragma: no cover - every module here decodes (tests/binary)
            continue
        assert sum(graph.sizes) == len(data), e.id
        checked += 1
    assert checked > 5000
