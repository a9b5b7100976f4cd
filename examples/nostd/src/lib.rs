//! A `no_std` module with its own allocator and panic handler.
//!
//! Building a `no_std` cdylib that uses `alloc` needs `default_alloc_error_handler`
//! before Rust 1.68; `wasmforge build` sets `RUSTC_BOOTSTRAP=1` for crates that enable it.

#![no_std]
#![feature(default_alloc_error_handler)]

extern crate alloc;

use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
/// A bump allocator over pages taken from `memory.grow`; freeing is a no-op.
struct Bump;

static mut NEXT: usize = 0;
static mut END: usize = 0;

unsafe impl GlobalAlloc for Bump {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let start = (NEXT + layout.align() - 1) & !(layout.align() - 1);
        let end = start + layout.size();
        if NEXT == 0 || end > END {
            let pages = (layout.size() + layout.align()) / 65536 + 1;
            let old = core::arch::wasm32::memory_grow(0, pages);
            if old == usize::MAX {
                return core::ptr::null_mut();
            }
            NEXT = old * 65536;
            END = NEXT + pages * 65536;
            return self.alloc(layout);
        }
        NEXT = end;
        start as *mut u8
    }
    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static ALLOCATOR: Bump = Bump;

wasmforge::panic_handler!();

/// The n-th prime (0-based), by trial division.
#[wasmforge::export]
pub fn nth_prime(n: u32) -> u32 {
    let mut found = 0;
    let mut candidate = 1u32;
    while found <= n {
        candidate += 1;
        if (2..candidate).take_while(|d| d * d <= candidate).all(|d| candidate % d != 0) {
            found += 1;
        }
    }
    candidate
}

/// Doubles every value.
#[wasmforge::export]
pub fn doubled(values: &[u32]) -> Vec<u32> {
    values.iter().map(|v| v.wrapping_mul(2)).collect()
}

/// Divides, panicking on zero (the message reaches Python).
#[wasmforge::export]
pub fn divide(a: u32, b: u32) -> u32 {
    if b == 0 {
        panic!("divide {} by zero", a);
    }
    a / b
}
