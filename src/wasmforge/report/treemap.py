"""The HTML size report: one self-contained file (no network) with a zoomable treemap
crate → module path → function, sized by shallow or retained bytes, a search box, and the top table.

The data is embedded as JSON; a small script lays the treemap out (squarified) and redraws it on
zoom. Nothing is fetched: the file works offline and can be mailed around.
"""

from __future__ import annotations

import html
import json
from typing import Any

from wasmforge.analysis.crates import NON_CODE, Crates
from wasmforge.analysis.top import Top


def _hierarchy(crates: Crates) -> dict[str, Any]:
    # leaves are [name, shallow, retained]; groups are {"n": name, "c": [children]}
    tree: dict[str, dict[str, list[list[Any]]]] = {}
    for f in crates.functions:
        module = f.module if f.module != f.crate else "(crate root)"
        tree.setdefault(f.crate, {}).setdefault(module, []).append([f.name, f.shallow_size, f.retained_size])
    for o in crates.others:
        if o.shallow_size or o.retained_size:
            tree.setdefault(NON_CODE, {}).setdefault(o.kind, []).append([o.name, o.shallow_size, o.retained_size])
    return {
        "n": "all",
        "c": [{"n": crate, "c": [{"n": mod, "c": leaves} for mod, leaves in modules.items()]}
              for crate, modules in tree.items()],
    }


def _top_rows(top: Top) -> list[list[Any]]:
    return [[r.name, r.shallow_size, r.shallow_size_percent, r.retained_size, r.retained_size_percent]
            for r in top.rows]


