//! A `no_std` crate with lol_alloc from crates.io as its global allocator. Before Rust 1.68 a
//! `no_std` crate using `alloc` needs the `default_alloc_error_handler` feature (later releases
//! only warn that it is stable).

#![no_std]
#![feature(default_alloc_error_handler)]
#![allow(stable_features)]

extern crate alloc;

use alloc::vec::Vec;
use lol_alloc::{AssumeSingleThreaded, FreeListAllocator};

// Safety: a wasm32-unknown-unknown module without threads runs on one thread.
#[global_allocator]
static ALLOCATOR: AssumeSingleThreaded<FreeListAllocator> = unsafe { AssumeSingleThreaded::new(FreeListAllocator::new()) };

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// The sum of `0..n`, collected into a heap-allocated vector first (lol_alloc serves it).
#[no_mangle]
pub extern "C" fn heap_sum(n: u32) -> u64 {
    let values: Vec<u64> = (0..u64::from(n)).collect();
    values.iter().sum()
}
