//! A #[wasm_bindgen] crate of the types wasmforge binds for Python.
use wasm_bindgen::prelude::*;

/// Says hello.
#[wasm_bindgen]
pub fn greet(name: &str) -> String {
    format!("Hello, {name}!")
}

#[wasm_bindgen]
pub fn add(a: i32, b: u64, c: f64) -> f64 {
    a as f64 + b as f64 + c
}

#[wasm_bindgen]
pub fn wide(a: i64, b: u64) -> u64 {
    (a as u64).wrapping_add(b)
}

#[wasm_bindgen]
pub fn halve(x: u32) -> u32 {
    x / 2
}

#[wasm_bindgen]
pub fn sum(v: &[f64]) -> f64 {
    v.iter().sum()
}

#[wasm_bindgen]
pub fn doubled(v: Vec<i32>) -> Vec<i32> {
    v.into_iter().map(|x| x * 2).collect()
}

#[wasm_bindgen]
pub fn checked(x: i32) -> Result<i32, JsError> {
    if x < 0 {
        Err(JsError::new("negative input"))
    } else {
        Ok(x * 10)
    }
}

#[wasm_bindgen]
pub fn name_of(x: u8) -> Result<String, JsError> {
    match x {
        0 => Ok("zero".into()),
        _ => Err(JsError::new(&format!("no name for {x}"))),
    }
}

#[wasm_bindgen]
pub fn upper(b: bool, c: char) -> char {
    if b { c.to_ascii_uppercase() } else { c }
}

#[wasm_bindgen]
pub fn is_even(x: i16) -> bool {
    x % 2 == 0
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console)]
    fn log(s: &str);
    #[wasm_bindgen(js_namespace = Math)]
    fn random() -> f64;
}

#[wasm_bindgen]
pub fn shout(s: &str) -> f64 {
    log(&s.to_uppercase());
    random()
}

#[wasm_bindgen]
pub fn maybe_text(x: Option<u32>) -> Option<String> {
    x.map(|v| format!("#{v}"))
}

#[wasm_bindgen]
pub fn maybe_wide(x: Option<i64>, y: Option<f64>) -> Option<f64> {
    match (x, y) {
        (Some(a), Some(b)) => Some(a as f64 + b),
        _ => None,
    }
}

#[wasm_bindgen]
pub fn maybe_small(b: Option<bool>, c: Option<char>, s: Option<String>) -> Option<u8> {
    Some(b? as u8 + c?.len_utf8() as u8 + s?.len() as u8)
}

/// Where a value points.
#[wasm_bindgen]
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Direction {
    North,
    East = 10,
    South,
}

#[wasm_bindgen]
pub fn turn(d: Direction) -> Direction {
    match d {
        Direction::North => Direction::East,
        Direction::East => Direction::South,
        Direction::South => Direction::North,
    }
}

#[wasm_bindgen]
pub fn maybe_turn(d: Option<Direction>) -> Option<Direction> {
    d.map(turn)
}

#[wasm_bindgen]
pub enum Shape {
    Circle = "circle",
    Square = "square",
}

#[wasm_bindgen]
pub fn corners(s: Shape) -> u32 {
    match s {
        Shape::Circle => 0,
        Shape::Square => 4,
        _ => 99,
    }
}

#[wasm_bindgen]
pub fn rounder(s: Shape) -> Shape {
    let _ = s;
    Shape::Circle
}

#[wasm_bindgen]
pub fn keep(v: JsValue) -> JsValue {
    v
}

#[wasm_bindgen]
pub fn same(a: &JsValue, b: &JsValue) -> bool {
    a == b
}

#[wasm_bindgen]
pub fn parse_flag(s: &str) -> Result<bool, JsValue> {
    match s {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err(JsError::new("not yes or no").into()),
    }
}

/// Counts up by its step.
#[wasm_bindgen]
pub struct Counter {
    count: i32,
    pub step: i32,
    #[wasm_bindgen(readonly)]
    pub made: u32,
    #[wasm_bindgen(skip)]
    pub secret: String,
}

#[wasm_bindgen]
impl Counter {
    #[wasm_bindgen(constructor)]
    pub fn new(start: i32) -> Counter {
        Counter { count: start, step: 1, made: 7, secret: String::new() }
    }

    /// Adds the step and gives the new count.
    pub fn bump(&mut self) -> i32 {
        self.count += self.step;
        self.count
    }

    #[wasm_bindgen(getter)]
    pub fn count(&self) -> i32 {
        self.count
    }

    #[wasm_bindgen(setter)]
    pub fn set_count(&mut self, value: i32) {
        self.count = value;
    }

    #[wasm_bindgen(js_name = fromText)]
    pub fn from_text(text: &str) -> Result<Counter, JsError> {
        let start = text.parse::<i32>().map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Counter::new(start))
    }

    pub fn merged(self, other: &Counter) -> Counter {
        Counter::new(self.count + other.count)
    }

    pub fn describe(&self) -> String {
        format!("Counter at {} step {}", self.count, self.step)
    }
}

#[wasm_bindgen]
pub fn total(a: &Counter, b: Counter) -> i32 {
    a.count + b.count
}

#[wasm_bindgen]
pub fn reversed(mut v: Vec<JsValue>) -> Vec<JsValue> {
    v.reverse();
    v
}

#[wasm_bindgen]
pub fn boom(v: &JsValue) -> u32 {
    if v.is_null() {
        panic!("boom");
    }
    1
}

#[wasm_bindgen]
pub fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(String::from).collect()
}

#[wasm_bindgen]
pub fn joined(v: Vec<String>, sep: &str) -> String {
    v.join(sep)
}

#[wasm_bindgen]
pub fn sorted_words(v: Box<[String]>) -> Box<[String]> {
    let mut v = v.into_vec();
    v.sort();
    v.into_boxed_slice()
}

#[wasm_bindgen]
pub fn maybe_words(v: Option<Vec<String>>) -> Option<Vec<String>> {
    v.map(|w| w.into_iter().rev().collect())
}

#[wasm_bindgen]
pub fn scaled(v: Box<[f64]>, k: f64) -> Box<[f64]> {
    v.iter().map(|x| x * k).collect()
}

#[wasm_bindgen]
pub fn boxed_values(v: Box<[JsValue]>) -> Box<[JsValue]> {
    v.iter().rev().cloned().collect()
}

#[wasm_bindgen]
pub fn tagged(a: &str, n: u32, b: String) -> String {
    format!("{a}{n}{b}")
}
