//! Must NOT compile: a borrowed parameter may not outlive the call that lends it.

#[wasmforge::export]
pub fn keep(s: &'static str) -> usize { s.len() }
