//! A library built for WASI: std's clock and environment come from the host's WASI.

/// Greets someone, through std's formatting.
#[wasmforge::export]
pub fn greet(name: &str) -> String {
    format!("Hello, {}!", name)
}

/// Whether the host gave the module an environment variable called `name`.
#[wasmforge::export]
pub fn has_env(name: &str) -> bool {
    std::env::var(name).is_ok()
}

/// Whether the system clock reads after 2020 (WASI's clock_time_get).
#[wasmforge::export]
pub fn clock_works() -> bool {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() > 1_577_836_800)
        .unwrap_or(false)
}
