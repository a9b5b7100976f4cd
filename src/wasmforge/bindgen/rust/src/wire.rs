//! The encoded form of compound values: `u128`/`i128`, tuples, maps, and vectors of
//! anything but plain numbers (`Vec<String>`, `Vec<Vec<u8>>`, `Vec<bool>`, `Vec<Point>`).
//!
//! A value is written into one little-endian byte buffer that travels as a packed `i64`
//! (`ptr | len << 32`, len in bytes), like a `String`:
//!
//! * `bool`, `u8`, `i8`: 1 byte; `u16`/`i16`: 2; `u32`/`i32`/`f32`/`char`/`usize`/`isize`: 4;
//!   `u64`/`i64`/`f64`: 8; `u128`/`i128`: 16.
//! * `String`/`&str`: `u32` byte length, UTF-8; `Vec<T>`/`&[T]`/`Box<[T]>`: `u32` count, items;
//!   maps: `u32` count, key and value per entry; tuples: the items in order; `()`: nothing.
//! * `Option<T>`: `u8` 0 (`None`) or 1 then `T`.
//! * a class: its `u32` handle (by value: moved into or out of its box); a C-like enum: `i32`.
//!
//! A buffer the host passes as an argument is lent for the call (bit 63 set; borrowed `&str`
//! items point into it); an import's result is allocated with `__wasmforge_malloc(len, 1)`
//! and freed when the wrapper returns. A buffer Rust returns follows the rules of a
//! `Vec<u8>` result (the return buffer when small).

use crate::abi::{lend_back, pack, Anchor, FromHost, SeqIn, SeqOut, ToHost, WasmType};
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

/// Reads an encoded buffer front to back.
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    /// The next `n` bytes. The host encodes what the descriptors say, so running out is a
    /// protocol violation: it panics rather than reading out of bounds.
    #[inline]
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        head
    }

    /// A little-endian `u32` (lengths and counts).
    #[inline]
    pub fn u32(&mut self) -> u32 {
        let b = self.take(4);
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
}

/// A value written into an encoded buffer.
pub trait Encode {
    /// Append the encoding of `self`.
    fn encode(self, out: &mut Vec<u8>);

    /// Append the items of a vector (its count is written already); bytes override it
    /// with one copy.
    #[inline]
    fn encode_items(items: Vec<Self>, out: &mut Vec<u8>)
    where
        Self: Sized,
    {
        for x in items {
            x.encode(out);
        }
    }
}

/// A value encoded from a borrow, with the layout of its owned form: what a Python callable
/// receives for a `&str`, `&[T]` or `&String` argument (`&T` is [`Encode`] for these).
pub trait EncodeRef {
    /// Append the encoding of `*self`.
    fn encode_ref(&self, out: &mut Vec<u8>);

    /// Append the items of a slice (its count is written already).
    #[inline]
    fn encode_slice(items: &[Self], out: &mut Vec<u8>)
    where
        Self: Sized,
    {
        for x in items {
            x.encode_ref(out);
        }
    }
}

impl<'b, T: ?Sized + EncodeRef> Encode for &'b T {
    #[inline]
    fn encode(self, out: &mut Vec<u8>) {
        self.encode_ref(out)
    }
}

/// A value read from an encoded buffer; `&'a str` items borrow the buffer.
pub trait Decode<'a>: Sized {
    /// Read one value.
    ///
    /// # Safety
    /// The buffer must hold an encoding of `Self` made by the host (class handles live).
    unsafe fn decode(r: &mut Reader<'a>) -> Self;
}

