//! Python functions called from Rust with every kind of value, both ways.

#[wasmforge::import]
extern "C" {
    fn py_u64(x: u64) -> u64;
    fn py_i8(x: i8) -> i8;
    fn py_f32(x: f32) -> f32;
    fn py_bool(x: bool) -> bool;
    fn py_char(x: char) -> char;
    fn py_str(s: &str) -> String;
    fn py_owned(s: String) -> usize;
    fn py_bytes(b: &[u8]) -> Vec<u8>;
    fn py_owned_vec(v: Vec<f64>) -> f64;
    fn py_opt_i64(x: Option<i64>) -> Option<i64>;
    fn py_opt_u16(x: Option<u16>) -> Option<u16>;
    fn py_opt_str(x: Option<&str>) -> Option<String>;
    fn py_nothing();
}

#[wasmforge::export]
pub fn via_u64(x: u64) -> u64 { py_u64(x) }
#[wasmforge::export]
pub fn via_i8(x: i8) -> i8 { py_i8(x) }
#[wasmforge::export]
pub fn via_f32(x: f32) -> f32 { py_f32(x) }
#[wasmforge::export]
pub fn via_bool(x: bool) -> bool { py_bool(x) }
#[wasmforge::export]
pub fn via_char(x: char) -> char { py_char(x) }
#[wasmforge::export]
pub fn via_str(s: &str) -> String { py_str(s) }
#[wasmforge::export]
pub fn via_owned(s: &str) -> usize { py_owned(String::from(s)) }
#[wasmforge::export]
pub fn via_bytes(b: &[u8]) -> Vec<u8> { py_bytes(b) }
#[wasmforge::export]
pub fn via_owned_vec(n: u32) -> f64 { py_owned_vec((0..n).map(|i| i as f64).collect()) }
#[wasmforge::export]
pub fn via_opt_i64(x: Option<i64>) -> Option<i64> { py_opt_i64(x) }
#[wasmforge::export]
pub fn via_opt_u16(x: Option<u16>) -> Option<u16> { py_opt_u16(x) }
#[wasmforge::export]
pub fn via_opt_str(x: Option<&str>) -> Option<String> { py_opt_str(x) }
#[wasmforge::export]
pub fn via_nothing() { py_nothing() }
/// Lends a string, then calls Python, which calls `via_str` again: the outer
/// string must survive the nested call.
#[wasmforge::export]
pub fn nested(outer: &str) -> String {
    let inner = py_str("inner");
    format!("{}+{}", outer, inner)
}
