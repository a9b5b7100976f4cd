//! A std cdylib using a no_std library that exports through the macros.

pub use wf_dep_inner::inner_shout;

#[wasmforge::export]
pub fn outer_len(s: &str) -> u32 { s.len() as u32 }
