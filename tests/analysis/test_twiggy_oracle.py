"""twiggy itself as the profiler's oracle: ``top``, ``dominators``, ``paths``, ``monos`` and
``garbage`` print what twiggy 0.8 prints, line for line, on every module of the corpus that
twiggy reads (with ``--twiggy-compatible``: twiggy's edges).

Differences by design are normalised away, each for a stated reason:

* names: our demangler leaves out the crate disambiguators of Rust v0 symbols
  (``core[95dc…]::``) and the types of const generic values (``4usize``), writes closures
  ``{closure:#0}`` where twiggy's writes ``{closure#0}``, and prints C++ functions without their
  parameter list; twiggy's monos groups keep a trailing ``::``. Names are compared with those
  spellings removed, and column widths (which follow the names) are ignored;
* ``monos`` of modules with Rust v0 symbols: twiggy groups them by its demangler's text (which
  keeps the disambiguators), so its groups differ from ours; those cases are expected failures;
* ``paths`` on cycles: twiggy follows some cycles through the item a path started from a second
  time; ours (with --twiggy-compatible) shows an item's self-edge once and stops at any other
  revisit. Trees where that is the difference are expected failures;
* modules over 2 MB run with ``WASMFORGE_REFERENCE_FULL=1`` only (about a minute of ours each).
* ``paths``: one item's tree is capped at ``MAX_ROWS_PER_ITEM`` rows (simple paths grow
  exponentially); a capped tree is compared with the first rows of twiggy's.

The twiggy executable: ``$WASMFORGE_TWIGGY``, ``twiggy`` on ``PATH`` or ``~/.cargo/bin/twiggy``
(``cargo install twiggy``; ``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CORPUS
from wasmforge.analysis.paths import MAX_ROWS_PER_ITEM

COMMANDS = ("top", "dominators", "garbage", "monos", "paths")
#: paths of every item of a large module prints millions of rows: those run on modules below this size.
PATHS_LIMIT = 200_000


def _twiggy() -> str:
    for candidate in (os.environ.get("WASMFORGE_TWIGGY"), shutil.which("twiggy"),
                      str(Path.home() / ".cargo" / "bin" / "twiggy")):
        if candidate and Path(candidate).is_file():
            return candidate
    pytest.skip("twiggy is not installed (cargo install twiggy)")


def _modules() -> list[Path]:
    out = []
    for folder in ("twiggy/fixtures", "rust", "real"):
        root = CORPUS / folder
        out += sorted(root.glob("*.wasm")) if root.is_dir() else []
    return out


_FULL = os.environ.get("WASMFORGE_REFERENCE_FULL") == "1"
CASES = [(m, c) for m in _modules() for c in COMMANDS
         if (c != "paths" or m.stat().st_size < PATHS_LIMIT) and (_FULL or m.stat().st_size < 2_000_000)]

_DISAMBIGUATOR = re.compile(r"\[[0-9a-f]{16}\]")
_TYPED_CONST = re.compile(r"\b(\d+)(?:usize|isize|u8|u16|u32|u64|i8|i16|i32|i64)\b")
_CPP_PARAMS = re.compile(r"\((?:[^()]|\([^()]*\))*\)( const)?$")


def _name(text: str) -> str:
    text = _DISAMBIGUATOR.sub("", text).replace("{closure:#", "{closure#").rstrip()
    text = _TYPED_CONST.sub(r"\1", text)
    text = text.removesuffix("::")
    return _CPP_PARAMS.sub("", text) if "::" in text and not text.startswith(("<", "export ")) else text


def _rows(text: str) -> list[list[str]]:
    """The table's rows, cells stripped and names normalised (header and rule dropped)."""
    rows = []
    for line in text.splitlines()[2:]:
        raw = line.split("┊")
        cells = [c.strip() for c in raw]
        if cells[-1].startswith(("⤷", "⬑")):  # a tree row: keep its depth (the indent of the cell)
            depth = (len(raw[-1]) - len(raw[-1].lstrip()) + 1) // 4
            cells[-1] = _name(cells[-1].lstrip("⤷⬑ ").strip()) + f" @{depth}"
        else:
            cells[-1] = _name(cells[-1])
        rows.append(cells)
    return rows


def _blocks(rows: list[list[str]]) -> list[list[list[str]]]:
    """paths rows grouped per item (an item row has its size filled in)."""
    out: list[list[list[str]]] = []
    for r in rows:
        if r[0] or not out:
            out.append([r])
        else:
            out[-1].append(r)
    return out


@pytest.mark.parametrize(("module", "command"), CASES, ids=[f"{m.name}-{c}" for m, c in CASES])
def test_agrees_with_twiggy(module: Path, command: str, run_cli: Any) -> None:
    theirs = subprocess.run([_twiggy(), command, str(module)], capture_output=True, text=True)
    if theirs.returncode != 0:
        pytest.skip(f"twiggy cannot read {module.name}: {theirs.stderr.strip().splitlines()[-1]}")
    code, out, err = run_cli(command, module, "--twiggy-compatible")
    # garbage exits 1 when it finds unreachable items (a finding), as the README's exit codes say
    assert code in ((0, 1) if command == "garbage" else (0,)), err
    if command == "monos" and _DISAMBIGUATOR.search(theirs.stdout):
        pytest.xfail("twiggy groups v0 symbols by text that keeps the crate disambiguators")
    ours_rows, their_rows = _rows(out), _rows(theirs.stdout)
    if command != "paths":
        assert ours_rows == their_rows
        return
    ours_blocks, their_blocks = _blocks(ours_rows), _blocks(their_rows)
    assert len(ours_blocks) == len(their_blocks)
    for o, t in zip(ours_blocks, their_blocks):
        expected = t[: len(o)] if len(o) >= MAX_ROWS_PER_ITEM else t
        if o != expected and _revisits(t):
            pytest.xfail(f"twiggy's paths of {t[0][-1]} go round a cycle more than once")
        assert o == expected


def _revisits(block: list[list[str]]) -> bool:
    """Whether a path of twiggy's tree holds an item twice beyond one self-edge (twiggy follows
    some cycles a second time; our paths stop where they would revisit an item)."""
    path: list[str] = [block[0][-1]]
    for row in block[1:]:
        name, _, depth = row[-1].rpartition(" @")
        del path[int(depth):]
        if name in path[:-1] or (name in path and path.count(name) > 1):
            return True
        path.append(name)
    return False
