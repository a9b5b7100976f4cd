"""Rendering of the size-profile analyses (``wasmforge.analysis``) as text, JSON or CSV.

``render(result, fmt, color=False)`` takes any analysis result. Text follows twiggy's layout
(columns, ``⤷``/``⬑``/``↳`` tree marks, ``... and N more.`` and ``Σ [N Total Rows]`` rows), so
outputs compare line by line; JSON objects keep twiggy's field names inside an object with
``items`` and summary fields; CSV has twiggy's headers.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from functools import singledispatch
from typing import Any

from wasmforge.analysis.crates import Crates
from wasmforge.analysis.diff import Diff
from wasmforge.analysis.dominators import Dominators
from wasmforge.analysis.garbage import Garbage
from wasmforge.analysis.monos import Monos
from wasmforge.analysis.paths import PathNode, Paths
from wasmforge.analysis.top import Top
from wasmforge.report.schema import schema_id
from wasmforge.report.table import Column, render_table, stream_table

FORMATS = ("text", "json", "csv")


def _pct(p: float) -> str:
    return f"{p:.2f}%"


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    return _csv_rows([header, *rows])


def _csv_rows(rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _json(command: str, obj: dict[str, Any]) -> str:
    # the version of the document's shape first (docs/json-output.md), then the fields
    return json.dumps({"schema": schema_id(command), **obj}, ensure_ascii=False, indent=None) + "\n"


@singledispatch
def render(result: Any, fmt: str = "text", *, color: bool = False) -> str:
    """``result`` (an analysis result) as ``fmt`` (text, json or csv)."""
    raise TypeError(f"no renderer for {type(result).__name__}")


@singledispatch
def render_chunks(result: Any, fmt: str = "text", *, color: bool = False) -> Iterator[str]:
    """``render(result, fmt, color=color)`` in pieces that join to the same text; a result that
    can be large (``paths`` of every item) is rendered piece by piece, in flat memory."""
    yield render(result, fmt, color=color)


def _indent(depth: int, mark: str) -> str:
    # twiggy's tree layout: the first level under an item is indented 2, each next one 4 more
    return "  " + "    " * (depth - 1) + mark + " "


# -- top ----------------------------------------------------------------------------------------
@render.register
def _(result: Top, fmt: str = "text", *, color: bool = False) -> str:
    if fmt == "json":
        items = []
        for r in result.rows:
            d: dict[str, Any] = {
                "name": r.name,
                "shallow_size": r.shallow_size,
                "shallow_size_percent": r.shallow_size_percent,
                "retained_size": r.retained_size,
                "retained_size_percent": r.retained_size_percent,
            }
            if r.retaining_path is not None:
                d["retaining_path"] = list(r.retaining_path)
            items.append(d)
        return _json("top", {
            "items": items,
            "sorted_by": "retained_size" if result.retained else "shallow_size",
            "remaining": {"count": result.remaining_count, "shallow_size": result.remaining_shallow_size,
                          "shallow_size_percent": result.remaining_shallow_size_percent},
            "total": {"count": result.total_count, "size": result.file_size},
        })
    if fmt == "csv":
        header = ["Name", "ShallowSize", "ShallowSizePercent", "RetainedSize", "RetainedSizePercent"]
        rows: list[list[Any]] = [[r.name, r.shallow_size, r.shallow_size_percent, r.retained_size,
                                  r.retained_size_percent] for r in result.rows]
        if any(r.retaining_path is not None for r in result.rows):
            header.append("RetainingPath")
            for row, r in zip(rows, result.rows):
                row.append(" -> ".join(r.retaining_path or ()))
        return _csv(header, rows)
    label = "Retained" if result.retained else "Shallow"
    cols = [Column(f"{label} Bytes", True), Column(f"{label} %", True), Column("Item")]
    text_rows: list[list[str]] = []
    for r in result.rows:
        size = r.retained_size if result.retained else r.shallow_size
        pct = r.retained_size_percent if result.retained else r.shallow_size_percent
        text_rows.append([str(size), _pct(pct), r.name])
        if r.retaining_path:
            for depth, name in enumerate(reversed(r.retaining_path[:-1]), start=1):
                text_rows.append(["", "", _indent(depth, "⬑") + name])
    if result.remaining_count:
        if result.retained:
            text_rows.append(["...", "...", f"... and {result.remaining_count} more."])
        else:
            text_rows.append([str(result.remaining_shallow_size), _pct(result.remaining_shallow_size_percent),
                              f"... and {result.remaining_count} more."])
    if result.retained:
        text_rows.append(["...", "...", f"Σ [{result.total_count} Total Rows]"])
    else:
        text_rows.append([str(result.file_size), _pct(100.0 if result.file_size else 0.0),
                          f"Σ [{result.total_count} Total Rows]"])
    return render_table(cols, text_rows, color=color)


# -- dominators ---------------------------------------------------------------------------------
@render.register
def _(result: Dominators, fmt: str = "text", *, color: bool = False) -> str:
    if fmt == "json":
        top: list[dict[str, Any]] = []
        stack: list[tuple[int, list[dict[str, Any]]]] = [(0, top)]
        for r in result.rows:
            node: dict[str, Any] = {"name": r.name, "shallow_size": r.shallow_size,
                    "shallow_size_percent": r.shallow_size / result.file_size * 100.0 if result.file_size else 0.0,
                    "retained_size": r.retained_size, "retained_size_percent": r.retained_size_percent,
                    "children": []}
            while stack[-1][0] >= r.depth:
                stack.pop()
            stack[-1][1].append(node)
            stack.append((r.depth, node["children"]))
        out: dict[str, Any] = {"items": top}
        if result.unreachable_count:
            out["unreachable"] = {"count": result.unreachable_count, "size": result.unreachable_size,
                                  "size_percent": result.unreachable_size_percent}
        return _json("dominators", out)
    if fmt == "csv":
        header = ["Name", "Depth", "ShallowSize", "ShallowSizePercent", "RetainedSize", "RetainedSizePercent",
                  "ImmediateDominator"]
        rows: list[list[Any]] = []
        parents: list[str] = []  # names of the rows above, by depth
        for r in result.rows:
            del parents[r.depth - 1:]
            shallow_pct = r.shallow_size / result.file_size * 100.0 if result.file_size else 0.0
            rows.append([r.name, r.depth, r.shallow_size, shallow_pct, r.retained_size, r.retained_size_percent,
                         parents[-1] if parents else ""])
            parents.append(r.name)
        if result.unreachable_count:
            rows.append([f"[{result.unreachable_count} Unreachable Items]", "", result.unreachable_size,
                         result.unreachable_size_percent, result.unreachable_size, result.unreachable_size_percent, ""])
        return _csv(header, rows)
    cols = [Column("Retained Bytes", True), Column("Retained %", True), Column("Dominator Tree")]
    rows = [[str(r.retained_size), _pct(r.retained_size_percent),
             (_indent(r.depth - 1, "⤷") if r.depth > 1 else "") + r.name] for r in result.rows]
    if result.unreachable_count:
        rows.append([str(result.unreachable_size), _pct(result.unreachable_size_percent),
                     f"[{result.unreachable_count} Unreachable Items]"])
    return render_table(cols, rows, color=color)


# -- paths --------------------------------------------------------------------------------------
def _walk(node: PathNode, depth: int = 0) -> Iterator[tuple[PathNode, int]]:
    stack = [(node, depth)]
    while stack:
        n, d = stack.pop()
        yield n, d
        stack.extend((c, d + 1) for c in reversed(n.children))


def _path_json(node: PathNode, key: str) -> dict[str, Any]:
    # built bottom-up without recursion
    done: dict[int, dict[str, Any]] = {}
    order = list(_walk(node))
    for n, _ in reversed(order):
        done[id(n)] = {"name": n.name, "shallow_size": n.size, "shallow_size_percent": n.size_percent,
                       key: [done[id(c)] for c in n.children]}
    return done[id(node)]


@render.register
def _(result: Paths, fmt: str = "text", *, color: bool = False) -> str:
    if color and fmt == "text":
        return render_table(_PATHS_COLUMNS, list(_path_rows(result)), color=True)
    return "".join(render_chunks(result, fmt))


_PATHS_COLUMNS = [Column("Shallow Bytes", True), Column("Shallow %", True), Column("Retaining Paths")]


def _path_rows(result: Paths) -> Iterator[list[str]]:
    mark = "↳" if result.descending else "⬑"
    for tree in result.trees:
        for n, d in _walk(tree):
            if d == 0:
                yield [str(n.size), _pct(n.size_percent), n.name]
            else:
                yield ["", "", _indent(d, mark) + n.name]


@render_chunks.register
def _(result: Paths, fmt: str = "text", *, color: bool = False) -> Iterator[str]:
    # one tree at a time: without items, every item of the module has a tree
    if color and fmt == "text" and len(result.trees) <= _COLOR_TREES:
        yield render(result, fmt, color=True)
    elif fmt == "json":
        key = "callees" if result.descending else "callers"
        yield '{"schema": ' + json.dumps(schema_id("paths")) + ', "items": ['
        for k, tree in enumerate(result.trees):
            yield (", " if k else "") + json.dumps(_path_json(tree, key), ensure_ascii=False)
        yield '], "descending": ' + json.dumps(result.descending) + "}\n"
    elif fmt == "csv":
        yield _csv(["Name", "ShallowSize", "ShallowSizePercent", "Path"], [])
        for tree in result.trees:
            rows: list[list[Any]] = []
            for n, _ in _walk(tree):
                # twiggy's column: the item's next items, then the item ("" when it has none)
                path = " -> ".join([c.name for c in n.children] + [n.name]) if n.children else ""
                rows.append([n.name, n.size, n.size_percent, path])
            yield _csv_rows(rows)
    else:
        yield from stream_table(_PATHS_COLUMNS, lambda: _path_rows(result))


#: above this many trees ``paths`` streams its plain table even to a terminal (a rich table is
#: laid out whole, in memory)
_COLOR_TREES = 200


# -- monos --------------------------------------------------------------------------------------
@render.register
def _(result: Monos, fmt: str = "text", *, color: bool = False) -> str:
    pct = result.percent
    if fmt == "json":
        groups = []
        for g in result.groups:
            insts = [{"name": n, "shallow_size": s, "shallow_size_percent": pct(s)} for n, s in g.instantiations]
            if g.remaining_count:
                insts.append({"name": f"... and {g.remaining_count} more.", "shallow_size": g.remaining_size,
                              "shallow_size_percent": pct(g.remaining_size)})
            groups.append({"generic": g.name, "approximate_monomorphization_bloat_bytes": g.bloat,
                           "approximate_monomorphization_bloat_percent": pct(g.bloat),
                           "total_size": g.size, "total_size_percent": pct(g.size),
                           "monomorphizations": insts})
        return _json("monos", {
            "items": groups,
            "remaining": {"count": result.remaining_groups, "total_size": result.remaining_size,
                          "approximate_monomorphization_bloat_bytes": result.remaining_bloat},
            "total": {"count": result.total_rows, "total_size": result.total_size,
                      "approximate_monomorphization_bloat_bytes": result.total_bloat},
        })
    if fmt == "csv":
        header = ["Generic", "ApproximateMonomorphizationBloatBytes", "ApproximateMonomorphizationBloatPercent",
                  "TotalSize", "TotalSizePercent", "Monomorphizations"]
        rows: list[list[Any]] = [[g.name, g.bloat, pct(g.bloat), g.size, pct(g.size),
                                  ", ".join(n for n, _ in g.instantiations)] for g in result.groups]
        if result.remaining_groups:
            rows.append([f"... and {result.remaining_rows} more.", result.remaining_bloat, pct(result.remaining_bloat),
                         result.remaining_size, pct(result.remaining_size), ""])
        rows.append([f"Σ [{result.total_rows} Total Rows]", result.total_bloat, pct(result.total_bloat),
                     result.total_size, pct(result.total_size), ""])
        return _csv(header, rows)
    cols = [Column("Apprx. Bloat Bytes", True), Column("Apprx. Bloat %", True), Column("Bytes", True),
            Column("%", True), Column("Monomorphizations")]
    rows = []
    for g in result.groups:
        rows.append([str(g.bloat), _pct(pct(g.bloat)), str(g.size), _pct(pct(g.size)), g.name])
        for n, s in g.instantiations:
            rows.append(["", "", str(s), _pct(pct(s)), "    " + n])
        if g.remaining_count:
            rows.append(["", "", str(g.remaining_size), _pct(pct(g.remaining_size)),
                         f"    ... and {g.remaining_count} more."])
    if result.remaining_groups:
        rows.append([str(result.remaining_bloat), _pct(pct(result.remaining_bloat)), str(result.remaining_size),
                     _pct(pct(result.remaining_size)), f"... and {result.remaining_rows} more."])
    rows.append([str(result.total_bloat), _pct(pct(result.total_bloat)), str(result.total_size),
                 _pct(pct(result.total_size)), f"Σ [{result.total_rows} Total Rows]"])
    return render_table(cols, rows, color=color)


# -- garbage ------------------------------------------------------------------------------------
@render.register
def _(result: Garbage, fmt: str = "text", *, color: bool = False) -> str:
    pct = result.percent
    if fmt == "json":
        out: dict[str, Any] = {
            "items": [{"name": r.name, "bytes": r.size, "size_percent": r.size_percent} for r in result.rows],
            "remaining": {"count": result.remaining_count, "bytes": result.remaining_size,
                          "size_percent": pct(result.remaining_size)},
            "total": {"count": result.total_count, "bytes": result.total_size, "size_percent": pct(result.total_size)},
        }
        if result.data_count:
            out["data_segments"] = {"count": result.data_count, "bytes": result.data_size,
                                    "size_percent": pct(result.data_size)}
        return _json("garbage", out)
    if fmt == "csv":
        return _csv(["Name", "Bytes", "SizePercent"], [[r.name, r.size, r.size_percent] for r in result.rows])
    cols = [Column("Bytes", True), Column("Size %", True), Column("Garbage Item")]
    rows = [[str(r.size), _pct(r.size_percent), r.name] for r in result.rows]
    if result.remaining_count:
        rows.append([str(result.remaining_size), _pct(pct(result.remaining_size)),
                     f"... and {result.remaining_count} more"])  # (twiggy's garbage has no period here)
    rows.append([str(result.total_size), _pct(pct(result.total_size)), f"Σ [{result.total_count} Total Rows]"])
    if result.data_count:
        rows.append([str(result.data_size), _pct(pct(result.data_size)),
                     f"{result.data_count} potential false-positive data segments"])
    return render_table(cols, rows, color=color)


# -- diff ---------------------------------------------------------------------------------------
@render.register
def _(result: Diff, fmt: str = "text", *, color: bool = False) -> str:
    if fmt == "json":
        return _json("diff", {
            "items": [{"name": r.name, "delta_bytes": r.delta, "old_size": r.old_size, "new_size": r.new_size}
                      for r in result.rows],
            "remaining": {"count": result.remaining_count, "delta_bytes": result.remaining_delta},
            "total": {"count": result.total_count, "delta_bytes": result.total_delta,
                      "old_size": result.old_size, "new_size": result.new_size},
        })
    if fmt == "csv":
        rows: list[list[Any]] = [[f"{r.delta:+}", r.name] for r in result.rows]
        if result.remaining_count:
            rows.append([f"{result.remaining_delta:+}", f"... and {result.remaining_count} more."])
        rows.append([f"{result.total_delta:+}", f"Σ [{result.total_count} Total Rows]"])
        return _csv(["DeltaBytes", "Item"], rows)
    cols = [Column("Delta Bytes", True), Column("Item")]
    text_rows = [[f"{r.delta:+}", r.name] for r in result.rows]
    if result.remaining_count:
        text_rows.append([f"{result.remaining_delta:+}", f"... and {result.remaining_count} more."])
    text_rows.append([f"{result.total_delta:+}", f"Σ [{result.total_count} Total Rows]"])
    return render_table(cols, text_rows, color=color)


# -- crates -------------------------------------------------------------------------------------
@render.register
def _(result: Crates, fmt: str = "text", *, color: bool = False) -> str:
    if fmt == "json":
        return _json("crates", {"items": [{"crate": r.crate, "functions": r.functions, "shallow_size": r.shallow_size,
                                 "shallow_size_percent": r.shallow_size_percent, "retained_size": r.retained_size,
                                 "retained_size_percent": r.retained_size_percent} for r in result.rows],
                      "total": {"size": result.file_size}})
    if fmt == "csv":
        return _csv(["Crate", "Functions", "ShallowSize", "ShallowSizePercent", "RetainedSize", "RetainedSizePercent"],
                    [[r.crate, r.functions, r.shallow_size, r.shallow_size_percent, r.retained_size,
                      r.retained_size_percent] for r in result.rows])
    cols = [Column("Shallow Bytes", True), Column("Shallow %", True), Column("Retained Bytes", True),
            Column("Retained %", True), Column("Functions", True), Column("Crate")]
    rows = [[str(r.shallow_size), _pct(r.shallow_size_percent), str(r.retained_size), _pct(r.retained_size_percent),
             str(r.functions), r.crate] for r in result.rows]
    rows.append([str(result.file_size), _pct(100.0 if result.file_size else 0.0), "", "",
                 str(sum(r.functions for r in result.rows)), f"Σ [{len(result.rows)} Total Rows]"])
    return render_table(cols, rows, color=color)


__all__ = ["FORMATS", "render", "render_chunks"]