macro_rules! fixed {
    ($($t:ty),*) => {$(
        impl Encode for $t {
            #[inline]
            fn encode(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
        impl EncodeRef for $t {
            #[inline]
            fn encode_ref(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
        }
        impl<'a> Decode<'a> for $t {
            #[inline]
            unsafe fn decode(r: &mut Reader<'a>) -> Self {
                let mut b = [0u8; core::mem::size_of::<$t>()];
                b.copy_from_slice(r.take(core::mem::size_of::<$t>()));
                <$t>::from_le_bytes(b)
            }
        }
    )*};
}
fixed!(i8, u16, i16, u32, i32, u64, i64, u128, i128, f32, f64);

impl Encode for u8 {
    #[inline]
    fn encode(self, out: &mut Vec<u8>) {
        out.push(self)
    }
    #[inline]
    fn encode_items(items: Vec<Self>, out: &mut Vec<u8>) {
        out.extend_from_slice(&items)
    }
}
impl EncodeRef for u8 {
    #[inline]
    fn encode_ref(&self, out: &mut Vec<u8>) {
        out.push(*self)
    }
    #[inline]
    fn encode_slice(items: &[Self], out: &mut Vec<u8>) {
        out.extend_from_slice(items)
    }
}
impl<'a> Decode<'a> for u8 {
    #[inline]
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        r.take(1)[0]
    }
}

/// `EncodeRef` of the `Copy` scalars: encode a copy.
macro_rules! by_copy {
    ($($t:ty),*) => {$(
        impl EncodeRef for $t {
            #[inline]
            fn encode_ref(&self, out: &mut Vec<u8>) {
                Encode::encode(*self, out)
            }
        }
    )*};
}
by_copy!(usize, isize, bool, char, ());

impl Encode for usize {
    fn encode(self, out: &mut Vec<u8>) {
        (self as u32).encode(out)
    }
}
impl<'a> Decode<'a> for usize {
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        u32::decode(r) as usize
    }
}
impl Encode for isize {
    fn encode(self, out: &mut Vec<u8>) {
        (self as i32).encode(out)
    }
}
impl<'a> Decode<'a> for isize {
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        i32::decode(r) as isize
    }
}
impl Encode for bool {
    fn encode(self, out: &mut Vec<u8>) {
        out.push(self as u8)
    }
}
impl<'a> Decode<'a> for bool {
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        r.take(1)[0] != 0
    }
}
impl Encode for char {
    fn encode(self, out: &mut Vec<u8>) {
        (self as u32).encode(out)
    }
}
impl<'a> Decode<'a> for char {
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        char::from_u32(u32::decode(r)).unwrap_or(char::REPLACEMENT_CHARACTER)
    }
}
impl Encode for () {
    fn encode(self, _: &mut Vec<u8>) {}
}
impl<'a> Decode<'a> for () {
    unsafe fn decode(_: &mut Reader<'a>) -> Self {}
}

impl EncodeRef for str {
    #[inline]
    fn encode_ref(&self, out: &mut Vec<u8>) {
        (self.len() as u32).encode(out);
        out.extend_from_slice(self.as_bytes());
    }
}
impl EncodeRef for String {
    #[inline]
    fn encode_ref(&self, out: &mut Vec<u8>) {
        self.as_str().encode_ref(out)
    }
}
impl<T: EncodeRef> EncodeRef for [T] {
    fn encode_ref(&self, out: &mut Vec<u8>) {
        (self.len() as u32).encode(out);
        T::encode_slice(self, out);
    }
}
impl<T: EncodeRef> EncodeRef for Vec<T> {
    fn encode_ref(&self, out: &mut Vec<u8>) {
        self.as_slice().encode_ref(out)
    }
}
impl<T: EncodeRef> EncodeRef for Box<[T]> {
    fn encode_ref(&self, out: &mut Vec<u8>) {
        (**self).encode_ref(out)
    }
}
impl<T: EncodeRef> EncodeRef for Option<T> {
    fn encode_ref(&self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(x) => {
                out.push(1);
                x.encode_ref(out)
            }
        }
    }
}
impl<K: EncodeRef, V: EncodeRef> EncodeRef for BTreeMap<K, V> {
    fn encode_ref(&self, out: &mut Vec<u8>) {
        (self.len() as u32).encode(out);
        for (k, v) in self {
            k.encode_ref(out);
            v.encode_ref(out);
        }
    }
}
#[cfg(feature = "std")]
impl<K: EncodeRef, V: EncodeRef, S> EncodeRef for std::collections::HashMap<K, V, S> {
    fn encode_ref(&self, out: &mut Vec<u8>) {
        (self.len() as u32).encode(out);
        for (k, v) in self {
            k.encode_ref(out);
            v.encode_ref(out);
        }
    }
}
impl<'a> Decode<'a> for &'a str {
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        let n = r.u32() as usize;
        // The host encodes str from Python str: valid UTF-8.
        core::str::from_utf8_unchecked(r.take(n))
    }
}
impl Encode for String {
    fn encode(self, out: &mut Vec<u8>) {
        self.as_str().encode_ref(out)
    }
}
impl<'a> Decode<'a> for String {
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        String::from(<&str>::decode(r))
    }
}

