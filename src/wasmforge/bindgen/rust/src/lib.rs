//! Support crate of wasmforge: export Rust functions and types to a Python host.
//!
//! * [`export!`] wraps `pub fn` items and exports them to Python.
//! * [`class!`] wraps a struct and its `impl` block; Python sees a class.
//! * [`import!`] declares Python functions that Rust may call.
//! * [`panic_handler!`] installs a panic handler for `#![no_std]` crates.
//!
//! Each macro re-emits the items unchanged and adds exported shims whose
//! parameters and results are only `i32`, `i64`, `f32` or `f64`. The signature of
//! every shim is recorded at compile time in the `wasmforge.descriptors` custom
//! section (format: `docs/descriptor-format.md` of wasmforge), which the Python side
//! reads to generate typed glue.
//!
//! The crate is `#![no_std]` and uses `alloc`; the `std` feature (on by default)
//! adds a panic hook.

#![no_std]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

#[doc(hidden)]
pub mod abi;
#[doc(hidden)]
pub mod desc;
mod macros;
#[doc(hidden)]
pub mod rt;

pub use abi::{Anchor, FromHost, Owned, Prim, Receiver, ToHost, WasmType};
pub use desc::Describe;

/// Re-exported for the macros, so user crates need no `extern crate alloc`.
#[doc(hidden)]
pub mod __private {
    pub use alloc::boxed::Box;
    pub use core;
}
