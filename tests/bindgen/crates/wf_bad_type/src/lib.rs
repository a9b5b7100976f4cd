//! Must NOT compile: a parameter type the boundary does not carry.

#[wasmforge::export]
pub fn wait(d: std::time::Duration, n: u32) -> u32 {
    d.as_secs() as u32 + n
}
