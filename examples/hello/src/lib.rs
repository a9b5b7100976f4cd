//! Strings, `Option` and `Result` across the boundary.

/// Greets someone by name.
#[wasmforge::export]
pub fn greet(name: &str) -> String {
    format!("Hello, {}!", name)
}

/// The first word of `text`, if it has one.
#[wasmforge::export]
pub fn first_word(text: &str) -> Option<String> {
    text.split_whitespace().next().map(String::from)
}

/// Parses a temperature such as `"21.5C"` or `"70F"` into degrees Celsius.
#[wasmforge::export]
pub fn parse_celsius(text: &str) -> Result<f64, String> {
    let text = text.trim();
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let value: f64 = number.parse().map_err(|e| format!("bad number {:?}: {}", number, e))?;
    match unit {
        "C" | "c" => Ok(value),
        "F" | "f" => Ok((value - 32.0) * 5.0 / 9.0),
        _ => Err(format!("unknown unit {:?} (use C or F)", unit)),
    }
}

/// Repeats `text` `times` times, separated by `sep` (a comma if `None`).
#[wasmforge::export]
pub fn repeat(text: &str, times: u32, sep: Option<char>) -> String {
    let sep = sep.unwrap_or(',').to_string();
    vec![text; times as usize].join(&sep)
}
