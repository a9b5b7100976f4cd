//! Must NOT compile: each item has one problem the attribute macro reports itself.

#[wasmforge::export]
pub fn generic<T: Copy>(x: T) -> T {
    x
}

#[wasmforge::export]
#[wasmforge(nmae = "x")]
pub fn misspelt_option(x: u8) -> u8 {
    x
}

#[wasmforge::export]
pub fn pattern((a, b): (u8, u8)) -> u8 {
    a + b
}

#[wasmforge::export]
pub struct Thing {
    pub n: u8,
}

#[wasmforge::export]
impl Thing {
    pub fn boxed_self(self: Box<Self>) -> u8 {
        self.n
    }
    #[wasmforge(constructor)]
    pub fn not_static(&self) -> Self {
        Thing { n: self.n }
    }
}

#[wasmforge::export]
fn private(x: u8) -> u8 {
    x
}
