"""Host allocators over a host-supplied memory."""

from __future__ import annotations

import pytest
from wasmtime import wat2wasm

from wasmforge.host import PAGE_SIZE, BumpAllocator, FreeListAllocator, HostMemory, Limits, load

IMPORTS_MEMORY = wat2wasm("""
(module
  (import "env" "memory" (memory 1))
  (import "env" "malloc" (func $malloc (param i32) (result i32)))
  (import "env" "free" (func $free (param i32)))
  (global (export "__heap_base") i32 (i32.const 1024))
  (func (export "alloc") (param i32) (result i32) local.get 0 call $malloc)
  (func (export "release") (param i32) local.get 0 call $free))
""")


def load_with(allocator, **kwargs):
    return load(IMPORTS_MEMORY, memory=HostMemory(min_pages=1), allocator=allocator, **kwargs)


def test_bump_starts_at_heap_base():
    inst = load_with("bump")
    assert inst.exports.alloc(10) == 1024


def test_bump_aligns_blocks():
    inst = load_with(BumpAllocator(align=8))
    inst.exports.alloc(3)
    assert inst.exports.alloc(1) == 1032


def test_allocation_grows_the_memory():
    inst = load_with("bump")
    inst.exports.alloc(2 * PAGE_SIZE)
    assert inst.memory.pages == 3


def test_malloc_returns_null_past_the_memory_limit():
    inst = load_with("bump", limits=Limits(max_memory=2 * PAGE_SIZE))
    assert inst.exports.alloc(4 * PAGE_SIZE) == 0


def test_free_list_reuses_a_freed_block():
    inst = load_with("free-list")
    first = inst.exports.alloc(32)
    inst.exports.alloc(32)
    inst.exports.release(first)
    assert inst.exports.alloc(16) == first


def test_free_list_coalesces_neighbours():
    inst = load_with(FreeListAllocator(align=16))
    a, b, c = (inst.exports.alloc(16) for _ in range(3))
    inst.exports.alloc(16)  # keeps the three from merging into the top
    inst.exports.release(a)
    inst.exports.release(c)
    inst.exports.release(b)
    assert inst.exports.alloc(48) == a


def test_free_of_unknown_block_reaches_the_caller():
    inst = load_with("free-list")
    with pytest.raises(Exception, match="not a block from this allocator"):
        inst.exports.release(12345)


def test_explicit_base_overrides_heap_base():
    inst = load_with(BumpAllocator(base=4096))
    assert inst.exports.alloc(1) == 4096
