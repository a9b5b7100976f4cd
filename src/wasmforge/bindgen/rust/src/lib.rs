//! Support crate of wasmforge: export Rust functions and types to a Python host.
//!
//! * `#[wasmforge::export]` on a `pub fn`, a struct (a Python class; its `pub` fields are
//!   properties), an `impl` block (its `pub fn`s are methods), or an enum (a C-like enum
//!   is an `IntEnum`).
//! * `#[wasmforge::import]` on an `extern "C" { fn ...; }` block declares Python functions
//!   that Rust may call.
//! * `#[wasmforge(...)]` options: `name = "..."`, `skip`, `constructor` (an impl's static
//!   fn), `readonly` (a field), `default = <literal>` (a parameter).
//! * [`panic_handler!`] installs a panic handler for `#![no_std]` crates.
//! * The block forms [`exports!`], [`class!`] and [`imports!`] remain as aliases.
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
mod tags;
mod macros;
#[doc(hidden)]
pub mod probe;
#[doc(hidden)]
pub mod rt;
#[doc(hidden)]
pub mod wire;
#[doc(hidden)]
pub mod callback;
mod object;

pub use abi::{Anchor, FromHost, Owned, Prim, Receiver, SeqIn, SeqOut, ToHost, WasmType};
pub use object::PyObject;
pub use wasmforge_macros::{export, import};
pub use desc::Describe;

/// Re-exported for the macros, so user crates need no `extern crate alloc`.
#[doc(hidden)]
pub mod __private {
    pub use alloc::boxed::Box;
    pub use alloc::vec::Vec;
    pub use core;
}
