//! Enums with data: one Python class per variant, by value both ways.

/// A shape.
#[wasmforge::export]
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A circle of radius `r`.
    Circle { r: f64 },
    Rect { w: f64, h: f64 },
    Labelled(String, Box<[u8]>),
    Many(Vec<Shape>),
    Empty,
}

#[wasmforge::export]
pub fn area(s: Shape) -> f64 {
    match s {
        Shape::Circle { r } => 3.0 * r * r,
        Shape::Rect { w, h } => w * h,
        Shape::Labelled(_, _) | Shape::Empty => 0.0,
        Shape::Many(v) => v.into_iter().map(area).sum(),
    }
}

#[wasmforge::export]
pub fn grow(s: Shape, k: f64) -> Shape {
    match s {
        Shape::Circle { r } => Shape::Circle { r: r * k },
        Shape::Rect { w, h } => Shape::Rect { w: w * k, h: h * k },
        Shape::Many(v) => Shape::Many(v.into_iter().map(|s| grow(s, k)).collect()),
        other => other,
    }
}

#[wasmforge::export]
pub fn shapes() -> Vec<Shape> {
    vec![
        Shape::Circle { r: 1.0 },
        Shape::Rect { w: 2.0, h: 3.0 },
        Shape::Labelled(String::from("x"), Box::new([1, 2])),
        Shape::Empty,
    ]
}

#[wasmforge::export]
pub fn biggest(v: Vec<Shape>) -> Option<Shape> {
    v.into_iter().max_by(|a, b| area(a.clone()).partial_cmp(&area(b.clone())).unwrap())
}

/// Why parsing failed: each variant is a Python exception class.
#[wasmforge::export]
#[derive(Debug)]
pub enum ParseError {
    Empty,
    BadDigit { at: u32, found: char },
    TooLong(u32),
}

/// A C-like error enum.
#[wasmforge::export]
#[derive(Debug, Clone, Copy)]
pub enum Denied {
    NoAccess = 1,
    Expired = 2,
}

#[wasmforge::export]
pub fn parse_digits(s: &str) -> Result<u64, ParseError> {
    if s.is_empty() {
        return Err(ParseError::Empty);
    }
    if s.len() > 18 {
        return Err(ParseError::TooLong(s.len() as u32));
    }
    let mut v = 0u64;
    for (i, c) in s.chars().enumerate() {
        match c.to_digit(10) {
            Some(d) => v = v * 10 + d as u64,
            None => return Err(ParseError::BadDigit { at: i as u32, found: c }),
        }
    }
    Ok(v)
}

#[wasmforge::export]
pub fn open(code: u32) -> Result<String, Denied> {
    match code {
        0 => Ok(String::from("open")),
        1 => Err(Denied::NoAccess),
        _ => Err(Denied::Expired),
    }
}

#[wasmforge::export]
pub fn plain_error(fail: bool) -> Result<(), String> {
    if fail { Err(String::from("plain")) } else { Ok(()) }
}
