//! Python functions called from Rust.

#[wasmforge::import]
extern "C" {
    /// Writes a line on the Python side.
    fn log(line: &str);
    /// Transforms one value (any Python function).
    fn transform(x: f64) -> f64;
    /// Asks Python for a name.
    fn ask(question: &str) -> String;
    /// Calls back into the module from Python.
    fn reenter(depth: u32) -> u32;
}

/// Applies the Python `transform` to each value.
#[wasmforge::export]
pub fn map(values: &[f64]) -> Vec<f64> {
    log(&format!("mapping {} values", values.len()));
    values.iter().map(|&v| transform(v)).collect()
}

/// Greets whoever Python says.
#[wasmforge::export]
pub fn greet_asked() -> String {
    let name = ask("who?");
    format!("Hello, {}!", name)
}

/// Counts down through Python: `countdown(n)` calls `reenter(n - 1)`, which may call back.
#[wasmforge::export]
pub fn countdown(n: u32) -> u32 {
    if n == 0 { 0 } else { 1 + reenter(n - 1) }
}
