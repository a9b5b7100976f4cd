//! How Rust values cross the boundary as `i32`/`i64`/`f32`/`f64`.
//!
//! * integers up to 32 bits, `bool`, `char`, `usize`: one `i32`; 64-bit integers: `i64`.
//! * strings, slices and vectors: one `i64` packing `ptr | len << 32` (len in elements);
//!   an export's small owned result is copied to a return buffer and flagged with bit 63.
//! * `Option<T>`: when `T` travels as `i32`/`f32`, an `i64` with bit 32 set for `Some`;
//!   when `T` travels as `i64`/`f64`, an `i32` pointer to the 8-byte value, 0 for `None`.
//! * `Result<T, E>`: an `i32` tag (0 ok, 1 err); the payload (T's value, or the
//!   packed error message) sits in a return slot whose address `__wasmforge_slots` gives.
//! * opaque structs: an `i32` handle (the address of their box).

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cell::RefCell;
use core::fmt::Display;

/// One of the four value types a shim may take or return (or `()` for no result).
pub trait Prim: Copy {
    /// How `Option<Self>` travels.
    type Opt: Prim;
    /// The raw bits, zero-extended, as stored in a return slot.
    fn to_bits(self) -> u64;
    /// Inverse of [`Prim::to_bits`].
    fn from_bits(bits: u64) -> Self;
    /// Encode an optional value.
    fn opt_out(v: Option<Self>) -> Self::Opt;
    /// Decode an optional value.
    ///
    /// # Safety
    /// A pointer encoding must point to 8 readable bytes.
    unsafe fn opt_in(o: Self::Opt) -> Option<Self>;
}

/// Return slots shared by all shims: [0] for `Option` of 64-bit values, [1] for `Result`.
/// wasm32-unknown-unknown is single-threaded and the host reads a slot right after the
/// call returns, so one set of slots is enough even with re-entrant calls.
#[doc(hidden)]
pub static mut SLOTS: [u64; 2] = [0; 2];

macro_rules! narrow_prim {
    ($t:ty, $to:expr, $from:expr) => {
        impl Prim for $t {
            type Opt = i64;
            #[inline]
            fn to_bits(self) -> u64 {
                let f: fn($t) -> u32 = $to;
                f(self) as u64
            }
            #[inline]
            fn from_bits(bits: u64) -> Self {
                let f: fn(u32) -> $t = $from;
                f(bits as u32)
            }
            #[inline]
            fn opt_out(v: Option<Self>) -> i64 {
                match v {
                    Some(x) => ((1u64 << 32) | Prim::to_bits(x)) as i64,
                    None => 0,
                }
            }
            #[inline]
            unsafe fn opt_in(o: i64) -> Option<Self> {
                if (o as u64) >> 32 & 1 == 1 {
                    Some(<Self as Prim>::from_bits(o as u64))
                } else {
                    None
                }
            }
        }
    };
}
narrow_prim!(i32, |x| x as u32, |b| b as i32);
narrow_prim!(f32, |x| x.to_bits(), f32::from_bits);

macro_rules! wide_prim {
    ($t:ty, $to:expr, $from:expr) => {
        impl Prim for $t {
            type Opt = i32;
            #[inline]
            fn to_bits(self) -> u64 {
                let f: fn($t) -> u64 = $to;
                f(self)
            }
            #[inline]
            fn from_bits(bits: u64) -> Self {
                let f: fn(u64) -> $t = $from;
                f(bits)
            }
            #[inline]
            fn opt_out(v: Option<Self>) -> i32 {
                match v {
                    Some(x) => unsafe {
                        let slot = core::ptr::addr_of_mut!(SLOTS[0]);
                        *slot = x.to_bits();
                        slot as i32
                    },
                    None => 0,
                }
            }
            #[inline]
            unsafe fn opt_in(o: i32) -> Option<Self> {
                if o == 0 {
                    None
                } else {
                    Some(Self::from_bits(core::ptr::read_unaligned(o as usize as *const u64)))
                }
            }
        }
    };
}
wide_prim!(i64, |x| x as u64, |b| b as i64);
wide_prim!(f64, |x| x.to_bits(), f64::from_bits);

