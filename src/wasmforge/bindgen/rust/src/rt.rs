//! Runtime exports every module built with the crate carries: allocation for the
//! host, the return slots, and the panic path.

use alloc::alloc::{alloc, dealloc, Layout};
use core::fmt::{self, Write};
use core::panic::PanicInfo;

/// Allocate `size` bytes aligned to `align` for the host; 0 when out of memory.
/// A zero-sized request returns `align` itself, a valid dangling pointer.
#[no_mangle]
pub unsafe extern "C" fn __wasmforge_malloc(size: usize, align: usize) -> *mut u8 {
    if size == 0 {
        return align as *mut u8;
    }
    match Layout::from_size_align(size, align) {
        Ok(layout) => alloc(layout),
        Err(_) => core::ptr::null_mut(),
    }
}

/// Free memory from `__wasmforge_malloc`, or a buffer Rust handed to the host.
#[no_mangle]
pub unsafe extern "C" fn __wasmforge_free(ptr: *mut u8, size: usize, align: usize) {
    if size != 0 {
        dealloc(ptr, Layout::from_size_align_unchecked(size, align));
    }
}

/// Address of the two 8-byte return slots (see `abi`).
#[no_mangle]
#[allow(unused_unsafe)] // taking the address of a static mut is safe on newer compilers
pub extern "C" fn __wasmforge_slots() -> *mut u64 {
    unsafe { core::ptr::addr_of_mut!(crate::abi::SLOTS) as *mut u64 }
}

/// Called once by the host after instantiation: installs the panic hook (with `std`).
#[no_mangle]
pub extern "C" fn __wasmforge_init() {
    #[cfg(feature = "std")]
    std::panic::set_hook(alloc::boxed::Box::new(|info| std_hook(info)));
}

/// The `std` panic hook. `std::panic::PanicInfo` is the hook's argument type on every
/// compiler (an alias of `PanicHookInfo` since Rust 1.81), unlike `core::panic::PanicInfo`.
#[cfg(feature = "std")]
#[allow(deprecated)]
fn std_hook(info: &std::panic::PanicInfo<'_>) {
    let mut w = Fixed { buf: [0; 512], len: 0 };
    let payload = info.payload();
    if let Some(s) = payload.downcast_ref::<&str>() {
        let _ = w.write_str(s);
    } else if let Some(s) = payload.downcast_ref::<alloc::string::String>() {
        let _ = w.write_str(s);
    } else {
        let _ = write!(w, "{}", info);
    }
    match info.location() {
        Some(l) => report(&w, l.file(), l.line(), l.column()),
        None => report(&w, "", 0, 0),
    }
}

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "wasmforge")]
extern "C" {
    /// Hands a panic's message and location to the host, which raises `RustPanic`
    /// once the following trap unwinds the call.
    #[link_name = "panic"]
    fn host_panic(msg: *const u8, msg_len: usize, file: *const u8, file_len: usize, line: u32, col: u32);
}

/// A writer into a fixed buffer that drops what does not fit: panics must not allocate.
struct Fixed {
    buf: [u8; 512],
    len: usize,
}

impl Write for Fixed {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = self.buf.len() - self.len;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        self.buf[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}

fn report(w: &Fixed, file: &str, line: u32, col: u32) {
    #[cfg(target_arch = "wasm32")]
    unsafe {
        host_panic(w.buf.as_ptr(), w.len, file.as_ptr(), file.len(), line, col)
    };
    // Off wasm (e.g. `cargo test` of the crate) there is no host to tell.
    #[cfg(not(target_arch = "wasm32"))]
    let _ = (w.len, file, line, col);
}

/// Report a panic to the host from a `#[panic_handler]`: the whole formatted `PanicInfo`
/// (its message accessor is unstable on older compilers), which the host trims to the message.
pub fn report_panic(info: &PanicInfo<'_>) {
    let mut w = Fixed { buf: [0; 512], len: 0 };
    let _ = write!(w, "{}", info);
    match info.location() {
        Some(l) => report(&w, l.file(), l.line(), l.column()),
        None => report(&w, "", 0, 0),
    }
}

/// Panic handler body for `no_std` crates: report, then trap.
pub fn panic_and_trap(info: &PanicInfo<'_>) -> ! {
    report_panic(info);
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    loop {}
}

/// `__wf_drop_<Class>`: free a class object.
///
/// # Safety
/// `handle` must be a live handle of a `T`, not used afterwards.
pub unsafe fn drop_boxed<T>(handle: i32) {
    drop(alloc::boxed::Box::from_raw(handle as usize as *mut T));
}

/// `__wf_clone_<Class>` (from `#[derive(Clone)]`): a new, independent object.
///
/// # Safety
/// `handle` must be a live handle of a `T`.
pub unsafe fn clone_boxed<T: Clone>(handle: i32) -> i32 {
    let copy = (*(handle as usize as *const T)).clone();
    alloc::boxed::Box::into_raw(alloc::boxed::Box::new(copy)) as usize as i32
}

/// `__wf_repr_<Class>` (from `#[derive(Debug)]`): the `{:?}` text, as a `String` result.
///
/// # Safety
/// `handle` must be a live handle of a `T`.
pub unsafe fn debug_boxed<T: fmt::Debug>(handle: i32) -> i64 {
    let text = alloc::format!("{:?}", &*(handle as usize as *const T));
    crate::ToHost::into_abi_ret(text)
}

/// `__wf_eq_<Class>` (from `#[derive(PartialEq)]`): 1 if equal.
///
/// # Safety
/// Both handles must be live handles of a `T`.
pub unsafe fn eq_boxed<T: PartialEq>(a: i32, b: i32) -> i32 {
    (*(a as usize as *const T) == *(b as usize as *const T)) as i32
}

/// `__wf_hash_<Class>` (from `#[derive(Hash)]` with `Eq`): a 64-bit FNV-1a hash, stable
/// across runs (no `std` hasher needed).
///
/// # Safety
/// `handle` must be a live handle of a `T`.
pub unsafe fn hash_boxed<T: core::hash::Hash>(handle: i32) -> i64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    core::hash::Hash::hash(&*(handle as usize as *const T), &mut h);
    core::hash::Hasher::finish(&h) as i64
}

struct Fnv(u64);

impl core::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}