impl<T: Encode> Encode for Vec<T> {
    fn encode(self, out: &mut Vec<u8>) {
        (self.len() as u32).encode(out);
        T::encode_items(self, out);
    }
}
impl<'a, T: Decode<'a>> Decode<'a> for Vec<T> {
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        let n = r.u32() as usize;
        let mut v = Vec::with_capacity(n.min(r.buf.len()));
        for _ in 0..n {
            v.push(T::decode(r));
        }
        v
    }
}
impl<T: Encode> Encode for Box<[T]> {
    fn encode(self, out: &mut Vec<u8>) {
        self.into_vec().encode(out)
    }
}
impl<'a, T: Decode<'a>> Decode<'a> for Box<[T]> {
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        Vec::<T>::decode(r).into_boxed_slice()
    }
}
impl<T: Encode> Encode for Option<T> {
    fn encode(self, out: &mut Vec<u8>) {
        match self {
            None => out.push(0),
            Some(x) => {
                out.push(1);
                x.encode(out)
            }
        }
    }
}
impl<'a, T: Decode<'a>> Decode<'a> for Option<T> {
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        if r.take(1)[0] == 0 {
            None
        } else {
            Some(T::decode(r))
        }
    }
}

impl<K: Encode, V: Encode> Encode for BTreeMap<K, V> {
    fn encode(self, out: &mut Vec<u8>) {
        (self.len() as u32).encode(out);
        for (k, v) in self {
            k.encode(out);
            v.encode(out);
        }
    }
}
impl<'a, K: Decode<'a> + Ord, V: Decode<'a>> Decode<'a> for BTreeMap<K, V> {
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        let n = r.u32();
        let mut m = BTreeMap::new();
        for _ in 0..n {
            let k = K::decode(r);
            m.insert(k, V::decode(r));
        }
        m
    }
}

#[cfg(feature = "std")]
impl<K: Encode, V: Encode, S> Encode for std::collections::HashMap<K, V, S> {
    fn encode(self, out: &mut Vec<u8>) {
        (self.len() as u32).encode(out);
        for (k, v) in self {
            k.encode(out);
            v.encode(out);
        }
    }
}
#[cfg(feature = "std")]
impl<'a, K, V, S> Decode<'a> for std::collections::HashMap<K, V, S>
where
    K: Decode<'a> + Eq + core::hash::Hash,
    V: Decode<'a>,
    S: core::hash::BuildHasher + Default,
{
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        let n = r.u32() as usize;
        let mut m = std::collections::HashMap::with_capacity_and_hasher(n.min(r.buf.len()), S::default());
        for _ in 0..n {
            let k = K::decode(r);
            m.insert(k, V::decode(r));
        }
        m
    }
}

macro_rules! tuples {
    ($(($($t:ident $i:tt),+))*) => {$(
        impl<$($t: Encode),+> Encode for ($($t,)+) {
            fn encode(self, out: &mut Vec<u8>) {
                $( self.$i.encode(out); )+
            }
        }
        impl<$($t: EncodeRef),+> EncodeRef for ($($t,)+) {
            fn encode_ref(&self, out: &mut Vec<u8>) {
                $( self.$i.encode_ref(out); )+
            }
        }
        impl<'a, $($t: Decode<'a>),+> Decode<'a> for ($($t,)+) {
            unsafe fn decode(r: &mut Reader<'a>) -> Self {
                ($( <$t>::decode(r), )+)
            }
        }
        impl<$($t),+> WasmType for ($($t,)+) {
            type Abi = i64;
        }
        impl<'a, $($t: Decode<'a>),+> FromHost<'a> for ($($t,)+) {
            #[inline]
            unsafe fn from_abi(abi: i64, anchor: &'a Anchor) -> Self {
                from_buffer(abi, anchor)
            }
        }
        impl<$($t: Encode),+> ToHost for ($($t,)+) {
            #[inline]
            fn into_abi(self) -> i64 {
                to_buffer(self, false)
            }
            #[inline]
            fn into_abi_ret(self) -> i64 {
                to_buffer(self, true)
            }
        }
        impl<'a, $($t: Decode<'a>),+> SeqIn<'a> for ($($t,)+) {
            unsafe fn vec_from(abi: i64, anchor: &'a Anchor) -> Vec<Self> {
                from_buffer(abi, anchor)
            }
        }
        impl<$($t: Encode),+> SeqOut for ($($t,)+) {
            fn vec_into(v: Vec<Self>, ret: bool) -> i64 {
                to_buffer(v, ret)
            }
        }
    )*};
}
tuples!((A 0) (A 0, B 1) (A 0, B 1, C 2) (A 0, B 1, C 2, D 3) (A 0, B 1, C 2, D 3, E 4) (A 0, B 1, C 2, D 3, E 4, F 5));

/// Decode a whole value from a buffer the host handed over (kept until the call returns).
///
/// # Safety
/// `abi` must pack a host buffer holding an encoding of `T`.
#[inline]
pub unsafe fn from_buffer<'a, T: Decode<'a>>(abi: i64, anchor: &'a Anchor) -> T {
    T::decode(&mut Reader::new(anchor.adopt(abi)))
}