impl Prim for () {
    type Opt = i32;
    fn to_bits(self) -> u64 {
        0
    }
    fn from_bits(_: u64) -> Self {}
    fn opt_out(v: Option<Self>) -> i32 {
        v.is_some() as i32
    }
    unsafe fn opt_in(o: i32) -> Option<Self> {
        if o != 0 {
            Some(())
        } else {
            None
        }
    }
}

/// A Rust type that can cross the boundary; `Abi` is how it travels.
#[cfg_attr(
    wf_diagnostic,
    diagnostic::on_unimplemented(
        message = "`{Self}` cannot cross the wasmforge boundary",
        label = "not a type Python can pass or receive",
        note = "supported: integers (u8..u128, i8..i128, usize, isize), f32, f64, bool, char, (), &str, String, &[T], &mut [T] and Vec<T> of numbers, Vec<T>/Box<[T]>/&[T] and Option<T> of supported T, tuples, HashMap/BTreeMap, Result<T, E: Display> (results), and structs and enums marked #[wasmforge::export]"
    )
)]
pub trait WasmType {
    /// The primitive the value travels as.
    type Abi: Prim;
}

/// Marks the lifetime of one call: values borrowed from the host (`&str`, `&[T]`)
/// borrow this anchor, so they cannot be kept after the call returns. A parameter
/// typed `&'static str` fails to compile for that reason. It also keeps what a borrowed
/// parameter points into (an encoded buffer, a decoded `Vec` behind `&[String]`) until
/// the call returns; with nothing kept it costs nothing.
pub struct Anchor {
    kept: RefCell<Vec<Kept>>,
}

/// A value kept until the anchor drops, type-erased.
struct Kept {
    ptr: *mut (),
    drop: unsafe fn(*mut ()),
}

unsafe fn drop_box<T>(p: *mut ()) {
    drop(Box::from_raw(p as *mut T));
}

impl Anchor {
    /// A new anchor for one call.
    #[inline]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Anchor { kept: RefCell::new(Vec::new()) }
    }

    /// Keep `value` until the anchor drops; the reference lives as long as the anchor's borrow.
    pub fn keep<T>(&self, value: T) -> &T {
        let ptr = Box::into_raw(Box::new(value));
        self.kept.borrow_mut().push(Kept { ptr: ptr as *mut (), drop: drop_box::<T> });
        // The box is freed only when the anchor drops, after every borrow of it ended.
        unsafe { &*ptr }
    }

    /// Keep `value` until the anchor drops, mutably (each kept value is its own box).
    #[allow(clippy::mut_from_ref)]
    pub fn keep_mut<T>(&self, value: T) -> &mut T {
        let ptr = Box::into_raw(Box::new(value));
        self.kept.borrow_mut().push(Kept { ptr: ptr as *mut (), drop: drop_box::<T> });
        unsafe { &mut *ptr }
    }

    /// The bytes of an encoded buffer from the host, readable for the anchor's lifetime. With
    /// bit 63 ([`LENT`]) the host lent them for the call (it frees them); otherwise it
    /// allocated them with `__wasmforge_malloc(len, 1)` for Rust, and they are freed when the
    /// anchor drops.
    ///
    /// # Safety
    /// `abi` must pack such a buffer.
    pub unsafe fn adopt(&self, abi: i64) -> &[u8] {
        let (p, n) = unpack(abi & !(LENT as i64));
        if abi as u64 & LENT != 0 {
            return core::slice::from_raw_parts(p, n);
        }
        self.keep(Vec::from_raw_parts(p, n, n)).as_slice()
    }
}

impl Drop for Anchor {
    #[inline]
    fn drop(&mut self) {
        for k in self.kept.get_mut().drain(..).rev() {
            unsafe { (k.drop)(k.ptr) };
        }
    }
}

