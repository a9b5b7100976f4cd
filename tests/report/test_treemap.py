"""The HTML report: self-contained, its data complete, and drawn for real in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
import wasmtime

from wasmforge.analysis import build, crates, top
from wasmforge.report.treemap import treemap_html

WAT = """(module
  (memory (export "memory") 1)
  (data (i32.const 64) "</script><b>not markup</b>")
  (func $core::fmt::write (result i32) (i32.const 64) (i32.load))
  (func $alloc::raw_vec::finish_grow (result i32) (call $core::fmt::write))
  (func $alloc::vec::Vec::push (result i32) (call $alloc::raw_vec::finish_grow))
  (func $app::render::frame (export "frame") (result i32) (call $alloc::vec::Vec::push) (call $core::fmt::write) (i32.add))
  (func $app::main (export "main") (result i32) (call $app::render::frame)))"""

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _page(tmp_path: Path) -> tuple[Path, int]:
    wasm = wasmtime.wat2wasm(WAT)
    graph = build(wasm)
    html = treemap_html(crates(graph), top(graph), title="app.wasm")
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    return path, len(wasm)


def _data(html: str) -> dict:
    raw = re.search(r'<script id="data" type="application/json">(.*?)</script>', html, re.S)
    assert raw is not None
    return json.loads(raw.group(1))


def test_embedded_data_covers_every_byte_of_the_module(tmp_path: Path) -> None:
    path, size = _page(tmp_path)
    data = _data(path.read_text(encoding="utf-8"))
    leaves = [leaf for crate in data["tree"]["c"] for module in crate["c"] for leaf in module["c"]]
    assert sum(leaf[1] for leaf in leaves) == size == data["size"]
    assert {c["n"] for c in data["tree"]["c"]} >= {"core", "alloc", "app"}
    app = next(c for c in data["tree"]["c"] if c["n"] == "app")
    assert {m["n"] for m in app["c"]} == {"app::render", "(crate root)"}


def test_names_cannot_close_the_script_element(tmp_path: Path) -> None:
    wasm = wasmtime.wat2wasm('(module (func $x</script><script>alert1</script> (export "f")))')
    graph = build(wasm)
    html = treemap_html(crates(graph), top(graph), title="<b>t</b>")
    assert "<script>alert1" not in html and "<b>t</b>" not in html
    assert any("alert1" in leaf[0] for c in _data(html)["tree"]["c"] for m in c["c"] for leaf in m["c"])


def test_the_page_loads_nothing_from_the_network(tmp_path: Path) -> None:
    html = _page(tmp_path)[0].read_text(encoding="utf-8")
    assert not re.search(r'(src|href)\s*=\s*"(https?:)?//', html)
    assert "@import" not in html and "fetch(" not in html


def _chromium(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    assert CHROMIUM is not None
    profile = tmp_path / "chromium-profile"
    argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", *extra]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian package 'chromium')")
def test_chromium_draws_the_treemap_and_takes_a_screenshot(tmp_path: Path) -> None:
    page, _ = _page(tmp_path)
    png = tmp_path / "report.png"
    proc = _chromium(tmp_path, f"--screenshot={png}", "--window-size=1200,800", page.as_uri())
    assert png.is_file(), proc.stderr[-2000:]
    head = png.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", head[16:24]) == (1200, 800)
    # the DOM after the script ran: one tile per crate at the top level, labels with sizes
    dom = _chromium(tmp_path, "--dump-dom", "--window-size=1200,800", page.as_uri()).stdout
    tiles = re.findall(r'<div class="tile group[^"]*"', dom)
    assert len(tiles) >= 4
    for crate in ("core", "alloc", "app"):
        assert re.search(rf'<div class="label">{crate}\s+[\d,]+</div>', dom), crate
    assert dom.count("<tr>") >= 6  # top table and crates table were filled


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian package 'chromium')")
def test_search_from_the_url_highlights_matching_tiles(tmp_path: Path) -> None:
    page, _ = _page(tmp_path)
    dom = _chromium(tmp_path, "--dump-dom", "--window-size=1200,800", page.as_uri() + "#search=raw_vec").stdout
    matched = re.findall(r'<div class="tile group match"[^>]*><div class="label">([^<]*)</div>', dom)
    names = [m.split()[0] for m in matched]
    assert "alloc" in names and all(n.startswith("alloc") for n in names)  # the crate and its module
    assert "dim" in dom
