//! A no_std library whose exports are made with the macros: they must reach the final module.

#![no_std]

extern crate alloc;

use alloc::string::String;

/// Defined in a dependency.
#[wasmforge::export]
pub fn inner_shout(s: &str) -> String {
    let mut out = String::from(s);
    out.make_ascii_uppercase();
    out
}