/// A value the host hands to Rust: export parameters, import results.
pub trait FromHost<'a>: WasmType + Sized {
    /// Rebuild the value.
    ///
    /// # Safety
    /// `abi` must have been produced by the host following the crate's protocol.
    unsafe fn from_abi(abi: Self::Abi, anchor: &'a Anchor) -> Self;
}

/// A value Rust hands to the host: export results, import parameters.
pub trait ToHost: WasmType {
    /// Lower the value; owned buffers are leaked and freed by the host.
    fn into_abi(self) -> Self::Abi;

    /// Lower an export's result: small owned buffers are copied into the return buffer
    /// (flagged [`LENT`]) so the host need not call back to free them.
    #[inline]
    fn into_abi_ret(self) -> Self::Abi
    where
        Self: Sized,
    {
        self.into_abi()
    }
}

/// Bytes of the return buffer for small `String`/`Vec` results.
pub const RET_BUF_SIZE: usize = 1024;

/// Bit 63 of a packed result: the bytes sit in the return buffer, not to be freed.
pub const LENT: u64 = 1 << 63;

#[repr(C, align(8))]
#[doc(hidden)]
pub struct RetBuf(pub [u8; RET_BUF_SIZE]);

/// The return buffer; read by the host right after the call returns, like the slots.
#[doc(hidden)]
pub static mut RET_BUF: RetBuf = RetBuf([0; RET_BUF_SIZE]);

/// Copy `nbytes` at `ptr` into the return buffer; the packed, flagged value if they fit.
#[inline]
pub(crate) fn lend_back(ptr: *const u8, nbytes: usize, len: usize) -> Option<i64> {
    if nbytes > RET_BUF_SIZE {
        return None;
    }
    unsafe {
        let buf = core::ptr::addr_of_mut!(RET_BUF) as *mut u8;
        core::ptr::copy_nonoverlapping(ptr, buf, nbytes);
        Some((pack(buf, len) as u64 | LENT) as i64)
    }
}

macro_rules! int_type {
    ($($t:ty => $abi:ty),* $(,)?) => {$(
        impl WasmType for $t {
            type Abi = $abi;
        }
        impl<'a> FromHost<'a> for $t {
            #[inline]
            unsafe fn from_abi(abi: $abi, _: &'a Anchor) -> Self {
                abi as $t
            }
        }
        impl ToHost for $t {
            #[inline]
            fn into_abi(self) -> $abi {
                self as $abi
            }
        }
    )*};
}
int_type!(
    u8 => i32, i8 => i32, u16 => i32, i16 => i32, u32 => i32, i32 => i32,
    usize => i32, isize => i32, u64 => i64, i64 => i64, f32 => f32, f64 => f64,
);

impl WasmType for bool {
    type Abi = i32;
}
impl<'a> FromHost<'a> for bool {
    #[inline]
    unsafe fn from_abi(abi: i32, _: &'a Anchor) -> Self {
        abi != 0
    }
}
impl ToHost for bool {
    #[inline]
    fn into_abi(self) -> i32 {
        self as i32
    }
}

impl WasmType for char {
    type Abi = i32;
}
impl<'a> FromHost<'a> for char {
    #[inline]
    unsafe fn from_abi(abi: i32, _: &'a Anchor) -> Self {
        // The host checks the code point; a bad one still must not be undefined behaviour.
        char::from_u32(abi as u32).unwrap_or(char::REPLACEMENT_CHARACTER)
    }
}
impl ToHost for char {
    #[inline]
    fn into_abi(self) -> i32 {
        self as i32
    }
}

