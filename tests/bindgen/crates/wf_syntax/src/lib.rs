//! The syntax a new user writes under the attribute macros: derives before the attribute,
//! hand-written trait impls, tuple structs, `where` clauses, `#[cfg]`, `pub(crate)`,
//! borrowed results, `Self` types and doc comments; kept as rustfmt formats it.

use std::fmt;

/// A cell of a grid.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[wasmforge::export]
pub struct Cell {
    /// The row, from 0.
    pub row: u32,
    pub(crate) col: u32,
    name: String,
    #[cfg(any())]
    pub never: NoSuchType,
}

#[wasmforge::export]
impl Cell {
    /// A named cell.
    #[wasmforge(constructor)]
    pub fn new(row: u32, col: u32, name: &str) -> Self {
        Cell {
            row,
            col,
            name: name.to_string(),
        }
    }

    /// The name, borrowed from the cell (Python gets a copy).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The cell `rows` below, unless that leaves the grid.
    pub fn below(&self, rows: u32, height: u32) -> Option<Self>
    where
        Self: Clone,
    {
        if self.row + rows < height {
            Some(Cell {
                row: self.row + rows,
                ..self.clone()
            })
        } else {
            None
        }
    }

    /// Whether `other` is on the same row.
    pub fn same_row(&self, other: &Self) -> bool {
        self.row == other.row
    }

    /// Steps between two cells (`pub(crate)` is visible to Python).
    pub(crate) fn distance(&self, other: &Cell) -> u32 {
        self.row.abs_diff(other.row) + self.col.abs_diff(other.col)
    }

    /// Rust-only: private.
    fn secret(&self) -> u32 {
        self.row * 1000 + self.col
    }

    /// Never compiled, nor its shim.
    #[cfg(any())]
    pub fn gone(&self) -> NoSuchType {
        NoSuchType
    }

    /// Compiled: the `cfg` holds.
    #[cfg(target_arch = "wasm32")]
    pub fn code(&self) -> u32 {
        self.secret()
    }
}

/// A second impl block, with a `where` clause.
#[wasmforge::export]
impl Cell
where
    Cell: Clone,
{
    /// Moved down by `by` rows (a `mut self` receiver).
    pub fn moved(mut self, by: u32) -> Self {
        self.row += by;
        self
    }
}

/// `Debug` and `PartialEq` written by hand, no derive.
#[wasmforge::export]
pub struct Temperature {
    pub celsius: f64,
}

impl fmt::Debug for Temperature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} °C", self.celsius)
    }
}

impl PartialEq for Temperature {
    fn eq(&self, other: &Self) -> bool {
        (self.celsius - other.celsius).abs() < 0.05
    }
}

#[wasmforge::export]
impl Temperature {
    #[wasmforge(constructor)]
    pub fn new(celsius: f64) -> Self {
        Temperature { celsius }
    }
}

/// A length (a tuple struct: its field is `_0`).
#[derive(Debug, Clone, Copy, PartialEq)]
#[wasmforge::export]
pub struct Meters(pub f64);

#[wasmforge::export]
impl Meters {
    #[wasmforge(constructor)]
    pub fn new(value: f64) -> Self {
        Meters(value)
    }

    /// The sum of two lengths.
    pub fn plus(&self, other: &Meters) -> Meters {
        Meters(self.0 + other.0)
    }
}

/// A number and a label; the label is named and read-only.
#[derive(Clone, Debug)]
#[wasmforge::export]
pub struct Pair(
    pub i32,
    /// What the number counts.
    #[wasmforge(name = "label", readonly)]
    pub String,
    u8,
);

#[wasmforge::export]
impl Pair {
    #[wasmforge(constructor)]
    pub fn new(n: i32, label: String) -> Self {
        Pair(n, label, 7)
    }

    /// The private third field, through a method.
    pub fn hidden(&self) -> u8 {
        self.2
    }
}

/// A tuple struct without a constructor, made by a function.
#[wasmforge::export]
pub struct Flags(pub bool, pub Option<u8>);

/// Flags from a byte.
#[wasmforge::export]
pub fn flags(bits: u8) -> Flags {
    Flags(bits & 1 == 1, if bits > 1 { Some(bits >> 1) } else { None })
}

/// A generic type, exported through a newtype of its concrete use.
pub struct Span<T> {
    start: T,
    end: T,
}

/// Spans of `f64`.
#[wasmforge::export]
pub struct FloatSpan(Span<f64>);

#[wasmforge::export]
impl FloatSpan {
    #[wasmforge(constructor)]
    pub fn new(start: f64, end: f64) -> Self {
        FloatSpan(Span { start, end })
    }

    /// End minus start.
    pub fn width(&self) -> f64 {
        self.0.end - self.0.start
    }
}

/// Shouts `text`, `times` times.
///
/// A second paragraph.
#[wasmforge::export]
pub fn shout(mut text: String, times: u32) -> String {
    text.make_ascii_uppercase();
    text.repeat(times as usize)
}

/// Visible to Python though `pub(crate)`.
#[wasmforge::export]
pub(crate) fn crate_visible(x: u8) -> u8 {
    x + 1
}

/// The longer string (a `where` clause on lifetimes).
#[wasmforge::export]
pub fn longest<'a, 'b>(a: &'a str, b: &'b str) -> String
where
    'a: 'b,
{
    if b.len() > a.len() { b } else { a }.to_string()
}

#[wasmforge::export]
#[cfg(any())]
pub fn never_after() -> NoSuchType {
    NoSuchType
}

#[cfg(any())]
#[wasmforge::export]
pub fn never_before() -> NoSuchType {
    NoSuchType
}

/// Compiled: the `cfg` holds.
#[wasmforge::export]
#[cfg(target_arch = "wasm32")]
pub fn always() -> u8 {
    7
}

/// A unit struct with an associated const and a `const fn` constructor.
#[derive(Debug, Default)]
#[wasmforge::export]
pub struct Marker;

#[wasmforge::export]
impl Marker {
    pub const LIMIT: u32 = 3;

    #[wasmforge(constructor)]
    #[must_use]
    pub const fn new() -> Self {
        Marker
    }

    /// Parameters one per line, as rustfmt writes long signatures.
    #[inline]
    pub fn limit(
        &self,
        extra_long_parameter_name_one: u32,
        extra_long_parameter_name_two: u32,
    ) -> u32 {
        Self::LIMIT + extra_long_parameter_name_one + extra_long_parameter_name_two
    }
}

/// Items in a module are exported too.
pub mod inner {
    /// Copies the bytes.
    #[wasmforge::export]
    pub fn nested(x: &[u8]) -> Vec<u8> {
        x.to_vec()
    }
}
