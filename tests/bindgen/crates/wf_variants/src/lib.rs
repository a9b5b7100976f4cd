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