impl WasmType for () {
    type Abi = ();
}
impl<'a> FromHost<'a> for () {
    #[inline]
    unsafe fn from_abi(_: (), _: &'a Anchor) -> Self {}
}
impl ToHost for () {
    #[inline]
    fn into_abi(self) {}
}

/// Pack a pointer and a length (in elements) into one `i64`.
#[inline]
pub fn pack(ptr: *const u8, len: usize) -> i64 {
    ((len as u64) << 32 | ptr as usize as u64) as i64
}

/// Split a packed `i64` into pointer and length.
#[inline]
pub fn unpack(v: i64) -> (*mut u8, usize) {
    ((v as u64 & 0xffff_ffff) as usize as *mut u8, (v as u64 >> 32) as usize)
}

/// Element types of slices and vectors that cross as flat memory.
pub trait Elem: Copy + 'static {}
macro_rules! elems {
    ($($t:ty),*) => {$(
        impl Elem for $t {}
    )*};
}
crate::tags::for_flat_elements!(elems);

impl<'b> WasmType for &'b str {
    type Abi = i64;
}
impl<'a> FromHost<'a> for &'a str {
    #[inline]
    unsafe fn from_abi(abi: i64, _: &'a Anchor) -> Self {
        let (p, n) = unpack(abi);
        core::str::from_utf8_unchecked(core::slice::from_raw_parts(p, n))
    }
}
impl<'b> ToHost for &'b str {
    #[inline]
    fn into_abi(self) -> i64 {
        pack(self.as_ptr(), self.len())
    }
}

impl WasmType for String {
    type Abi = i64;
}
impl<'a> FromHost<'a> for String {
    #[inline]
    unsafe fn from_abi(abi: i64, _: &'a Anchor) -> Self {
        let (p, n) = unpack(abi);
        String::from_utf8_unchecked(Vec::from_raw_parts(p, n, n))
    }
}
impl ToHost for String {
    #[inline]
    fn into_abi(self) -> i64 {
        // A boxed str has capacity == len, so the host can free it knowing only the length.
        let b = self.into_boxed_str();
        let n = b.len();
        pack(Box::into_raw(b) as *const u8, n)
    }
    #[inline]
    fn into_abi_ret(self) -> i64 {
        match lend_back(self.as_ptr(), self.len(), self.len()) {
            Some(v) => v,
            None => self.into_abi(),
        }
    }
}

impl<'b, T> WasmType for &'b [T] {
    type Abi = i64;
}
impl<'a, T: SeqIn<'a> + 'a> FromHost<'a> for &'a [T] {
    #[inline]
    unsafe fn from_abi(abi: i64, anchor: &'a Anchor) -> Self {
        T::slice_from(abi, anchor)
    }
}
impl<'b, T: SeqOut + Clone> ToHost for &'b [T] {
    #[inline]
    fn into_abi(self) -> i64 {
        T::slice_into(self)
    }
}

impl<'b, T: Elem> WasmType for &'b mut [T] {
    type Abi = i64;
}
impl<'a, T: Elem> FromHost<'a> for &'a mut [T] {
    #[inline]
    unsafe fn from_abi(abi: i64, _: &'a Anchor) -> Self {
        let (p, n) = unpack(abi);
        core::slice::from_raw_parts_mut(p as *mut T, n)
    }
}
impl<'b, T: Elem> ToHost for &'b mut [T] {
    #[inline]
    fn into_abi(self) -> i64 {
        pack(self.as_ptr() as *const u8, self.len())
    }
}

impl<T> WasmType for Vec<T> {
    type Abi = i64;
}
impl<'a, T: SeqIn<'a>> FromHost<'a> for Vec<T> {
    #[inline]
    unsafe fn from_abi(abi: i64, anchor: &'a Anchor) -> Self {
        T::vec_from(abi, anchor)
    }
}
impl<T: SeqOut> ToHost for Vec<T> {
    #[inline]
    fn into_abi(self) -> i64 {
        T::vec_into(self, false)
    }
    #[inline]
    fn into_abi_ret(self) -> i64 {
        T::vec_into(self, true)
    }
}

impl<T> WasmType for Box<[T]> {
    type Abi = i64;
}
impl<'a, T: SeqIn<'a>> FromHost<'a> for Box<[T]> {
    #[inline]
    unsafe fn from_abi(abi: i64, anchor: &'a Anchor) -> Self {
        T::vec_from(abi, anchor).into_boxed_slice()
    }
}
impl<T: SeqOut> ToHost for Box<[T]> {
    #[inline]
    fn into_abi(self) -> i64 {
        T::vec_into(self.into_vec(), false)
    }
    #[inline]
    fn into_abi_ret(self) -> i64 {
        T::vec_into(self.into_vec(), true)
    }
}

