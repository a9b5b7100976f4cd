//! Descriptor records, built at compile time into `[u8; N]` statics.
//!
//! Every macro use emits one record into the `wasmforge.descriptors` custom section;
//! the linker concatenates them. Layout (all integers little-endian):
//!
//! ```text
//! record  = "wf" version:u8 kind:u8 body_len:u32 body
//! string  = len:u16 utf8-bytes
//! type    = tag:u8 [payload]   (see the TAG_* constants of `tags`, generated)
//! ```

use alloc::string::String;
use alloc::vec::Vec;

pub use crate::tags::*;

/// Longest encoded type (tags plus class names); byte 0 holds the length.
pub const TYPE_MAX: usize = 256;

/// An encoded type: byte 0 holds the length, the encoding follows.
pub type TypeDesc = [u8; TYPE_MAX];

/// A Rust type's descriptor, a compile-time constant.
#[cfg_attr(
    wf_diagnostic,
    diagnostic::on_unimplemented(
        message = "`{Self}` has no wasmforge descriptor",
        label = "not a type Python can pass or receive (see the `WasmType` error for what is)"
    )
)]
pub trait Describe {
    /// The encoded type.
    const TYPE: TypeDesc;
}

/// A type that is a single tag.
pub const fn leaf(tag: u8) -> TypeDesc {
    let mut d = [0u8; TYPE_MAX];
    d[0] = 1;
    d[1] = tag;
    d
}

/// `tag` followed by the inner type.
pub const fn wrap(tag: u8, inner: TypeDesc) -> TypeDesc {
    let n = inner[0] as usize;
    if n + 1 >= TYPE_MAX {
        panic!("wasmforge: type nests too deeply for a descriptor");
    }
    let mut d = [0u8; TYPE_MAX];
    d[0] = (n + 1) as u8;
    d[1] = tag;
    let mut i = 0;
    while i < n {
        d[2 + i] = inner[1 + i];
        i += 1;
    }
    d
}

/// `tag` followed by a name (u8 length, bytes): opaque classes.
pub const fn named(tag: u8, name: &str) -> TypeDesc {
    let b = name.as_bytes();
    if b.len() + 2 >= TYPE_MAX || b.len() > 255 {
        panic!("wasmforge: class name too long for a descriptor");
    }
    let mut d = [0u8; TYPE_MAX];
    d[0] = (b.len() + 2) as u8;
    d[1] = tag;
    d[2] = b.len() as u8;
    let mut i = 0;
    while i < b.len() {
        d[3 + i] = b[i];
        i += 1;
    }
    d
}

