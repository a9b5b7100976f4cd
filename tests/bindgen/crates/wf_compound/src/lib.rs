//! Compound types: 128-bit integers, tuples, vectors of strings, bytes, bools, chars and
//! classes, boxed slices, maps; both ways, and through imports.

use std::collections::{BTreeMap, HashMap};

#[wasmforge::export]
pub fn echo_u128(x: u128) -> u128 {
    x
}

#[wasmforge::export]
pub fn neg_i128(x: i128) -> i128 {
    x.wrapping_neg()
}

#[wasmforge::export]
pub fn swap(pair: (i32, String)) -> (String, i32) {
    (pair.1, pair.0)
}

#[wasmforge::export]
pub fn nested(t: (u8, (bool, char), Option<f64>)) -> ((u8, bool), (char, Option<f64>)) {
    ((t.0, (t.1).0), ((t.1).1, t.2))
}

#[wasmforge::export]
pub fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
}

#[wasmforge::export]
pub fn join(parts: Vec<&str>, sep: &str) -> String {
    parts.join(sep)
}

#[wasmforge::export]
pub fn total_len(parts: &[String]) -> usize {
    parts.iter().map(|s| s.len()).sum()
}

#[wasmforge::export]
pub fn upper_all(parts: Vec<String>) -> Vec<String> {
    parts.into_iter().map(|s| s.to_uppercase()).collect()
}

#[wasmforge::export]
pub fn chunks(data: &[u8], size: u32) -> Vec<Vec<u8>> {
    data.chunks(size.max(1) as usize).map(|c| c.to_vec()).collect()
}

#[wasmforge::export]
pub fn concat(parts: Vec<Vec<u8>>) -> Vec<u8> {
    parts.concat()
}

#[wasmforge::export]
pub fn negate(flags: Vec<bool>) -> Vec<bool> {
    flags.into_iter().map(|b| !b).collect()
}

#[wasmforge::export]
pub fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

#[wasmforge::export]
pub fn from_chars(cs: Vec<char>) -> String {
    cs.into_iter().collect()
}

#[wasmforge::export]
pub fn boxed(xs: Box<[u32]>) -> Box<[u32]> {
    xs.iter().map(|x| x * 2).collect()
}

#[wasmforge::export]
pub fn boxed_strs(xs: Box<[String]>) -> usize {
    xs.len()
}

#[wasmforge::export]
pub fn maybe_words(text: Option<&str>) -> Option<Vec<String>> {
    text.map(words)
}

#[wasmforge::export]
pub fn opt_items(xs: Vec<Option<i64>>) -> Vec<Option<i64>> {
    xs.into_iter().map(|x| x.map(|v| v * 10)).collect()
}

#[wasmforge::export]
pub fn counts(words: Vec<String>) -> HashMap<String, u32> {
    let mut m = HashMap::new();
    for w in words {
        *m.entry(w).or_insert(0) += 1;
    }
    m
}

#[wasmforge::export]
pub fn sorted_keys(m: BTreeMap<String, i64>) -> Vec<String> {
    m.into_keys().collect()
}

#[wasmforge::export]
pub fn invert(m: HashMap<u8, String>) -> BTreeMap<String, u8> {
    m.into_iter().map(|(k, v)| (v, k)).collect()
}

#[wasmforge::export]
pub fn pairs(n: u32) -> Vec<(u32, String)> {
    (0..n).map(|i| (i, i.to_string())).collect()
}

/// A named value.
#[wasmforge::export]
pub struct Item {
    pub name: String,
    pub value: i64,
}

#[wasmforge::export]
impl Item {
    #[wasmforge(constructor)]
    pub fn new(name: &str, value: i64) -> Self {
        Item { name: name.into(), value }
    }
}

#[wasmforge::export]
pub fn make_items(n: u32) -> Vec<Item> {
    (0..n).map(|i| Item { name: format!("item{}", i), value: i as i64 }).collect()
}

#[wasmforge::export]
pub fn sum_items(items: Vec<Item>) -> i64 {
    items.iter().map(|i| i.value).sum()
}

#[wasmforge::export]
pub fn find_item(items: Vec<Item>, name: &str) -> Option<Item> {
    items.into_iter().find(|i| i.name == name)
}

#[wasmforge::export]
pub fn item_map(items: Vec<Item>) -> BTreeMap<String, Item> {
    items.into_iter().map(|i| (i.name.clone(), i)).collect()
}

/// A tuple-typed field.
#[wasmforge::export]
pub struct Span {
    pub range: (u32, u32),
    pub tags: Vec<String>,
}

#[wasmforge::export]
impl Span {
    #[wasmforge(constructor)]
    pub fn new(start: u32, end: u32) -> Self {
        Span { range: (start, end), tags: Vec::new() }
    }
}

#[wasmforge::import]
extern "C" {
    fn py_split(s: &str) -> Vec<String>;
    fn py_sum(pairs: Vec<(String, i64)>) -> i64;
    fn py_big(x: u128) -> u128;
}

#[wasmforge::export]
pub fn via_split(s: &str) -> Vec<String> {
    py_split(s)
}

#[wasmforge::export]
pub fn via_sum(n: u32) -> i64 {
    py_sum((0..n).map(|i| (i.to_string(), i as i64)).collect())
}

#[wasmforge::export]
pub fn via_big(x: u128) -> u128 {
    py_big(x)
}

/// Holds Python objects for Python.
#[wasmforge::export]
pub struct Keeper {
    held: Vec<wasmforge::PyObject>,
}

#[wasmforge::export]
impl Keeper {
    #[wasmforge(constructor)]
    pub fn new() -> Self {
        Keeper { held: Vec::new() }
    }
    pub fn keep(&mut self, obj: wasmforge::PyObject) -> usize {
        self.held.push(obj);
        self.held.len()
    }
    pub fn get(&self, i: usize) -> Option<wasmforge::PyObject> {
        self.held.get(i).cloned()
    }
    pub fn all(&self) -> Vec<wasmforge::PyObject> {
        self.held.clone()
    }
    pub fn forget(&mut self) {
        self.held.clear();
    }
}

#[wasmforge::export]
pub fn same(a: wasmforge::PyObject, b: wasmforge::PyObject) -> bool {
    a == b
}

#[wasmforge::export]
pub fn through_python(obj: wasmforge::PyObject) -> wasmforge::PyObject {
    py_roundtrip(obj)
}

#[wasmforge::import]
extern "C" {
    fn py_roundtrip(obj: wasmforge::PyObject) -> wasmforge::PyObject;
}
