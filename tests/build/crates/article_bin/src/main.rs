// The article's second route: `cargo init --bin`, no main, the same exported function as the cdylib.
#![no_main]

#[no_mangle]
pub extern "C" fn add(a: i32, b: i32) -> i32 {
    a + b
}
