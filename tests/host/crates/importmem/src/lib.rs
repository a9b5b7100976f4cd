//! Test fixture for host-supplied memory and allocation.
//!
//! Built with `--import-memory`, so `env.memory` comes from the host, and every
//! heap allocation goes through the host's `env.malloc` (nothing is freed).
//! A panic reports its message through `env.report_panic` before trapping,
//! the way generated bindings turn panics into Python exceptions.

use std::alloc::{GlobalAlloc, Layout};

// Naming the import module keeps LLVM from treating this as libc's malloc
// (it would otherwise fold malloc + memset into a calloc import).
#[link(wasm_import_module = "env")]
extern "C" {
    fn malloc(size: usize) -> *mut u8;
    fn report_panic(ptr: *const u8, len: usize);
}

struct HostHeap;

unsafe impl GlobalAlloc for HostHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        malloc(layout.size())
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: Layout) {}
}

#[global_allocator]
static HEAP: HostHeap = HostHeap;

#[no_mangle]
pub extern "C" fn add(a: u8, b: u8) -> i16 {
    a as i16 + b as i16
}

/// Five zero bytes on the heap with 42 at index 3; returns their address.
#[no_mangle]
pub extern "C" fn foo() -> *mut u8 {
    let mut bytes = vec![0u8; 5];
    bytes[3] = 42;
    Box::into_raw(bytes.into_boxed_slice()) as *mut u8
}

/// `u32::MAX - n`: a result that reads negative as a signed i32.
#[no_mangle]
pub extern "C" fn distance_to_max(n: u32) -> u32 {
    u32::MAX - n
}

/// Panics with a message naming `n` when `n` is odd; returns `n / 2` otherwise.
#[no_mangle]
pub extern "C" fn half(n: u32) -> u32 {
    std::panic::set_hook(Box::new(|info| {
        let text = info.to_string();
        unsafe { report_panic(text.as_ptr(), text.len()) };
    }));
    if n % 2 == 1 {
        panic!("half of an odd number: {}", n);
    }
    n / 2
}
