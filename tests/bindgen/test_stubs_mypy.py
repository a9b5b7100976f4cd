"""The generated ``.pyi`` stub type-checks a sample program under ``mypy --strict``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

GOOD = '''\
import array

import wf_types
from wf_types import Account, RustError

inst: wf_types.Instance = wf_types.load()
n: int = inst.echo_u64(2**64 - 1)
s: str = inst.upper("abc")
b: bytes = inst.bytes_rev(b"abc")
f: float = inst.f64_sum([1.0, 2.0])
arr: array.array[int] = inst.u64_range(3)
maybe: int | None = inst.opt_i32(None)
inst.fill(bytearray(4), 1)
acct: Account = inst.Account("ada", 1)
with acct as a:
    total: int = a.deposit(2)
split: Account | None = acct.maybe_split(2)
try:
    inst.checked_div(1, 0)
except RustError as err:
    message: str = err.message
top: str = wf_types.upper("x")
inst.close()
'''

BAD = '''\
import wf_types

x: str = wf_types.echo_u8(1)
wf_types.upper(3)
'''


@pytest.fixture(scope="module")
def stub_dir(build_crate: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wasmforge.bindgen import descriptors, python

    out = tmp_path_factory.mktemp("stubs")
    wasm = build_crate("wf_types")
    python.generate(descriptors.read(wasm), wasm, out, "wf_types")
    return out


def _mypy(folder: Path, source: str) -> subprocess.CompletedProcess[str]:
    pytest.importorskip("mypy")
    program = folder / "sample.py"
    program.write_text(source)
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir", str(folder / ".mypy"),
         "--python-version", "3.11", str(program)],
        cwd=folder, capture_output=True, text=True, timeout=600,
    )


def test_sample_program_passes_mypy_strict(stub_dir: Path) -> None:
    proc = _mypy(stub_dir, GOOD)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_wrong_types_are_caught(stub_dir: Path) -> None:
    proc = _mypy(stub_dir, BAD)
    assert proc.returncode == 1
    assert 'Incompatible types in assignment (expression has type "int", variable has type "str")' in proc.stdout
    assert 'Argument 1 to "upper" has incompatible type "int"; expected "str"' in proc.stdout
