//! The attribute macros on the types the block forms already carried: options, fields,
//! impl blocks, constructors, C-like enums, derives, classes by value.

use std::fmt;

/// Repeats `name`, `times` times (a `mut` parameter and a default).
#[wasmforge::export]
pub fn greet(mut name: String, #[wasmforge(default = 1)] times: u32) -> String {
    name.insert_str(0, "Hello, ");
    name.push('!');
    name.repeat(times as usize)
}

/// Exported under another name.
#[wasmforge::export]
#[wasmforge(name = "add_floats")]
pub fn add(a: f64, #[wasmforge(default = 0.5)] b: f64) -> f64 {
    a + b
}

/// Every kind of literal default.
#[wasmforge::export]
pub fn defaults(
    #[wasmforge(default = "x")] s: &str,
    #[wasmforge(default = -3)] n: i32,
    #[wasmforge(default = true)] flag: bool,
    #[wasmforge(default = None)] maybe: Option<u8>,
) -> String {
    format!("{}{}{}{:?}", s, n, flag, maybe)
}

/// A point in the plane.
#[wasmforge::export]
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// Horizontal.
    pub x: f64,
    pub y: f64,
    #[wasmforge(readonly)]
    pub label: String,
    #[wasmforge(skip)]
    pub secret: u32,
    hidden: u8,
}

#[wasmforge::export]
impl Point {
    /// A labelled point; the label must not be empty.
    #[wasmforge(constructor)]
    pub fn new(x: f64, y: f64, #[wasmforge(default = "p")] label: &str) -> Result<Self, String> {
        if label.is_empty() {
            return Err(String::from("empty label"));
        }
        Ok(Point {
            x,
            y,
            label: label.into(),
            secret: 7,
            hidden: 0,
        })
    }

    /// Distance from the origin.
    pub fn norm(&self) -> f64 {
        (self.x * self.x + self.y * self.y).sqrt()
    }

    /// A moved copy.
    #[wasmforge(name = "moved_by")]
    pub fn translate(&self, dx: f64, dy: f64) -> Point {
        Point {
            x: self.x + dx,
            y: self.y + dy,
            ..self.clone()
        }
    }

    /// Rust-only.
    #[wasmforge(skip)]
    pub fn internal(&self) -> u8 {
        self.hidden
    }
}

/// A second impl block of the same class.
#[wasmforge::export]
impl Point {
    /// Sum of two points, consuming `other` (by value).
    pub fn plus(&self, other: Point) -> Self {
        Point {
            x: self.x + other.x,
            y: self.y + other.y,
            label: format!("{}+{}", self.label, other.label),
            secret: 0,
            hidden: 0,
        }
    }

    /// `Option<Self>` and `&Self` in a signature.
    pub fn nearer(&self, a: &Self, b: Option<&Self>) -> Option<Self> {
        let d = |p: &Point| ((p.x - self.x).powi(2) + (p.y - self.y).powi(2)).sqrt();
        match b {
            Some(b) if d(b) < d(a) => Some(b.clone()),
            _ => Some(a.clone()),
        }
    }

    /// The secret, through a method (the field is skipped).
    pub fn secret(&self) -> u32 {
        self.secret
    }

    /// Mutates through a `&mut self` method.
    pub fn scale(&mut self, k: f64) {
        self.x *= k;
        self.y *= k;
    }
}

/// A class with every derive.
#[wasmforge::export]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tag {
    pub name: String,
}

#[wasmforge::export]
impl Tag {
    #[wasmforge(constructor)]
    pub fn create(name: &str) -> Self {
        Tag { name: name.into() }
    }
}

/// No derives: not copyable, no equality.
#[wasmforge::export]
pub struct Plain {
    pub n: u64,
}

#[wasmforge::export]
impl Plain {
    #[wasmforge(constructor)]
    pub fn new(n: u64) -> Self {
        Plain { n }
    }
}

/// Colours, as an IntEnum.
#[wasmforge::export]
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Color {
    /// The first.
    Red = 1,
    Green = 2,
    Blue = 4,
}

impl fmt::Display for Color {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self)
    }
}

/// Implicit discriminants.
#[wasmforge::export]
pub enum Level {
    Low,
    Mid,
    High = 10,
    Top,
}

/// The next colour round the wheel.
#[wasmforge::export]
pub fn next_color(c: Color) -> Color {
    match c {
        Color::Red => Color::Green,
        Color::Green => Color::Blue,
        Color::Blue => Color::Red,
    }
}

/// An optional enum and its name.
#[wasmforge::export]
pub fn color_name(c: Option<Color>) -> String {
    c.map(|c| c.to_string()).unwrap_or_default()
}

/// The level's discriminant.
#[wasmforge::export]
pub fn level_value(l: Level) -> i32 {
    l as i32
}

/// A class by value: consumed.
#[wasmforge::export]
pub fn into_label(p: Point) -> String {
    p.label
}

/// A lifetime-generic function.
#[wasmforge::export]
pub fn first<'a>(a: &'a str, _b: &'a str) -> &'a str {
    a
}
