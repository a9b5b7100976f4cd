//! Python callables as arguments: `&dyn Fn(A, ..) -> R` and `&mut dyn FnMut(A, ..) -> R`,
//! valid for the duration of the call that receives them.
//!
//! The host passes the callable's id in its object table; calling it encodes the arguments
//! one after another (a tuple's layout), calls import `wasmforge.call(id, args) -> result`
//! and decodes the result.
//!
//! A parameter written `&dyn Fn(..)` / `&mut dyn FnMut(..)` is expanded by the attribute
//! macros into a closure over [`call_host_encoded`], with any number of arguments, borrowed
//! ones (`&str`, `&[T]`) included: those make the type higher-ranked (`dyn for<'x> Fn(&'x str)`),
//! which no impl generic over the argument types covers (an impl per owned/borrowed
//! combination costs minutes of coherence checking on Rust 1.63). The impls below serve the
//! other spellings (a type alias) for up to six owned arguments.

use crate::abi::{pack, Anchor, FromHost, WasmType};
use crate::desc::{seq, Describe, TypeDesc, TAG_FN, TAG_FN_MUT};
use crate::wire::{from_buffer, Decode, Encode};
use alloc::vec::Vec;

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "wasmforge")]
extern "C" {
    #[link_name = "call"]
    fn host_call(id: u32, args: i64) -> i64;
}

#[cfg(not(target_arch = "wasm32"))]
unsafe fn host_call(_: u32, _: i64) -> i64 {
    unreachable!("Python callables exist only inside a host")
}

/// Call the Python callable `id` with `args` (a tuple); a Python exception unwinds the
/// whole call (the host raises it once the module returns control).
pub fn call_host<Args: Encode, R: for<'b> Decode<'b>>(id: u32, args: Args) -> R {
    let mut out = Vec::new();
    args.encode(&mut out);
    call_host_encoded(id, out)
}

/// Call the Python callable `id` with its arguments encoded in `args`, in order.
pub fn call_host_encoded<R: for<'b> Decode<'b>>(id: u32, args: Vec<u8>) -> R {
    let b = args.into_boxed_slice();
    let n = b.len();
    let packed = pack(alloc::boxed::Box::into_raw(b) as *const u8, n);
    let result = unsafe { host_call(id, packed) };
    let anchor = Anchor::new();
    unsafe { from_buffer(result, &anchor) }
}

macro_rules! callables {
    ($(($($a:ident $x:ident),*))*) => {$(
        impl<'b, $($a,)* R> WasmType for &'b dyn Fn($($a),*) -> R {
            type Abi = i32;
        }
        impl<'a, $($a: Encode + 'a,)* R: for<'c> Decode<'c> + 'a> FromHost<'a> for &'a dyn Fn($($a),*) -> R {
            #[inline]
            unsafe fn from_abi(id: i32, anchor: &'a Anchor) -> Self {
                anchor.keep(move |$($x: $a),*| call_host::<($($a,)*), R>(id as u32, ($($x,)*)))
            }
        }
        impl<'b, $($a: Describe,)* R: Describe> Describe for &'b dyn Fn($($a),*) -> R {
            const TYPE: TypeDesc = seq(TAG_FN, &[$($a::TYPE,)* R::TYPE]);
        }
        impl<'b, $($a,)* R> WasmType for &'b mut dyn FnMut($($a),*) -> R {
            type Abi = i32;
        }
        impl<'a, $($a: Encode + 'a,)* R: for<'c> Decode<'c> + 'a> FromHost<'a> for &'a mut dyn FnMut($($a),*) -> R {
            #[inline]
            unsafe fn from_abi(id: i32, anchor: &'a Anchor) -> Self {
                anchor.keep_mut(move |$($x: $a),*| call_host::<($($a,)*), R>(id as u32, ($($x,)*)))
            }
        }
        impl<'b, $($a: Describe,)* R: Describe> Describe for &'b mut dyn FnMut($($a),*) -> R {
            const TYPE: TypeDesc = seq(TAG_FN_MUT, &[$($a::TYPE,)* R::TYPE]);
        }
    )*};
}
callables!(() (A a) (A a, B b) (A a, B b, C c) (A a, B b, C c, D d) (A a, B b, C c, D d, E e) (A a, B b, C c, D d, E e, F f));
