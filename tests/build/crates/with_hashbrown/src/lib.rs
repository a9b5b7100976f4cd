//! A crate depending on hashbrown, whose current releases need a newer Rust than 1.63.

use hashbrown::HashSet;

/// How many distinct values `i * i % m` takes for `i` in `0..n`.
#[no_mangle]
pub extern "C" fn distinct_squares(n: u32, m: u32) -> u32 {
    let set: HashSet<u32> = (0..n).map(|i| i.wrapping_mul(i) % m.max(1)).collect();
    set.len() as u32
}
