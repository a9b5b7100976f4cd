//! A no_std fixture for the text goldens: a loop, a table lookup, a store and a call.
#![no_std]

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

static SQUARES: [u32; 8] = [0, 1, 4, 9, 16, 25, 36, 49];

#[no_mangle]
pub extern "C" fn sum_squares(n: u32) -> u32 {
    let mut total = 0u32;
    for i in 0..n.min(8) {
        total = total.wrapping_add(SQUARES[i as usize]);
    }
    total
}

#[no_mangle]
pub unsafe extern "C" fn fill(ptr: *mut u8, len: usize, value: u8) {
    for i in 0..len {
        *ptr.add(i) = value ^ (i as u8);
    }
}
