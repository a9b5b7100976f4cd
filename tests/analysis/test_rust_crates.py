"""The profiler on a Rust crate compiled for real: crates, generics, and calls through vtables."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from wasmforge.analysis import ItemKind, build, crates, garbage, monos

CARGO_TOML = """[package]
name = "sizeprof"
version = "0.1.0"
edition = "2021"

[lib]
crate-type = ["cdylib"]

[profile.release]
opt-level = 1
"""

LIB_RS = """
pub trait Shape { fn area(&self) -> f64; }
pub struct Square(pub f64);
pub struct Circle(pub f64);
impl Shape for Square { fn area(&self) -> f64 { self.0 * self.0 } }
impl Shape for Circle { fn area(&self) -> f64 { 3.14159 * self.0 * self.0 } }

#[inline(never)]
pub fn largest<T: PartialOrd + Copy>(items: &[T]) -> T {
    let mut best = items[0];
    for &x in items { if x > best { best = x; } }
    best
}

// The shapes are made in one export and used in another, through a pointer the host passes
// back: no optimizer can devirtualize the calls or elide the allocations (LLVM 22 does both
// when they meet in one function).
#[no_mangle]
pub extern "C" fn shapes(n: u32) -> *mut Vec<Box<dyn Shape>> {
    let a = largest(&[n as u8, 3, 9]) as f64;
    let b = largest(&[n as u16, 300]) as f64;
    Box::into_raw(Box::new(vec![Box::new(Square(a)) as Box<dyn Shape>, Box::new(Circle(b))]))
}

#[no_mangle]
pub extern "C" fn mix(shapes: *const Vec<Box<dyn Shape>>, n: u32) -> f64 {
    let c = largest(&[n as u64, 7]) as f64;
    let d = largest(&[n as f32, 0.5]) as f64;
    let shapes = unsafe { &*shapes };
    shapes.iter().map(|s| s.area()).sum::<f64>() + c + d
}
"""


@pytest.fixture(scope="session")
def sizeprof_wasm(toolchain, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The crate built once per toolchain (``toolchain`` from tests/conftest.py)."""
    from wasmforge.build.toolchain import TARGET

    work = tmp_path_factory.mktemp(f"sizeprof-{toolchain.version}")
    (work / "src").mkdir()
    (work / "Cargo.toml").write_text(CARGO_TOML)
    (work / "src" / "lib.rs").write_text(LIB_RS)
    env = toolchain.env()
    env["CARGO_TARGET_DIR"] = str(work / "target")
    proc = subprocess.run([str(toolchain.cargo), "build", "--release", "--target", TARGET, "--offline"],
                          cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return work / "target" / TARGET / "release" / "sizeprof.wasm"


def test_functions_are_attributed_to_their_crates(sizeprof_wasm: Path) -> None:
    graph = build(sizeprof_wasm)
    assert sum(graph.sizes) == sizeprof_wasm.stat().st_size
    rows = crates(graph).by_crate
    assert rows["sizeprof"].functions >= 4  # largest x4 and the Shape impls
    assert {"core", "alloc", "std"} & set(rows)  # 1.96 inlines more of core and alloc into the crate
    assert rows["sizeprof"].retained_size >= rows["sizeprof"].shallow_size


def test_generic_instantiations_are_grouped(sizeprof_wasm: Path) -> None:
    result = monos(build(sizeprof_wasm), max_generics=None, max_monos=None)
    group = next(g for g in result.groups if g.name == "sizeprof::largest")
    assert group.count == 4
    assert 0 < group.bloat < group.size


def test_trait_methods_called_through_the_vtable_are_reachable(sizeprof_wasm: Path) -> None:
    graph = build(sizeprof_wasm)
    assert any(k == ItemKind.INDIRECT for k in graph.kinds)
    dead = {r.name for r in garbage(graph, max_items=None).rows}
    areas = [n for n in graph.names if "as sizeprof::Shape>::area" in n]
    assert len(areas) == 2 and not dead & set(areas)
    # the call site in `mix` reaches both implementations through its call_indirect stand-in
    mix = graph.by_name["mix"]
    stand_ins = [t for t in graph.edges[mix] if graph.kinds[t] == ItemKind.INDIRECT]
    assert stand_ins
    reached = {graph.names[t] for s in stand_ins for t in graph.edges[s]}
    assert set(areas) <= reached
