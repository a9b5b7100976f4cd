//! Exports for the safety tests of the generated glue: threads, aliasing, error paths.

use wasmforge::{class, exports};

exports! {
    /// Greets someone by name.
    pub fn greet(name: &str) -> String { format!("Hello, {}!", name) }
    /// Hands both strings over; a bad `sep` is refused after `a` was already allocated.
    pub fn join(a: String, b: String, sep: u8) -> String { format!("{}{}{}", a, sep as char, b) }
    /// Not valid UTF-8: the glue must raise, and free the buffer anyway.
    pub fn bad_utf8(n: u32) -> String { unsafe { String::from_utf8_unchecked(vec![0xff; n as usize]) } }
    /// An error message of `n` bytes.
    pub fn fails(n: u32) -> Result<u32, String> { Err("e".repeat(n as usize)) }
    /// The value of a cell.
    pub fn peek(c: &Cell) -> i64 { c.value }
}

class! {
    /// A value that methods change in place.
    pub struct Cell { value: i64, label: String }
    impl Cell {
        pub fn new(value: i64) -> Self { Cell { value, label: String::new() } }
        pub fn value(&self) -> i64 { self.value }
        pub fn set(&mut self, value: i64) { self.value = value; }
        pub fn add_assign(&mut self, other: &Cell) { self.value += other.value; }
        pub fn swap_with(&mut self, other: &mut Cell) { core::mem::swap(&mut self.value, &mut other.value); }
        pub fn sum(a: &Cell, b: &Cell) -> i64 { a.value + b.value }
        pub fn relabel(&mut self, label: String, check: u8) -> u8 { self.label = label; check }
        pub fn into_value(self) -> i64 { self.value }
    }
}
