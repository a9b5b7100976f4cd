//! Rust calling Python calling Rust: re-entry depth, borrows held across callbacks.

use wasmforge::{class, exports, imports};

imports! {
    /// The Python side of the countdown: usually calls `countdown(n)` again.
    fn down(n: u32) -> u64;
    /// Called while a `Cell` method holds its object.
    fn poke();
}

exports! {
    /// n + (n-1) + ... + 0, every step going through Python.
    pub fn countdown(n: u32) -> u64 { if n == 0 { 0 } else { n as u64 + down(n - 1) } }
    /// Calls `poke` while holding nothing.
    pub fn call_poke() { poke() }
    /// Lends `text`, calls Python, returns `text` again.
    pub fn echo_around(text: &str) -> String { poke(); String::from(text) }
}

class! {
    pub struct Cell { value: i64 }
    impl Cell {
        pub fn new(value: i64) -> Self { Cell { value } }
        pub fn value(&self) -> i64 { self.value }
        /// Calls `poke` while `self` is borrowed mutably.
        pub fn bump_and_poke(&mut self) -> i64 { self.value += 1; poke(); self.value }
        /// Calls `poke` while `self` is borrowed shared.
        pub fn read_and_poke(&self) -> i64 { poke(); self.value }
    }
}
