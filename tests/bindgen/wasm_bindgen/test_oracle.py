"""Differential test: the same crate through wasm-bindgen's own CLI and JS glue under node gives
the same results as through wasmforge's Python package, call by call.

Needs ``wasm-bindgen`` (``scripts/wasm-bindgen-cli.sh`` installs it at the crate's wasm-bindgen
version into ~/.cargo/bin; also found on PATH or as ``WASMFORGE_WASM_BINDGEN``) and ``node``;
skipped otherwise, except under ``CI=true``, where ``.ci/run`` installs it and its absence fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CRATE = Path(__file__).resolve().parents[1] / "crates" / "wbg_basic"

#: (function, arguments); {"big": "..."} is an i64/u64 argument (a BigInt in JS),
#: {"f64": [...]} / {"i32": [...]} a typed array, {"list": [...]} an array.
CASES = [
    ("greet", ["Ada"]), ("greet", ["žluťoučký 🦀"]), ("greet", [""]),
    ("add", [1, {"big": "1099511627776"}, 0.5]),
    ("wide", [{"big": "-1"}, {"big": "2"}]), ("wide", [{"big": "0"}, {"big": "18446744073709551615"}]),
    ("halve", [4294967294]), ("is_even", [-4]), ("is_even", [7]),
    ("sum", [{"f64": [1.5, 2.5, 4.0]}]), ("sum", [{"f64": []}]), ("doubled", [{"i32": [1, -2, 3]}]),
    ("checked", [4]), ("checked", [-1]), ("name_of", [0]), ("name_of", [3]),
    ("upper", [True, "q"]), ("upper", [False, "ř"]),
    ("maybe_text", [7]), ("maybe_text", [None]), ("maybe_text", [4294967295]),
    ("maybe_wide", [{"big": "-3"}, 0.5]), ("maybe_wide", [None, 1.0]),
    ("maybe_small", [True, "ř", "abc"]), ("maybe_small", [None, "a", ""]), ("maybe_small", [False, "a", None]),
    ("turn", [0]), ("turn", [11]), ("maybe_turn", [None]), ("maybe_turn", [10]),
    ("corners", ["square"]), ("corners", ["circle"]), ("rounder", ["square"]),
    ("parse_flag", ["yes"]), ("parse_flag", ["maybe"]),
    ("keep", ["text"]), ("keep", [2.5]), ("keep", [None]), ("same", ["x", "x"]), ("same", [1, "1"]),
    ("reversed", [{"list": ["a", 1.5, True]}]), ("boxed_values", [{"list": ["z", 0]}]),
    ("words", [" ein  zwei 🦀 "]), ("words", [""]), ("joined", [{"list": ["a", "žluť", ""]}, "+"]),
    ("sorted_words", [{"list": ["pear", "apple", "Fig"]}]), ("maybe_words", [{"list": ["a", "b"]}]),
    ("maybe_words", [None]), ("scaled", [{"f64": [1.0, -2.5]}, 2.0]), ("scaled", [{"f64": []}, 3.0]),
    ("tagged", ["ž", 7, "🦀"]), ("tagged", ["", 0, ""]),
]

NODE_DRIVER = r"""
const pkg = require(process.argv[2]);
const cases = JSON.parse(require("fs").readFileSync(0, "utf8"));
const arg = (a) => a === null ? undefined : typeof a !== "object" ? a
  : "big" in a ? BigInt(a.big) : "f64" in a ? Float64Array.from(a.f64) : "list" in a ? a.list.map(arg)
  : Int32Array.from(a.i32);
const norm = (v) => typeof v === "bigint" ? { big: v.toString() }
  : ArrayBuffer.isView(v) ? Array.from(v) : v === undefined ? null : v;
