//! Must NOT compile: each item has one type the boundary cannot carry that only the
//! compiler can tell (an unknown path); each gives exactly one error, at that type.

#[wasmforge::export]
pub fn wait(d: std::time::Duration, n: u32) -> u32 {
    d.as_secs() as u32 + n
}

#[wasmforge::export]
pub fn nested(v: Vec<std::time::Instant>) -> usize {
    v.len()
}

#[wasmforge::export]
pub fn gives() -> std::time::Duration {
    std::time::Duration::from_secs(1)
}

#[wasmforge::export]
pub fn fails() -> Result<u8, std::time::Duration> {
    Ok(1)
}

#[wasmforge::export]
pub struct Holder {
    pub when: std::time::Duration,
    pub n: u8,
}

#[wasmforge::export]
pub struct Stamp(pub u8, pub std::time::Instant);

#[wasmforge::export]
impl Stamp {
    pub fn since(&self, earlier: std::time::SystemTime) -> bool {
        earlier.elapsed().is_ok()
    }
}

#[wasmforge::import]
extern "C" {
    pub fn clock(at: std::time::Instant) -> std::time::Duration;
}

#[wasmforge::export]
pub enum Event {
    At { when: std::time::Duration },
    Nothing,
}