/// Encode a whole value for the host; `ret`: an export's result (small ones use the
/// return buffer), otherwise a leaked boxed slice the host frees.
pub fn to_buffer<T: Encode>(v: T, ret: bool) -> i64 {
    let mut out = Vec::new();
    v.encode(&mut out);
    if ret {
        if let Some(p) = lend_back(out.as_ptr(), out.len(), out.len()) {
            return p;
        }
    }
    let b = out.into_boxed_slice();
    let n = b.len();
    pack(Box::into_raw(b) as *const u8, n)
}

/// Implement the ABI of a type that always travels encoded.
#[doc(hidden)]
#[macro_export]
macro_rules! __encoded_abi {
    ([$($g:tt)*] $t:ty) => {
        impl<$($g)*> $crate::WasmType for $t {
            type Abi = i64;
        }
        impl<'__a, $($g)*> $crate::FromHost<'__a> for $t where $t: $crate::wire::Decode<'__a> {
            #[inline]
            unsafe fn from_abi(abi: i64, anchor: &'__a $crate::Anchor) -> Self {
                $crate::wire::from_buffer(abi, anchor)
            }
        }
        impl<$($g)*> $crate::ToHost for $t where $t: $crate::wire::Encode {
            #[inline]
            fn into_abi(self) -> i64 {
                $crate::wire::to_buffer(self, false)
            }
            #[inline]
            fn into_abi_ret(self) -> i64 {
                $crate::wire::to_buffer(self, true)
            }
        }
    };
}

/// Implement `SeqIn`/`SeqOut` for an element type that travels encoded inside vectors.
#[doc(hidden)]
#[macro_export]
macro_rules! __encoded_seq {
    ([$($g:tt)*] $t:ty) => {
        impl<'__a, $($g)*> $crate::SeqIn<'__a> for $t where $t: $crate::wire::Decode<'__a> {
            unsafe fn vec_from(abi: i64, anchor: &'__a $crate::Anchor) -> $crate::__private::Vec<Self> {
                $crate::wire::from_buffer(abi, anchor)
            }
        }
        impl<$($g)*> $crate::SeqOut for $t where $t: $crate::wire::Encode {
            fn vec_into(v: $crate::__private::Vec<Self>, ret: bool) -> i64 {
                $crate::wire::to_buffer(v, ret)
            }
        }
    };
}

crate::__encoded_abi!([] u128);
crate::__encoded_abi!([] i128);
crate::__encoded_abi!([K, V] BTreeMap<K, V>);
#[cfg(feature = "std")]
crate::__encoded_abi!([K, V, S] std::collections::HashMap<K, V, S>);

crate::__encoded_seq!([] bool);
crate::__encoded_seq!([] char);
crate::__encoded_seq!([] usize);
crate::__encoded_seq!([] isize);
crate::__encoded_seq!([] u128);
crate::__encoded_seq!([] i128);
crate::__encoded_seq!([] String);
crate::__encoded_seq!([T] Vec<T>);
crate::__encoded_seq!([T] Box<[T]>);
crate::__encoded_seq!([T] Option<T>);
crate::__encoded_seq!([K, V] BTreeMap<K, V>);
#[cfg(feature = "std")]
crate::__encoded_seq!([K, V, S] std::collections::HashMap<K, V, S>);

impl<'a> SeqIn<'a> for &'a str {
    unsafe fn vec_from(abi: i64, anchor: &'a Anchor) -> Vec<Self> {
        from_buffer(abi, anchor)
    }
}
impl<'b> SeqOut for &'b str {
    fn vec_into(v: Vec<Self>, ret: bool) -> i64 {
        to_buffer(v, ret)
    }
}

