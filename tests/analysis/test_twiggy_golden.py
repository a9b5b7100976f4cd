"""wasmforge against twiggy's own CLI tests: for every expectation in the corpus, run the matching
wasmforge command (with --twiggy-compatible, twiggy's edges) and compare.

Text output must be identical line by line. JSON and CSV are compared by content: the same items
with the same names and sizes (our JSON wraps lists in objects with summary fields; our top CSV
always fills the retained columns; our dominators CSV has no twiggy-internal ids).

Without --twiggy-compatible the graph only gains edges (call_indirect, ref.func, ...): the last test
checks that this is the whole difference.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.analysis.twiggy_golden import csv_rows, load_commands, output_format, translate
from tests.conftest import CORPUS

ROOT = CORPUS / "twiggy"
CASES = load_commands(ROOT) if (ROOT / "COMMANDS.tsv").is_file() else []
SUMMARY_PREFIXES = ("Σ [", "... and ")


def _run(run_cli: Any, argv: list[str]) -> str:
    code, out, err = run_cli(*translate(argv, ROOT))
    # garbage and diff exit 1 for a finding (unreachable items, modules that differ)
    assert code in ((0, 1) if argv[0] in ("garbage", "diff") else (0,)) and err == "", err
    return out


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-12)
    return a == b


def _assert_subset(theirs: dict[str, Any], ours: dict[str, Any], where: str) -> None:
    """Every field twiggy prints is in ours with the same value; nested lists likewise."""
    for key, value in theirs.items():
        assert key in ours, f"{where}: field {key!r} missing"
        if isinstance(value, list):
            assert len(ours[key]) == len(value), f"{where}.{key}: {len(ours[key])} entries, twiggy has {len(value)}"
            for k, (t, o) in enumerate(zip(value, ours[key])):
                _assert_subset(t, o, f"{where}.{key}[{k}]")
        else:
            assert _close(value, ours[key]), f"{where}.{key}: {ours[key]!r} != twiggy's {value!r}"


def _compare_json(name: str, theirs: Any, ours: dict[str, Any]) -> None:
    items = theirs["items"] if isinstance(theirs, dict) else theirs
    if len(items) == 1 and items[0]["name"] == "<meta root>":  # twiggy's whole dominator tree
        items = items[0].get("children", [])
    summaries = [i for i in items if str(i.get("name", i.get("generic", ""))).startswith(SUMMARY_PREFIXES)
                 or "potential false-positive" in str(i.get("name", ""))]
    plain = [i for i in items if i not in summaries]
    assert len(ours["items"]) == len(plain), name
    for k, (t, o) in enumerate(zip(plain, ours["items"])):
        _assert_subset(t, o, f"{name}[{k}]")
    for s in summaries:
        label = str(s.get("name", s.get("generic", "")))
        size_key = next(k for k in ("bytes", "delta_bytes", "total_size") if k in s)
        if label.startswith("Σ ["):
            assert ours["total"][size_key] == s[size_key], f"{name}: total"
        elif label.startswith("... and "):
            assert ours["remaining"][size_key] == s[size_key], f"{name}: remaining"
        else:
            assert ours["data_segments"]["bytes"] == s["bytes"], f"{name}: data segments"


def _compare_csv(name: str, argv: list[str], theirs: str, ours: str) -> None:
    t_rows, o_rows = csv_rows(theirs), csv_rows(ours)
    if t_rows and "Id" in t_rows[0]:  # twiggy's dominators CSV: ids, the meta-root, idom ids
        t_rows = [r for r in t_rows if r["Name"] != "<meta root>"]
    limited = any(a in ("-d", "-r") for a in argv)
    assert len(o_rows) == len(t_rows), name
    for k, (t, o) in enumerate(zip(t_rows, o_rows)):
        for key, value in t.items():
            if key in ("Id", "ImmediateDominator") or value == "":
                continue  # twiggy internals; blank retained columns of a shallow listing
            if key == "Path" and limited:
                continue  # twiggy's Path column ignores -d/-r; ours follows them
            assert key in o, f"{name}: column {key}"
            if key.endswith("Percent"):
                assert _close(float(o[key]), float(value)), f"{name} row {k} {key}"
            else:
                assert o[key] == value, f"{name} row {k} {key}: {o[key]!r} != {value!r}"


@pytest.mark.parametrize(("name", "argv"), CASES, ids=[c[0] for c in CASES])
def test_matches_twiggy_expectation(name: str, argv: list[str], run_cli: Any) -> None:
    expected = (ROOT / "expectations" / name).read_text(encoding="utf-8")
    ours = _run(run_cli, argv)
    fmt = output_format(argv)
    if fmt == "text":
        assert ours.splitlines() == expected.splitlines()
    elif fmt == "json":
        _compare_json(name, json.loads(expected), json.loads(ours))
    else:
        _compare_csv(name, argv, expected, ours)


@pytest.mark.skipif(not CASES, reason="twiggy corpus absent")
def test_without_twiggy_mode_only_edges_are_added() -> None:
    from wasmforge.analysis import ItemKind, build

    for fixture in sorted((ROOT / "fixtures").glob("*.wasm")):
        ours, twiggys = build(fixture), build(fixture, twiggy_compatible=True)
        real = len(twiggys)
        # the same items with the same sizes, plus zero-byte call_indirect stand-ins
        assert ours.names[:real] == twiggys.names and ours.sizes[:real] == twiggys.sizes
        assert all(k == ItemKind.INDIRECT and s == 0 for k, s in zip(ours.kinds[real:], ours.sizes[real:]))
        for item in range(real):
            # twiggy's edges are kept, except its load-only data references, which our
            # every-i32.const rule contains whenever the address is the segment's start
            extra_data = {t for t in twiggys.edges[item] if twiggys.kinds[t] == ItemKind.DATA}
            assert set(twiggys.edges[item]) - extra_data <= set(ours.edges[item]), f"{fixture.name}: {ours.names[item]}"


def _fixture(name: str) -> Path:
    path = ROOT / "fixtures" / name
    if not path.is_file():
        pytest.skip(f"{name} absent")
    return path


def test_call_indirect_edges_are_the_explained_difference_on_wee_alloc() -> None:
    """wee_alloc calls through its table: with our edges the table no longer dominates the
    functions reachable both from it and from call_indirect sites."""
    from wasmforge.analysis import ItemKind, build

    path = _fixture("wee_alloc.wasm")
    ours, twiggys = build(path), build(path, twiggy_compatible=True)
    indirect = [i for i, k in enumerate(ours.kinds) if k == ItemKind.INDIRECT]
    assert indirect, "wee_alloc has call_indirect sites"
    table = twiggys.by_name["table[0]"]
    # twiggy: the table retains everything the element segment names
    assert twiggys.retained_sizes[table] == 271
    # ours: functions also reachable from call sites are no longer the table's alone
    assert ours.retained_sizes[table] < twiggys.retained_sizes[table]
    targets = {t for i in indirect for t in ours.edges[i] if ours.kinds[t] == ItemKind.FUNCTION}
    assert targets and all(ours.immediate_dominators[t] != table for t in targets if len(ours.predecessors[t]) > 1)