/// Element of `Vec<T>`, `Box<[T]>` and `&[T]` handed to Rust: numbers travel flat,
/// everything else encoded (see `wire`).
pub trait SeqIn<'a>: Sized {
    /// The vector the host handed over.
    ///
    /// # Safety
    /// `abi` must follow the protocol for this element type.
    unsafe fn vec_from(abi: i64, anchor: &'a Anchor) -> Vec<Self>;

    /// A slice valid for the call; by default the decoded vector, kept by the anchor.
    ///
    /// # Safety
    /// As [`SeqIn::vec_from`].
    unsafe fn slice_from(abi: i64, anchor: &'a Anchor) -> &'a [Self] {
        anchor.keep(Self::vec_from(abi, anchor)).as_slice()
    }
}

/// Element of `Vec<T>`, `Box<[T]>` and `&[T]` handed to the host.
pub trait SeqOut: Sized {
    /// Lower a vector; `ret`: an export's result, which may use the return buffer.
    fn vec_into(v: Vec<Self>, ret: bool) -> i64;

    /// Lower a borrowed slice (an import's argument).
    fn slice_into(s: &[Self]) -> i64
    where
        Self: Clone,
    {
        Self::vec_into(s.to_vec(), false)
    }
}

macro_rules! flat_seq {
    ($($t:ty),*) => {$(
        impl<'a> SeqIn<'a> for $t {
            #[inline]
            unsafe fn vec_from(abi: i64, _: &'a Anchor) -> Vec<Self> {
                let (p, n) = unpack(abi);
                Vec::from_raw_parts(p as *mut $t, n, n)
            }
            #[inline]
            unsafe fn slice_from(abi: i64, _: &'a Anchor) -> &'a [Self] {
                let (p, n) = unpack(abi);
                core::slice::from_raw_parts(p as *const $t, n)
            }
        }
        impl SeqOut for $t {
            #[inline]
            fn vec_into(v: Vec<Self>, ret: bool) -> i64 {
                if ret {
                    let nbytes = v.len() * core::mem::size_of::<$t>();
                    if let Some(p) = lend_back(v.as_ptr() as *const u8, nbytes, v.len()) {
                        return p;
                    }
                }
                let b = v.into_boxed_slice();
                let n = b.len();
                pack(Box::into_raw(b) as *const u8, n)
            }
            #[inline]
            fn slice_into(s: &[Self]) -> i64 {
                pack(s.as_ptr() as *const u8, s.len())
            }
        }
    )*};
}
crate::tags::for_flat_elements!(flat_seq);

impl<T: WasmType> WasmType for Option<T> {
    type Abi = <T::Abi as Prim>::Opt;
}
impl<'a, T: FromHost<'a>> FromHost<'a> for Option<T> {
    #[inline]
    unsafe fn from_abi(abi: Self::Abi, anchor: &'a Anchor) -> Self {
        match <T::Abi as Prim>::opt_in(abi) {
            Some(v) => Some(T::from_abi(v, anchor)),
            None => None,
        }
    }
}
impl<T: ToHost> ToHost for Option<T> {
    #[inline]
    fn into_abi(self) -> Self::Abi {
        <T::Abi as Prim>::opt_out(self.map(T::into_abi))
    }
    #[inline]
    fn into_abi_ret(self) -> Self::Abi {
        <T::Abi as Prim>::opt_out(self.map(T::into_abi_ret))
    }
}

impl<T: WasmType, E> WasmType for Result<T, E> {
    type Abi = i32;
}
impl<T: ToHost, E: Display> ToHost for Result<T, E> {
    #[inline]
    fn into_abi(self) -> i32 {
        let (tag, bits) = match self {
            Ok(v) => (0, v.into_abi_ret().to_bits()),
            Err(e) => (1, e.to_string().into_abi_ret() as u64),
        };
        unsafe { *core::ptr::addr_of_mut!(SLOTS[1]) = bits };
        tag
    }
}

/// An `Err` on its way to the host. The macros lower `Result<T, E>` results by calling
/// `(&ErrWrap(..)).lower_err()` with both traits below in scope: method resolution picks
/// [`ErrViaEnum`] when `E` is an exported enum (tag 2: the enum value, encoded) and falls
/// back to [`ErrViaDisplay`] (tag 1: `e.to_string()`) otherwise.
pub struct ErrWrap<E>(pub core::cell::Cell<Option<E>>);

/// An exported enum usable as a typed error (implemented by `#[wasmforge::export]`).
pub trait EnumError: crate::wire::Encode + Sized {
    /// The enum's name, which the host uses to find its exception classes.
    const NAME: &'static str;
}

/// `Err` of an exported enum.
pub trait ErrViaEnum {
    /// (tag, result slot bits).
    fn lower_err(&self) -> (i32, u64);
}

/// `Err` of anything `Display`.
pub trait ErrViaDisplay {
    /// (tag, result slot bits).
    fn lower_err(&self) -> (i32, u64);
}

impl<E: EnumError> ErrViaEnum for ErrWrap<E> {
    fn lower_err(&self) -> (i32, u64) {
        let e = self.0.take().expect("error lowered once");
        (2, crate::wire::to_buffer((E::NAME, e), true) as u64)
    }
}

impl<'a, E: Display> ErrViaDisplay for &'a ErrWrap<E> {
    fn lower_err(&self) -> (i32, u64) {
        let e = self.0.take().expect("error lowered once");
        (1, e.to_string().into_abi_ret() as u64)
    }
}

/// Store an `Ok` value's bits in the result slot; the tag 0.
#[inline]
pub fn result_ok<T: ToHost>(v: T) -> i32 {
    let bits = v.into_abi_ret().to_bits();
    unsafe { *core::ptr::addr_of_mut!(SLOTS[1]) = bits };
    0
}

/// Store an `Err`'s payload in the result slot; its tag.
#[inline]
pub fn result_err((tag, bits): (i32, u64)) -> i32 {
    unsafe { *core::ptr::addr_of_mut!(SLOTS[1]) = bits };
    tag
}

/// A class object moved out of its box: the receiver of methods taking `self`.
pub struct Owned<T>(pub T);

/// How a method shim hands its receiver to the method.
pub trait Receiver {
    /// What the method takes.
    type Target;
    /// Unwrap.
    fn take(self) -> Self::Target;
}

impl<'a, T> Receiver for &'a T {
    type Target = &'a T;
    #[inline]
    fn take(self) -> &'a T {
        self
    }
}

