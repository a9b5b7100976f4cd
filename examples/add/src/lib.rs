//! `add`: two numbers in, one out, and one function imported from the host.
//!
//! `add` is an ordinary Rust function given a fixed export name; `add_random`
//! calls `random` from the import module `Math` (in a browser, `Math.random`).

#[link(wasm_import_module = "Math")]
extern "C" {
    fn random() -> f64;
}

/// Returns `a + b`; exported as `add`.
#[export_name = "add"]
pub fn add(a: f64, b: f64) -> f64 {
    a + b
}

/// Returns `x` plus whatever the host's `Math.random` gives (in `[0, 1)` for the real one).
#[export_name = "add_random"]
pub fn add_random(x: f64) -> f64 {
    // Safety: the host provides `Math.random` as a function taking nothing and returning an f64.
    add(x, unsafe { random() })
}
