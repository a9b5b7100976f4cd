"""A Rust module built with --import-memory whose heap is the host's (env.malloc)."""

from __future__ import annotations

import pytest

from wasmforge.host import (
    BumpAllocator,
    HostFunction,
    HostMemory,
    LinkError,
    TrapKind,
    WasmTrap,
    load,
)


class RustPanic(Exception):
    pass


@pytest.fixture(scope="module")
def importmem(build_crate):
    return build_crate("importmem")


def load_importmem(path, allocator="bump", messages=None):
    messages = [] if messages is None else messages

    def report(instance, ptr, length):
        messages.append(instance.memory.read_str(ptr, length))

    return load(
        path,
        {"env": {"report_panic": HostFunction(report, "(u32, u32) -> ()", with_instance=True)}},
        memory=HostMemory(min_pages=17),
        allocator=allocator,
        on_trap=lambda trap: RustPanic(messages.pop()) if messages else None,
    )


def test_add_widens_u8_to_i16(importmem):
    assert load_importmem(importmem).exports.add(200, 100) == 300


@pytest.mark.parametrize("allocator", ["bump", "free-list"])
def test_foo_allocates_through_host_malloc(importmem, allocator):
    inst = load_importmem(importmem, allocator)
    ptr = inst.exports.foo()
    assert ptr >= inst.exports.__heap_base.value
    assert inst.memory.read(ptr, 5) == b"\0\0\0\x2a\0"


def test_allocations_are_aligned_and_distinct(importmem):
    inst = load_importmem(importmem)
    first, second = inst.exports.foo(), inst.exports.foo()
    assert first != second
    assert first % 8 == 0 and second % 8 == 0


def test_host_side_malloc_shares_the_heap(importmem):
    inst = load_importmem(importmem)
    mine = inst.allocator.malloc(64)
    theirs = inst.exports.foo()
    assert theirs >= mine + 64


def test_heap_starts_at_heap_base(importmem):
    inst = load_importmem(importmem, BumpAllocator())
    assert inst.allocator.base == inst.exports.__heap_base.value


def test_u32_result_reads_negative_without_a_hint(importmem):
    inst = load_importmem(importmem)
    assert inst.exports.distance_to_max(0) == -1
    assert inst.func("distance_to_max", "(u32) -> u32")(0) == 2**32 - 1


def test_panic_message_becomes_a_custom_exception(importmem):
    inst = load_importmem(importmem)
    assert inst.exports.half(10) == 5
    with pytest.raises(RustPanic, match="half of an odd number: 3") as info:
        inst.exports.half(3)
    assert info.value.__cause__.kind is TrapKind.UNREACHABLE


def test_panic_backtrace_has_demangled_rust_names(importmem):
    inst = load(importmem, {"env": {"report_panic": lambda p, n: None}},
                memory=HostMemory(min_pages=17), allocator="bump")
    with pytest.raises(WasmTrap) as info:
        inst.exports.half(1)
    names = [frame.name for frame in info.value.frames]
    assert "half" in names
    assert "core::panicking::panic_fmt" in names


def test_missing_memory_is_a_link_error_with_a_hint(importmem):
    with pytest.raises(LinkError) as info:
        load(importmem, {"env": {"report_panic": print}}, allocator="bump")
    assert info.value.missing == ("env.memory",)
    assert "HostMemory" in info.value.hint


def test_too_small_host_memory_is_mistyped(importmem):
    with pytest.raises(LinkError, match="smaller than the 17 pages"):
        load(importmem, {"env": {"report_panic": print}}, memory=HostMemory(min_pages=2), allocator="bump")


@pytest.mark.parametrize("compiler", ["1.63", "1.96"])
def test_prebuilt_corpus_module(corpus_rust, compiler):
    path = corpus_rust / f"importmem.{compiler}.release.wasm"
    if not path.exists():
        pytest.skip(f"{path.name} not in the corpus")
    inst = load(path, memory=HostMemory(min_pages=17), allocator="free-list")
    assert inst.exports.add(200, 100) == 300
    ptr = inst.exports.foo()
    assert inst.memory.read(ptr + 3, 1) == b"\x2a"
