//! Image buffers: RGBA to grayscale over a large buffer.

/// Converts RGBA pixels (4 bytes each) to one luma byte per pixel (ITU-R BT.601 weights).
#[wasmforge::export]
pub fn grayscale(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114 + 500) / 1000) as u8)
        .collect()
}

/// Converts RGBA pixels to gray in place (alpha is kept).
#[wasmforge::export]
pub fn grayscale_in_place(rgba: &mut [u8]) {
    for p in rgba.chunks_exact_mut(4) {
        let y = ((p[0] as u32 * 299 + p[1] as u32 * 587 + p[2] as u32 * 114 + 500) / 1000) as u8;
        p[0] = y;
        p[1] = y;
        p[2] = y;
    }
}

/// Number of RGBA pixels in the buffer (does nothing else: the benchmark of crossing cost).
#[wasmforge::export]
pub fn pixel_count(rgba: &[u8]) -> usize {
    rgba.len() / 4
}

/// Histogram of byte values.
#[wasmforge::export]
pub fn histogram(data: &[u8]) -> Vec<u32> {
    let mut h = vec![0u32; 256];
    for &b in data { h[b as usize] += 1; }
    h
}
