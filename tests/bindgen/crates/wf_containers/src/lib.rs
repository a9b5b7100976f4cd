//! Containers of every kind of element, both ways: a table of identity functions (the
//! property test sends any value of each type through Rust and back), boxed slices, and
//! classes by value, `&` and `&mut`.

use std::collections::{BTreeMap, HashMap};

/// A point with a name.
#[wasmforge::export]
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

#[wasmforge::export]
impl Point {
    #[wasmforge(constructor)]
    pub fn new(x: f64, y: f64) -> Self {
        Point { x, y }
    }
}

#[wasmforge::export]
#[derive(Clone, Copy)]
pub enum Level {
    Low = 1,
    High = 9,
}

#[wasmforge::export]
pub enum Shape {
    Circle { r: f64 },
    Label(String),
    Empty,
}

/// `id_<name>`: the identity on one type of the table.
macro_rules! identities {
    ($($name:ident: $t:ty;)*) => {$(
        #[wasmforge::export]
        pub fn $name(x: $t) -> $t {
            x
        }
    )*};
}

identities! {
    id_vec_bool: Vec<bool>;
    id_vec_char: Vec<char>;
    id_vec_string: Vec<String>;
    id_vec_bytes: Vec<Vec<u8>>;
    id_vec_u128: Vec<u128>;
    id_vec_i8: Vec<i8>;
    id_vec_f32: Vec<f32>;
    id_vec_usize: Vec<usize>;
    id_vec_tuple: Vec<(u8, String, bool)>;
    id_vec_level: Vec<Level>;
    id_vec_shape: Vec<Shape>;
    id_vec_map: Vec<HashMap<String, i32>>;
    id_vec_opt_string: Vec<Option<String>>;
    id_vec_vec_u16: Vec<Vec<u16>>;
    id_opt_string: Option<String>;
    id_opt_bytes: Option<Vec<u8>>;
    id_opt_vec_u32: Option<Vec<u32>>;
    id_opt_tuple: Option<(i64, String)>;
    id_opt_level: Option<Level>;
    id_opt_shape: Option<Shape>;
    id_opt_map: Option<BTreeMap<u32, String>>;
    id_opt_u128: Option<u128>;
    id_opt_char: Option<char>;
    id_opt_opt_u8: Option<Option<u8>>;
    id_opt_vec_tuple: Option<Vec<(String, u32)>>;
    id_box_u32: Box<[u32]>;
    id_box_f64: Box<[f64]>;
    id_box_bytes: Box<[u8]>;
    id_box_strings: Box<[String]>;
    id_box_byte_strings: Box<[Vec<u8>]>;
    id_btree: BTreeMap<String, Vec<Option<i16>>>;
    id_hash: HashMap<u64, (bool, char)>;
    id_map_of_maps: HashMap<String, BTreeMap<i8, String>>;
    id_tuple_nested: (Vec<String>, Option<(u8, Vec<bool>)>, BTreeMap<char, u8>);
}

// Classes inside containers: the identity moves them into Rust and hands back new objects.
identities! {
    id_vec_point: Vec<Point>;
    id_opt_point: Option<Point>;
    id_vec_opt_point: Vec<Option<Point>>;
    id_map_points: HashMap<String, Vec<Point>>;
    id_tuple_point: (Point, String);
}

#[wasmforge::export]
pub fn strs_len(words: Vec<&str>) -> usize {
    words.iter().map(|w| w.len()).sum()
}

#[wasmforge::export]
pub fn strs_joined(words: &[String], sep: &str) -> String {
    words.join(sep)
}

#[wasmforge::export]
pub fn sorted_box(mut xs: Box<[i32]>) -> Box<[i32]> {
    xs.sort();
    xs
}

#[wasmforge::export]
pub fn box_words(text: &str) -> Box<[String]> {
    text.split(' ').map(String::from).collect()
}

/// By value: the Python object is consumed.
#[wasmforge::export]
pub fn norm(p: Point) -> f64 {
    (p.x * p.x + p.y * p.y).sqrt()
}

#[wasmforge::export]
pub fn dot(a: &Point, b: &Point) -> f64 {
    a.x * b.x + a.y * b.y
}

#[wasmforge::export]
pub fn scale(p: &mut Point, k: f64) {
    p.x *= k;
    p.y *= k;
}

#[wasmforge::export]
pub fn maybe_norm(p: Option<Point>) -> Option<f64> {
    p.map(norm)
}

#[wasmforge::export]
pub fn maybe_dot(a: &Point, b: Option<&Point>) -> f64 {
    b.map_or(0.0, |b| dot(a, b))
}