impl<'a, T> Receiver for &'a mut T {
    type Target = &'a mut T;
    #[inline]
    fn take(self) -> &'a mut T {
        self
    }
}

impl<T> Receiver for Owned<T> {
    type Target = T;
    #[inline]
    fn take(self) -> T {
        self.0
    }
}

impl<T> WasmType for Owned<T> {
    type Abi = i32;
}

impl<'a, T> FromHost<'a> for Owned<T> {
    /// Takes the object out of its box; the host forgets the handle.
    #[inline]
    unsafe fn from_abi(handle: i32, _: &'a Anchor) -> Self {
        Owned(*Box::from_raw(handle as usize as *mut T))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_round_trip() {
        let (p, n) = unpack(pack(0x1234 as *const u8, 7));
        assert_eq!((p as usize, n), (0x1234, 7));
    }

    #[test]
    fn option_of_narrow_values_is_tagged() {
        assert_eq!(<i32 as Prim>::opt_out(None), 0);
        assert_eq!(<i32 as Prim>::opt_out(Some(-1)), 0x1_ffff_ffff);
        assert_eq!(unsafe { <i32 as Prim>::opt_in(0x1_ffff_ffff) }, Some(-1));
        assert_eq!(unsafe { <i32 as Prim>::opt_in(0x0_ffff_ffff) }, None);
    }

    // Pointer-carrying encodings (wide options, the return buffer) assume wasm32's 32-bit
    // pointers; the Python tests check them on real modules.
}
