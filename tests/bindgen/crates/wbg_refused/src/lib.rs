//! A #[wasm_bindgen] crate with an item wasmforge does not bind: i128 has no Python ABI here.
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn big(x: i128) -> i128 {
    x * 2
}