/// Everything a class made by `#[wasmforge::export]` (or `class!`) needs to cross.
#[doc(hidden)]
#[macro_export]
macro_rules! __class_impls {
    ($cls:ident) => {
        impl $crate::WasmType for $cls {
            type Abi = i32;
        }
        impl $crate::ToHost for $cls {
            #[inline]
            fn into_abi(self) -> i32 {
                $crate::__private::Box::into_raw($crate::__private::Box::new(self)) as usize as i32
            }
        }
        impl<'a> $crate::FromHost<'a> for $cls {
            /// By value: moved out of its box; the host closes its object.
            #[inline]
            unsafe fn from_abi(handle: i32, _: &'a $crate::Anchor) -> Self {
                *$crate::__private::Box::from_raw(handle as usize as *mut $cls)
            }
        }
        impl<'b> $crate::WasmType for &'b $cls {
            type Abi = i32;
        }
        impl<'a> $crate::FromHost<'a> for &'a $cls {
            #[inline]
            unsafe fn from_abi(handle: i32, _: &'a $crate::Anchor) -> Self {
                &*(handle as usize as *const $cls)
            }
        }
        impl<'b> $crate::WasmType for &'b mut $cls {
            type Abi = i32;
        }
        impl<'a> $crate::FromHost<'a> for &'a mut $cls {
            #[inline]
            unsafe fn from_abi(handle: i32, _: &'a $crate::Anchor) -> Self {
                &mut *(handle as usize as *mut $cls)
            }
        }
        impl $crate::Describe for $cls {
            const TYPE: $crate::desc::TypeDesc = $crate::desc::named($crate::desc::TAG_CLASS, stringify!($cls));
        }
        impl<'b> $crate::Describe for &'b $cls {
            const TYPE: $crate::desc::TypeDesc = $crate::desc::named($crate::desc::TAG_CLASS_REF, stringify!($cls));
        }
        impl<'b> $crate::Describe for &'b mut $cls {
            const TYPE: $crate::desc::TypeDesc = $crate::desc::named($crate::desc::TAG_CLASS_MUT, stringify!($cls));
        }
        impl $crate::wire::Encode for $cls {
            fn encode(self, out: &mut $crate::__private::Vec<u8>) {
                $crate::wire::Encode::encode(<$cls as $crate::ToHost>::into_abi(self) as u32, out)
            }
        }
        impl<'a> $crate::wire::Decode<'a> for $cls {
            unsafe fn decode(r: &mut $crate::wire::Reader<'a>) -> Self {
                let h = <u32 as $crate::wire::Decode>::decode(r);
                *$crate::__private::Box::from_raw(h as usize as *mut $cls)
            }
        }
        $crate::__encoded_seq!([] $cls);
    };
}

/// Everything a C-like enum made by `#[wasmforge::export]` needs: it travels as its `i32`
/// discriminant.
#[doc(hidden)]
#[macro_export]
macro_rules! __enum_impls {
    ($e:ident; $($v:path,)*) => {
        impl $crate::WasmType for $e {
            type Abi = i32;
        }
        impl $crate::ToHost for $e {
            #[inline]
            fn into_abi(self) -> i32 {
                self as i32
            }
        }
        impl<'a> $crate::FromHost<'a> for $e {
            #[inline]
            unsafe fn from_abi(v: i32, _: &'a $crate::Anchor) -> Self {
                $( if v == $v as i32 { return $v; } )*
                // The host checks membership first.
                panic!("{} is not a discriminant of {}", v, stringify!($e))
            }
        }
        impl $crate::Describe for $e {
            const TYPE: $crate::desc::TypeDesc = $crate::desc::named($crate::desc::TAG_ENUM, stringify!($e));
        }
        impl $crate::wire::Encode for $e {
            fn encode(self, out: &mut $crate::__private::Vec<u8>) {
                $crate::wire::Encode::encode(self as i32, out)
            }
        }
        impl<'a> $crate::wire::Decode<'a> for $e {
            unsafe fn decode(r: &mut $crate::wire::Reader<'a>) -> Self {
                let v = <i32 as $crate::wire::Decode>::decode(r);
                <$e as $crate::FromHost>::from_abi(v, &$crate::Anchor::new())
            }
        }
        $crate::__encoded_seq!([] $e);
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round<T: Encode + for<'a> Decode<'a>>(v: T) -> (Vec<u8>, T) {
        let mut out = Vec::new();
        v.encode(&mut out);
        let back = unsafe { T::decode(&mut Reader::new(&out)) };
        (out, back)
    }

    #[test]
    fn compact_layout() {
        let (b, back) = round((7u8, String::from("hé"), Some(true), Vec::<u16>::from([1, 2])));
        assert_eq!(b, [7, 3, 0, 0, 0, b'h', 0xc3, 0xa9, 1, 1, 2, 0, 0, 0, 1, 0, 2, 0]);
        assert_eq!(back, (7, String::from("hé"), Some(true), Vec::from([1, 2])));
        let (b, _) = round(u128::MAX - 1);
        assert_eq!(b.len(), 16);
        assert_eq!(b[0], 0xfe);
    }

    #[test]
    fn maps_round_trip() {
        let mut m = BTreeMap::new();
        m.insert(String::from("a"), 1i64);
        m.insert(String::from("b"), -2i64);
        assert_eq!(round(m.clone()).1, m);
    }
}
