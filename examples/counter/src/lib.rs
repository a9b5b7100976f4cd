//! A Rust struct as a Python class.

/// Counts up in steps, and remembers every value it reached.
#[wasmforge::export]
pub struct Counter {
    value: u64,
    /// How much each tick adds.
    pub step: u64,
    history: Vec<u64>,
}

#[wasmforge::export]
impl Counter {
    /// A counter starting at `start`, counting in steps of `step`.
    #[wasmforge(constructor)]
    pub fn new(start: u64, step: u64) -> Self {
        Counter { value: start, step, history: Vec::new() }
    }
    /// Count one step; returns the new value.
    pub fn tick(&mut self) -> u64 {
        self.history.push(self.value);
        self.value = self.value.checked_add(self.step).expect("counter overflowed u64");
        self.value
    }
    /// The current value.
    pub fn value(&self) -> u64 { self.value }
    /// Every value before each tick.
    pub fn history(&self) -> Vec<u64> { self.history.clone() }
    /// Back to `value`; fails if the counter never was there.
    pub fn rewind(&mut self, value: u64) -> Result<u64, String> {
        match self.history.iter().position(|&v| v == value) {
            Some(i) => { self.history.truncate(i); self.value = value; Ok(value) }
            None => Err(format!("{} was never reached", value)),
        }
    }
    /// A counter continuing from where `other` is, with the same step.
    pub fn fork(other: &Counter) -> Counter {
        Counter { value: other.value, step: other.step, history: Vec::new() }
    }
}
