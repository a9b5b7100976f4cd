"""The ``.pyi`` stub of a wasm-bindgen package type-checks a sample program under ``mypy --strict``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

GOOD = '''\
import wbg_basic
from wbg_basic import Counter, Direction, JsError

s: str = wbg_basic.greet("x")
n: int = wbg_basic.wide(-1, 2)
xs: list[int] = wbg_basic.doubled([1, 2])
maybe: str | None = wbg_basic.maybe_text(None)
d: Direction = wbg_basic.turn(Direction.North)
c = Counter(1)
with c as k:
    total: int = k.bump() + k.count + k.step
k.count = 3
made: int = c.made
other: Counter = Counter.fromText("4")
try:
    wbg_basic.checked(-1)
except JsError:
    pass
'''

BAD = '''\
import wbg_basic

x: str = wbg_basic.halve(1)
wbg_basic.greet(3)
'''


def _mypy(folder: Path, source: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy")
    program = folder / "sample_wbg.py"
    program.write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(folder / ".mypy"),
         "--python-version", "3.11", str(program)],
        cwd=folder, capture_output=True, text=True, timeout=600,
    )


def test_sample_program_passes_mypy_strict(wbg_basic) -> None:
    result, _ = wbg_basic
    proc = _mypy(result.package_dir.parent, GOOD)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_wrong_types_are_caught(wbg_basic) -> None:
    result, _ = wbg_basic
    proc = _mypy(result.package_dir.parent, BAD)
    assert proc.returncode == 1
    assert 'Incompatible types in assignment (expression has type "int", variable has type "str")' in proc.stdout
    assert 'Argument 1 to "greet" has incompatible type "int"; expected "str"' in proc.stdout
