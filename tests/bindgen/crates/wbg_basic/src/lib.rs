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
