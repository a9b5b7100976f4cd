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

import copy

import wf_attrs
import wf_compound
from wf_attrs import Color, Level, Point

p: Point = Point(1.0, 2.0)
p2: Point = Point(1.0, 2.0, label="q")
p.x = 2.5
fx: float = p.x + p.norm()
lbl: str = p.label
same: bool = copy.copy(p) == p
hashed: int = hash(wf_attrs.Tag("a"))
col: Color = wf_attrs.next_color(Color.Red)
val: int = wf_attrs.level_value(Level.Top) + Color.Blue
g: str = wf_attrs.greet("x") + wf_attrs.greet("y", 2)
moved: str = wf_attrs.into_label(p2)

c = wf_compound.load(
    py_split=lambda s: s.split(), py_sum=lambda ps: sum(v for _, v in ps), py_big=lambda x: x, py_roundtrip=lambda o: o
)
held: object = c.Keeper().get(0)
big: int = c.echo_u128(2**100)
pair: tuple[str, int] = c.swap((1, "a"))
ws: list[str] = c.words("a b")
chunks: list[bytes] = c.chunks(b"abc", 2)
flags: list[bool] = c.negate([True])
counts: dict[str, int] = c.counts(ws)
keys: list[str] = c.sorted_keys({"a": 1})
items: list[wf_compound.Item] = c.make_items(2)
first: wf_compound.Item | None = c.find_item(items, "a")
rng: tuple[int, int] = c.Span(1, 2).range

import wf_variants
from wf_variants import Shape


def area(s: Shape) -> float:
    match s:
        case Shape.Circle(r):
            return r * r
        case Shape.Rect(w, h):
            return w * h
    return 0.0


everything: list[Shape] = wf_variants.shapes()
grown: Shape = wf_variants.grow(Shape.Many([Shape.Circle(1.0)]), 2.0)
biggest: Shape | None = wf_variants.biggest(everything)
try:
    digits: int = wf_variants.parse_digits("12x")
except wf_variants.ParseError.Error.BadDigit as bad:
    at: int = bad.at
    found: str = bad.found
except wf_variants.ParseError.Error as other:
    why: wf_variants.ParseError = other.value

import wf_callbacks

tripled: int = wf_callbacks.apply(lambda x: x * 3, 2)
names: list[str] = wf_callbacks.map_strs(["a"], str.upper)
wf_callbacks.each(2, print)
lens: array.array[int] = wf_callbacks.lengths(["ab"], len)
digest: int = wf_callbacks.digest(b"ab", lambda data, label: len(data) + len(label))
wf_callbacks.visit(["a"], lambda word, index: print(word.upper(), index + 1))
told: str = wf_callbacks.six(lambda a, b, c, d, e, f: b + f + str(sum(d)))

import wf_containers
from wf_containers import Level as CLevel
from wf_containers import Point as CPoint

boxes: array.array[int] = wf_containers.id_box_u32([1, 2])
nested: list[tuple[str, int]] | None = wf_containers.id_opt_vec_tuple([("a", 1)])
groups: dict[str, list[CPoint]] = wf_containers.id_map_points({"a": [CPoint(1.0, 2.0)]})
levels: list[CLevel] = wf_containers.id_vec_level([CLevel.Low])
deep: tuple[list[str], tuple[int, list[bool]] | None, dict[str, int]] = wf_containers.id_tuple_nested((["a"], None, {}))
wf_containers.scale(CPoint(1.0, 1.0), 2.0)
joined: str = wf_containers.strs_joined(["a"], ",") + str(wf_containers.strs_len(["a"]))
import wf_syntax
from wf_syntax import Cell, Meters, Pair

d: Meters = Meters(2.0).plus(Meters(1.0))
d._0 = 3.5
metres: float = d._0
pr: Pair = Pair(1, "a")
count: int = pr._0
label: str = pr.label
bits: bool = wf_syntax.flags(3)._0
more: int | None = wf_syntax.flags(3)._1
cell: Cell = Cell(1, 2, "c")
below: Cell | None = cell.below(1, 3)
nm: str = cell.name()
steps: int = cell.distance(cell)
'''

BAD = '''\
import wf_types

x: str = wf_types.echo_u8(1)
wf_types.upper(3)

import wf_attrs
import wf_compound

wf_attrs.next_color("Red")
y: list[int] = wf_compound.load(py_split=str.split, py_sum=lambda ps: 0, py_big=abs, py_roundtrip=id).words("a")
wf_attrs.Point(1.0, 2.0).label = 3

import wf_variants

z: float = wf_variants.grow(wf_variants.Shape.Empty(), 1.0)

import wf_callbacks

wf_callbacks.apply(lambda x: str(x), 1)
wf_callbacks.digest(b"ab", lambda data, label: label)

import wf_containers

wrong_box: list[str] = wf_containers.id_box_u32([1])
wf_containers.id_map_points({"a": [1]})
import wf_syntax

wf_syntax.Pair(1, "a").label = "b"
wf_syntax.Meters(1.0)._0 = "x"
'''


@pytest.fixture(scope="module")
def stub_dir(build_crate: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wasmforge.bindgen import descriptors, python

    out = tmp_path_factory.mktemp("stubs")
    for crate in ("wf_types", "wf_attrs", "wf_compound", "wf_variants", "wf_callbacks", "wf_containers", "wf_syntax"):
        wasm = build_crate(crate)
        python.generate(descriptors.read(wasm), wasm, out, crate)
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
    assert 'Argument 1 to "next_color" has incompatible type "str"; expected "Color"' in proc.stdout
    assert '(expression has type "list[str]", variable has type "list[int]")' in proc.stdout
    assert 'Incompatible types in assignment (expression has type "int", variable has type "str")' in proc.stdout
    assert 'Property "label" defined in "Point" is read-only' in proc.stdout
    assert '(expression has type "Shape", variable has type "float")' in proc.stdout
    assert 'Argument 1 to "apply" has incompatible type "Callable[[int], str]"; expected "Callable[[int], int]"' in proc.stdout
    assert 'Argument 2 to "digest" has incompatible type "Callable[[bytes, str], str]"; expected "Callable[[bytes, str], int]"' in proc.stdout
    assert '(expression has type "array[int]", variable has type "list[str]")' in proc.stdout
    assert 'List item 0 has incompatible type "int"; expected "Point"' in proc.stdout
    assert 'Property "label" defined in "Pair" is read-only' in proc.stdout
    assert 'Incompatible types in assignment (expression has type "str", variable has type "float")' in proc.stdout
    assert proc.stdout.count("error:") == 15, proc.stdout
