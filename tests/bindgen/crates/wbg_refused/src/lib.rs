//! A #[wasm_bindgen] crate with an item wasmforge does not bind: Vec<String> needs a JS cast.
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn words(s: &str) -> Vec<String> {
    s.split(' ').map(String::from).collect()
}
