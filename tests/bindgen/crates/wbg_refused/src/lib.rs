//! A #[wasm_bindgen] crate with an item wasmforge does not bind yet (a struct).
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Counter {
    count: i32,
}

#[wasm_bindgen]
impl Counter {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Counter {
        Counter { count: 0 }
    }
    pub fn bump(&mut self) -> i32 {
        self.count += 1;
        self.count
    }
}