def _embed(data: Any) -> str:
    # JSON inside <script>: escape every "<" so a symbol name can neither close the element nor
    # open a comment or another script in it
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def treemap_html(crates: Crates, top: Top, *, title: str) -> str:
    """The report page for one module: ``crates`` gives the treemap, ``top`` the table."""
    data = {
        "title": title,
        "size": crates.file_size,
        "tree": _hierarchy(crates),
        "top": _top_rows(top),
        "crates": [[r.crate, r.functions, r.shallow_size, r.retained_size] for r in crates.rows],
    }
    return _PAGE.replace("@@TITLE@@", html.escape(title)).replace("@@DATA@@", _embed(data))


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@@TITLE@@ — where the bytes go</title>
<style>
  :root { --fg:#1d2330; --muted:#667085; --line:#d0d5dd; --bg:#f8f9fb; --hi:#ffb020; }
  * { box-sizing: border-box; }
  body { margin:0; font:13px/1.35 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
  header { display:flex; gap:16px; align-items:center; padding:10px 16px; border-bottom:1px solid var(--line); background:#fff; flex-wrap:wrap; }
  h1 { font-size:16px; margin:0; }
  .summary { color:var(--muted); }
  .controls { margin-left:auto; display:flex; gap:12px; align-items:center; }
  input[type=search] { width:260px; padding:5px 8px; border:1px solid var(--line); border-radius:6px; font:inherit; }
  #crumbs { padding:6px 16px; color:var(--muted); }
  #crumbs a { color:#175cd3; cursor:pointer; text-decoration:none; }
  #map { position:relative; margin:0 16px; height:480px; background:#fff; border:1px solid var(--line); overflow:hidden; }
  .tile { position:absolute; overflow:hidden; border:1px solid rgba(255,255,255,.9); color:#111; cursor:pointer; }
  .tile .label { position:absolute; left:3px; top:1px; right:3px; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; font-size:11px; pointer-events:none; }
  .tile.group > .label { font-weight:600; }
  .tile.match { outline:3px solid var(--hi); outline-offset:-3px; z-index:2; }
  .tile.dim { opacity:.35; }
  #tip { position:fixed; pointer-events:none; background:#1d2330; color:#fff; padding:5px 8px; border-radius:5px; font-size:12px; display:none; max-width:520px; z-index:10; }
  main { display:grid; grid-template-columns: 2fr 1fr; gap:16px; padding:12px 16px 24px; }
  table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); }
  th, td { padding:3px 8px; border-bottom:1px solid #eef0f3; text-align:left; }
  th { background:#f2f4f7; position:sticky; top:0; }
  td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
  td.name { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:12px; word-break:break-all; }
  .scroll { max-height:420px; overflow:auto; }
  h2 { font-size:14px; margin:0 0 6px; }
</style>
</head>
<body>
<header>
  <h1>@@TITLE@@</h1>
  <span class="summary" id="summary"></span>
  <div class="controls">
    <label><input type="radio" name="metric" value="1" checked> shallow</label>
    <label><input type="radio" name="metric" value="2"> retained</label>
    <input type="search" id="search" placeholder="Search functions, crates, items…" aria-label="search">
  </div>
</header>
<div id="crumbs"></div>
<div id="map" role="img" aria-label="treemap"></div>
<div id="tip"></div>
<main>
  <section>
    <h2>Top items</h2>
    <div class="scroll"><table id="top"><thead><tr><th class="num">Shallow</th><th class="num">%</th><th class="num">Retained</th><th class="num">%</th><th>Item</th></tr></thead><tbody></tbody></table></div>
  </section>
  <section>
    <h2>Crates</h2>
    <div class="scroll"><table id="crates"><thead><tr><th>Crate</th><th class="num">Functions</th><th class="num">Shallow</th><th class="num">Retained</th></tr></thead><tbody></tbody></table></div>
  </section>
</main>
<script id="data" type="application/json">@@DATA@@</script>
<script>
"use strict";
const DATA = JSON.parse(document.getElementById("data").textContent);
let metric = 1, query = "", path = [];
const PALETTE = ["#7cb5ec","#90ed7d","#f7a35c","#8085e9","#f15c80","#e4d354","#2b908f","#f45b5b","#91e8e1","#b39ddb","#ffcc80","#a5d6a7"];
const fmt = n => n.toLocaleString("en-US");
const pct = n => (DATA.size ? (100 * n / DATA.size) : 0).toFixed(2) + "%";
const isLeaf = n => Array.isArray(n);
const nameOf = n => isLeaf(n) ? n[0] : n.n;
function total(n) {
  if (isLeaf(n)) return n[metric];
  const key = "_t" + metric;
  if (n[key] === undefined) n[key] = n.c.reduce((s, c) => s + total(c), 0);
  return n[key];
}
function matches(n) {
  if (!query) return false;
  if (nameOf(n).toLowerCase().includes(query)) return true;
  return !isLeaf(n) && n.c.some(matches);
}
// squarified treemap: lay children out in rows along the shorter side
function squarify(items, x, y, w, h, out) {
  items = items.filter(i => i.v > 0);
  let sum = items.reduce((s, i) => s + i.v, 0);
  while (items.length) {
    const side = Math.min(w, h), scale = (w * h) / sum;
    let row = [], rowSum = 0, best = Infinity;
    for (const it of items) {
      const s = rowSum + it.v, areaS = s * scale;
      // items come largest first: the row's largest is its first, its smallest the newest
      const maxV = row.length ? row[0].v : it.v, minV = it.v;
      const worst = Math.max((side * side * maxV * scale) / (areaS * areaS), (areaS * areaS) / (side * side * minV * scale));
      if (row.length && worst > best) break;
      row.push(it); rowSum = s; best = worst;
    }
    const thick = (rowSum * scale) / side;
    let off = 0;
    for (const it of row) {
      const len = (it.v * scale) / thick;
      if (w >= h) out.push([it, x, y + off, thick, len]); else out.push([it, x + off, y, len, thick]);
      off += len;
    }
    if (w >= h) { x += thick; w -= thick; } else { y += thick; h -= thick; }
    sum -= rowSum; items = items.slice(row.length);
  }
  return out;
}
function expand(n) { while (!isLeaf(n) && n.c.length === 1 && !isLeaf(n.c[0])) n = n.c[0]; return n; }
function current() { let n = DATA.tree; for (const i of path) n = n.c[i]; return n; }
function colorOf(topIndex) { return PALETTE[topIndex % PALETTE.length]; }
function draw() {
  const map = document.getElementById("map");
  map.innerHTML = "";
  const node = current();
  const W = map.clientWidth, H = map.clientHeight;
  const kids = node.c.map((c, i) => ({ node: c, i, v: total(c) })).sort((a, b) => b.v - a.v);
  const topColor = path.length ? colorOf(path[0]) : null;
  for (const [it, x, y, w, h] of squarify(kids, 0, 0, W, H, [])) {
    if (w < 1 || h < 1) continue;
    const el = tile(it.node, x, y, w, h, topColor || colorOf(it.i));
    el.onclick = ev => {
      ev.stopPropagation();
      if (isLeaf(it.node)) return;
      path.push(it.i);
      for (let n = it.node; n.c.length === 1 && !isLeaf(n.c[0]); n = n.c[0]) path.push(0);
      draw();
    };
    map.appendChild(el);
    // one nested level inside groups, for context (through groups of one group, such as the
    // single "(crate root)" of a stripped module's [unnamed] crate)
    if (!isLeaf(it.node) && w > 40 && h > 30) {
      const inner = expand(it.node).c.map((c, i) => ({ node: c, i, v: total(c) })).sort((a, b) => b.v - a.v);
      for (const [sub, sx, sy, sw, sh] of squarify(inner, 2, 16, w - 4, h - 18, [])) {
        if (sw < 3 || sh < 3) continue;
        const s = tile(sub.node, sx, sy, sw, sh, null);
        s.style.background = "rgba(255,255,255,.28)";
        el.appendChild(s);
      }
    }
  }
  crumbs();
}
function tile(n, x, y, w, h, color) {
  const el = document.createElement("div");
  el.className = "tile" + (isLeaf(n) ? "" : " group");
  if (query) el.classList.add(matches(n) ? "match" : "dim");
  Object.assign(el.style, { left: x + "px", top: y + "px", width: w + "px", height: h + "px" });
  if (color) el.style.background = color;
  if (w > 30 && h > 14) { const l = document.createElement("div"); l.className = "label"; l.textContent = nameOf(n) + "  " + fmt(total(n)); el.appendChild(l); }
  el.onmousemove = ev => showTip(ev, n);
  el.onmouseleave = () => { document.getElementById("tip").style.display = "none"; };
  return el;
}
function showTip(ev, n) {
  ev.stopPropagation();
  const tip = document.getElementById("tip");
  const size = total(n);
  tip.textContent = nameOf(n) + " — " + fmt(size) + " bytes (" + pct(size) + ")" + (isLeaf(n) ? "  shallow " + fmt(n[1]) + ", retained " + fmt(n[2]) : "");
  tip.style.display = "block";
  tip.style.left = Math.min(ev.clientX + 12, innerWidth - 540) + "px";
  tip.style.top = (ev.clientY + 12) + "px";
}
function crumbs() {
  const c = document.getElementById("crumbs");
  c.innerHTML = "";
  let n = DATA.tree;
  const parts = [["all crates", 0]];
  path.forEach((i, k) => { n = n.c[i]; parts.push([n.n, k + 1]); });
  parts.forEach(([label, depth], k) => {
    if (k) c.appendChild(document.createTextNode(" › "));
    const a = document.createElement(k === parts.length - 1 ? "span" : "a");
    a.textContent = label;
    if (k !== parts.length - 1) a.onclick = () => { path = path.slice(0, depth); draw(); };
    c.appendChild(a);
  });
  c.appendChild(document.createTextNode("  (" + fmt(total(current())) + " bytes; click a tile to zoom in)"));
}
function fillTables() {
  const tb = document.querySelector("#top tbody");
  tb.innerHTML = "";
  for (const [name, s, sp, r, rp] of DATA.top) {
    if (query && !name.toLowerCase().includes(query)) continue;
    const tr = document.createElement("tr");
    for (const [v, cls] of [[fmt(s), "num"], [sp.toFixed(2) + "%", "num"], [fmt(r), "num"], [rp.toFixed(2) + "%", "num"], [name, "name"]]) {
      const td = document.createElement("td"); td.className = cls; td.textContent = v; tr.appendChild(td);
    }
    tb.appendChild(tr);
  }
  const cb = document.querySelector("#crates tbody");
  cb.innerHTML = "";
  for (const [crate, count, s, r] of DATA.crates) {
    const tr = document.createElement("tr");
    for (const [v, cls] of [[crate, "name"], [fmt(count), "num"], [fmt(s), "num"], [fmt(r), "num"]]) {
      const td = document.createElement("td"); td.className = cls; td.textContent = v; tr.appendChild(td);
    }
    cb.appendChild(tr);
  }
}
document.getElementById("summary").textContent = fmt(DATA.size) + " bytes";
document.querySelectorAll("input[name=metric]").forEach(r => r.onchange = () => { metric = +r.value; draw(); });
document.getElementById("search").oninput = ev => { query = ev.target.value.trim().toLowerCase(); draw(); fillTables(); };
document.getElementById("map").onclick = () => { if (path.length) { path.pop(); draw(); } };
addEventListener("resize", draw);
// report.html#search=alloc opens with that search applied (links into a report)
const preset = new URLSearchParams(location.hash.slice(1)).get("search");
if (preset) { const box = document.getElementById("search"); box.value = preset; query = preset.trim().toLowerCase(); }
fillTables();
draw();
</script>
</body>
</html>
"""

__all__ = ["treemap_html"]