const out = cases.map(([name, args]) => {
  try { return norm(pkg[name](...args.map(arg))); } catch (e) { return { error: e.message }; }
});
const c = new pkg.Counter(5);
const steps = [c.bump(), c.count];
c.count = 10; c.step = 3;
steps.push(c.bump(), c.step, c.made, c.describe(), pkg.Counter.fromText("41").bump());
try { pkg.Counter.fromText("x"); } catch (e) { steps.push({ error: e.message }); }
steps.push(pkg.total(new pkg.Counter(1), new pkg.Counter(2)));
out.push(steps);
console.log(JSON.stringify(out));
"""


def _cli() -> str | None:
    installed = Path.home() / ".cargo" / "bin" / "wasm-bindgen"
    return os.environ.get("WASMFORGE_WASM_BINDGEN") or shutil.which("wasm-bindgen") or (str(installed) if installed.exists() else None)


def _crate_wasm_bindgen_version() -> str:
    lock = (CRATE / "Cargo.lock").read_text(encoding="utf-8")
    match = re.search(r'name = "wasm-bindgen"\nversion = "([^"]+)"', lock)
    assert match, "Cargo.lock of wbg_basic names no wasm-bindgen"
    return match.group(1)


@pytest.fixture(scope="module")
def oracle():
    cli, node = _cli(), shutil.which("node")
    missing = None
    if cli is None or node is None:
        missing = (
            f"{'the wasm-bindgen CLI' if cli is None else 'node'} is not installed: "
            "scripts/wasm-bindgen-cli.sh (and node) to run the differential test"
        )
    else:
        version = subprocess.run([cli, "--version"], capture_output=True, text=True, check=True).stdout.split()[-1]
        if version != _crate_wasm_bindgen_version():
            missing = f"wasm-bindgen CLI {version} differs from the crate's wasm-bindgen {_crate_wasm_bindgen_version()}"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{missing} (.ci/run installs it)")
        pytest.skip(missing)
    return cli, node


def _python_value(pkg, value):
    if isinstance(value, dict) and "big" in value:
        return int(value["big"])
    if isinstance(value, dict):
        return next(iter(value.values()))
    return value


def _normalise(result, result_kind: str):
    if isinstance(result, int) and not isinstance(result, bool) and result_kind in ("i64", "u64"):
        return {"big": str(result)}
    if isinstance(result, int) and not isinstance(result, bool):
        return int(result)  # IntEnum members are numbers in JS
    return result


def test_python_package_agrees_with_wasm_bindgen_js_glue(oracle, wbg_locked, tmp_path) -> None:
    cli, node = oracle
    result, pkg = wbg_locked
    out = tmp_path / "js"
    subprocess.run([cli, "--target", "nodejs", "--out-dir", str(out), str(result.raw_wasm)], check=True, capture_output=True)
    driver = tmp_path / "driver.js"
    driver.write_text(NODE_DRIVER, encoding="utf-8")
    proc = subprocess.run(
        [node, str(driver), str(out / "wbg_basic.js")], input=json.dumps(CASES), capture_output=True, text=True, check=True
    )
    js = json.loads(proc.stdout)
    kinds = {f.name: f.types.result for f in _binding_functions(result)}
    ours = []
    for name, args in CASES:
        try:
            kind = kinds[name]
            inner = kind[1] if kind[0] in ("result", "option") else kind
            ours.append(_normalise(getattr(pkg, name)(*[_python_value(pkg, a) for a in args]), inner[0]))
        except pkg.JsError as err:
            ours.append({"error": str(err)})
    c = pkg.Counter(5)
    steps = [c.bump(), c.count]
    c.count, c.step = 10, 3
    steps += [c.bump(), c.step, c.made, c.describe(), pkg.Counter.fromText("41").bump()]
    try:
        pkg.Counter.fromText("x")
    except pkg.JsError as err:
        steps.append({"error": str(err)})
    steps.append(pkg.total(pkg.Counter(1), pkg.Counter(2)))
    ours.append(steps)
    for (name, args), mine, theirs in zip([*CASES, ("Counter", [])], ours, js, strict=True):
        assert mine == theirs, f"{name}{tuple(args)}: Python {mine!r}, node {theirs!r}"


def _binding_functions(result):
    from wasmforge.bindgen.wasm_bindgen import generate

    return generate.bind(result.raw_wasm.read_bytes()).functions