/// `tag count:u8` followed by each type: tuples, maps (count 2: key, value).
pub const fn seq(tag: u8, items: &[TypeDesc]) -> TypeDesc {
    let mut d = [0u8; TYPE_MAX];
    d[1] = tag;
    d[2] = items.len() as u8;
    let mut at = 3;
    let mut i = 0;
    while i < items.len() {
        let n = items[i][0] as usize;
        if at + n >= TYPE_MAX {
            panic!("wasmforge: type nests too deeply for a descriptor");
        }
        let mut j = 0;
        while j < n {
            d[at] = items[i][1 + j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    d[0] = (at - 1) as u8;
    d
}

macro_rules! leaves {
    ($($t:ty => $tag:expr),* $(,)?) => {$(
        impl Describe for $t {
            const TYPE: TypeDesc = leaf($tag);
        }
    )*};
}
crate::tags::for_leaf_types!(leaves);

impl<T: Describe> Describe for alloc::boxed::Box<[T]> {
    const TYPE: TypeDesc = wrap(TAG_VEC, T::TYPE);
}
impl<K: Describe, V: Describe> Describe for alloc::collections::BTreeMap<K, V> {
    const TYPE: TypeDesc = seq(TAG_MAP, &[K::TYPE, V::TYPE]);
}
#[cfg(feature = "std")]
impl<K: Describe, V: Describe, S> Describe for std::collections::HashMap<K, V, S> {
    const TYPE: TypeDesc = seq(TAG_MAP, &[K::TYPE, V::TYPE]);
}

macro_rules! tuples {
    ($(($($t:ident),+))*) => {$(
        impl<$($t: Describe),+> Describe for ($($t,)+) {
            const TYPE: TypeDesc = seq(TAG_TUPLE, &[$($t::TYPE),+]);
        }
    )*};
}
tuples!((A) (A, B) (A, B, C) (A, B, C, D) (A, B, C, D, E) (A, B, C, D, E, F));

impl<'a> Describe for &'a str {
    const TYPE: TypeDesc = leaf(TAG_STR);
}
impl<'a, T: Describe> Describe for &'a [T] {
    const TYPE: TypeDesc = wrap(TAG_SLICE, T::TYPE);
}
impl<'a, T: Describe> Describe for &'a mut [T] {
    const TYPE: TypeDesc = wrap(TAG_SLICE_MUT, T::TYPE);
}
impl<T: Describe> Describe for Vec<T> {
    const TYPE: TypeDesc = wrap(TAG_VEC, T::TYPE);
}
impl<T: Describe> Describe for Option<T> {
    const TYPE: TypeDesc = wrap(TAG_OPTION, T::TYPE);
}
impl<T: Describe, E> Describe for Result<T, E> {
    const TYPE: TypeDesc = wrap(TAG_RESULT, T::TYPE);
}

/// One piece of a record.
pub enum Part {
    /// The 8-byte record header of the given kind; `assemble` fills in the length.
    Header(u8),
    /// A single byte.
    U8(u8),
    /// A little-endian `i64` (an enum discriminant).
    I64(i64),
    /// A string: u16 length, then the bytes.
    Str(&'static str),
    /// Doc comment lines, stored as one string joined by `\n`.
    Doc(&'static [&'static str]),
    /// An encoded type.
    Ty(TypeDesc),
}

const fn part_len(p: &Part) -> usize {
    match p {
        Part::Header(_) => 8,
        Part::U8(_) => 1,
        Part::I64(_) => 8,
        Part::Str(s) => 2 + s.len(),
        Part::Doc(lines) => {
            let mut n = 2;
            let mut i = 0;
            while i < lines.len() {
                if i > 0 {
                    n += 1;
                }
                n += lines[i].len();
                i += 1;
            }
            n
        }
        Part::Ty(t) => t[0] as usize,
    }
}

/// Size in bytes of the record the parts make.
pub const fn measure(parts: &[Part]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < parts.len() {
        n += part_len(&parts[i]);
        i += 1;
    }
    n
}

/// Write the parts into a record of exactly `N` bytes (`N` = `measure(parts)`).
pub const fn assemble<const N: usize>(parts: &[Part]) -> [u8; N] {
    let mut out = [0u8; N];
    let mut at = 0;
    let mut i = 0;
    while i < parts.len() {
        match &parts[i] {
            Part::Header(kind) => {
                let body = (N - 8) as u32;
                out[0] = b'w';
                out[1] = b'f';
                out[2] = VERSION;
                out[3] = *kind;
                out[4] = body as u8;
                out[5] = (body >> 8) as u8;
                out[6] = (body >> 16) as u8;
                out[7] = (body >> 24) as u8;
                at += 8;
            }
            Part::U8(v) => {
                out[at] = *v;
                at += 1;
            }
            Part::I64(v) => {
                let mut j = 0;
                while j < 8 {
                    out[at] = (*v >> (8 * j)) as u8;
                    at += 1;
                    j += 1;
                }
            }
            Part::Str(s) => {
                let b = s.as_bytes();
                if b.len() > 0xffff {
                    panic!("wasmforge: string too long for a descriptor");
                }
                out[at] = b.len() as u8;
                out[at + 1] = (b.len() >> 8) as u8;
                at += 2;
                let mut j = 0;
                while j < b.len() {
                    out[at] = b[j];
                    at += 1;
                    j += 1;
                }
            }
            Part::Doc(lines) => {
                // (mutable references are not allowed in const fns on Rust 1.63, hence no helpers)
                let n = part_len(&parts[i]) - 2;
                if n > 0xffff {
                    panic!("wasmforge: doc comment too long for a descriptor");
                }
                out[at] = n as u8;
                out[at + 1] = (n >> 8) as u8;
                at += 2;
                let mut j = 0;
                while j < lines.len() {
                    if j > 0 {
                        out[at] = b'\n';
                        at += 1;
                    }
                    let b = lines[j].as_bytes();
                    let mut k = 0;
                    while k < b.len() {
                        out[at] = b[k];
                        at += 1;
                        k += 1;
                    }
                    j += 1;
                }
            }
            Part::Ty(t) => {
                let n = t[0] as usize;
                let mut j = 0;
                while j < n {
                    out[at] = t[1 + j];
                    at += 1;
                    j += 1;
                }
            }
        }
        i += 1;
    }
    if at != N {
        panic!("wasmforge: descriptor length mismatch");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_layout() {
        const PARTS: &[Part] = &[
            Part::Header(KIND_FUNCTION),
            Part::Str("ab"),
            Part::Doc(&[" x", " y"]),
            Part::U8(1),
            Part::Ty(wrap(TAG_OPTION, leaf(TAG_U64))),
        ];
        const N: usize = measure(PARTS);
        const RECORD: [u8; N] = assemble(PARTS);
        let body: &[u8] = &[2, 0, b'a', b'b', 5, 0, b' ', b'x', b'\n', b' ', b'y', 1, TAG_OPTION, TAG_U64];
        assert_eq!(&RECORD[..8], &[b'w', b'f', VERSION, KIND_FUNCTION, body.len() as u8, 0, 0, 0]);
        assert_eq!(&RECORD[8..], body);
    }

    #[test]
    fn type_descriptors_nest() {
        let t = <Option<Vec<f32>> as Describe>::TYPE;
        assert_eq!(&t[..4], &[3, TAG_OPTION, TAG_VEC, TAG_F32]);
        let t = <Result<&str, ()> as Describe>::TYPE;
        assert_eq!(&t[..3], &[2, TAG_RESULT, TAG_STR]);
        let t = <(u8, (String, u128)) as Describe>::TYPE;
        assert_eq!(&t[..8], &[7, TAG_TUPLE, 2, TAG_U8, TAG_TUPLE, 2, TAG_STRING, TAG_U128]);
        let c = named(TAG_CLASS, "Counter");
        assert_eq!(&c[..10], &[9, TAG_CLASS, 7, b'C', b'o', b'u', b'n', b't', b'e', b'r']);
    }
}
