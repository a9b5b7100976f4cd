"""Valid but adversarial modules, built byte by byte: the shapes that once made a command
quadratic or unbounded. The tests, the benchmarks and the fuzzer's seeds all build them here.
"""

from __future__ import annotations

from wasmforge.binary.leb128 import encode_unsigned as uleb

HEADER = b"\0asm\x01\0\0\0"


def section(sid: int, payload: bytes) -> bytes:
    """One section: id, size, payload."""
    return bytes([sid]) + uleb(len(payload)) + payload


def vector(items: list[bytes]) -> bytes:
    """A count followed by the items."""
    return uleb(len(items)) + b"".join(items)


def name(text: str) -> bytes:
    data = text.encode()
    return uleb(len(data)) + data


def _functions(bodies: list[bytes], exports: list[tuple[str, int]]) -> bytes:
    """A module of ``() -> ()`` functions with these instruction sequences (without the final
    ``end``), exporting the given ones."""
    types = section(1, vector([b"\x60\x00\x00"]))
    funcs = section(3, vector([b"\x00"] * len(bodies)))
    export = section(7, vector([name(n) + b"\x00" + uleb(i) for n, i in exports]))
    code = section(10, vector([uleb(len(b) + 2) + b"\x00" + b + b"\x0b" for b in (bodies)]))
    return HEADER + types + funcs + export + code


def call_chain(n: int) -> bytes:
    """``n`` functions, each calling the next; the first is exported. The dominator tree is a
    path ``n`` deep."""
    bodies = [b"\x10" + uleb(i + 1) if i + 1 < n else b"" for i in range(n)]
    return _functions(bodies, [("start", 0)])


def call_mesh(n: int, fan: int = 4) -> bytes:
    """``n`` functions, each calling the ``fan`` after it (wrapping round), all exported: every
    item has many callers, so every item's tree of retaining paths is large."""
    bodies = [b"".join(b"\x10" + uleb((i + k) % n) for k in range(1, fan + 1)) for i in range(n)]
    return _functions(bodies, [(f"f{i}", i) for i in range(n)])


def empty_custom_sections(n: int) -> bytes:
    """A module of nothing but ``n`` custom sections with empty names and contents."""
    return HEADER + b"\x00\x01\x00" * n


def nested_blocks(depth: int) -> bytes:
    """One exported function of ``depth`` nested empty blocks."""
    return _functions([b"\x02\x40" * depth + b"\x0b" * depth], [("deep", 0)])
