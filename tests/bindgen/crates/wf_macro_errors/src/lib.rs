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

// Shapes that can never cross the boundary: refused by the macro itself.

#[wasmforge::export]
pub fn peek(p: *const u8) -> u8 {
    p as usize as u8
}

#[wasmforge::export]
pub fn shared(s: std::rc::Rc<String>) -> usize {
    s.len()
}

#[wasmforge::export]
pub fn fixed(a: [u8; 4]) -> u8 {
    a[0]
}

#[wasmforge::export]
pub fn shown(x: impl std::fmt::Display) -> String {
    x.to_string()
}

#[wasmforge::export]
pub fn boxed(b: Box<dyn std::any::Any>) -> bool {
    b.is::<u8>()
}

#[wasmforge::export]
pub fn append(s: &mut String) {
    s.push('!');
}

#[wasmforge::export]
pub struct Boxed<T> {
    pub v: T,
}

#[wasmforge::export]
pub struct Shifting(#[cfg(any())] pub u8, pub u16);
