//! Compile-time questions about a concrete type that compile whatever the answer, for
//! the attribute macros' shims.
//!
//! * `<Probe<T>>::LIFT`, `::DEBUG`, ...: an inherent associated const whose impl has the
//!   bound (`T: FromHost`, `T: Debug`) shadows the default of [`Fallback`] (no); path
//!   resolution drops inherent candidates whose bounds fail. So a class gets `__repr__`
//!   whether `#[derive(Debug)]` came before or after the attribute, or `Debug` is written
//!   by hand.
//! * `(&&Lift::<T>::new()).lift(..)`: autoref specialization; the `&Lift<T>` impl
//!   (`T: FromHost`) wins, else the `Lift<T>` impl, which is never reached at run time.
//!
//! The shim then compiles for an unsupported type too, and the one error about the type
//! is the macro's own assertion (`const _: () = if !<Probe<T>>::PARAM { panic!(..) };`) at
//! the type's span: a message per problem that names the supported types, on every
//! compiler (trait errors repeat per use and read differently across versions).

use crate::abi::{Anchor, ErrWrap, FromHost, ToHost, WasmType};
use crate::desc::{Describe, TypeDesc};
use crate::wire::{Decode, Encode, Reader};
use alloc::vec::Vec;
use core::fmt::{Debug, Display};
use core::hash::Hash;
use core::marker::PhantomData;

/// The question "what does `T` implement?", asked by path: `<Probe<T>>::LIFT`.
pub struct Probe<T: ?Sized>(PhantomData<*const T>);

/// The "no" answers; the inherent consts of `Probe<T>` say "yes" where `T` qualifies.
pub trait Fallback {
    /// `T: FromHost` (a parameter).
    const LIFT: bool = false;
    /// `T: ToHost` (a result).
    const LOWER: bool = false;
    /// `T: Describe`.
    const DESC: Option<TypeDesc> = None;
    /// The kind of `T::Abi` ([`ABI_NONE`] when `T` is no `WasmType`).
    const ABI: u8 = ABI_NONE;
    /// `T: Display` (an error message).
    const DISPLAY: bool = false;
    /// `T: EnumError` (an exported enum as an error).
    const ENUM_ERROR: bool = false;
    /// `T: Clone` (a field read by copy).
    const CLONE: bool = false;
    /// `T: Encode + Decode` (a field of an enum variant).
    const WIRE: bool = false;
    /// `__wf_copy_<Class>` from `Clone`.
    const CLONE_BOXED: Option<unsafe fn(i32) -> i32> = None;
    /// `__wf_repr_<Class>` from `Debug`.
    const DEBUG_BOXED: Option<unsafe fn(i32) -> i64> = None;
    /// `__wf_eq_<Class>` from `PartialEq`.
    const EQ_BOXED: Option<unsafe fn(i32, i32) -> i32> = None;
    /// `__wf_hash_<Class>` from `Hash` with `Eq`.
    const HASH_BOXED: Option<unsafe fn(i32) -> i64> = None;
}

impl<T: ?Sized> Fallback for Probe<T> {}

impl<T: FromHost<'static>> Probe<T> {
    pub const LIFT: bool = true;
}
impl<T: ToHost> Probe<T> {
    pub const LOWER: bool = true;
}
impl<T: Describe + ?Sized> Probe<T> {
    pub const DESC: Option<TypeDesc> = Some(T::TYPE);
}
impl<T: WasmType + ?Sized> Probe<T>
where
    T::Abi: AbiKind,
{
    pub const ABI: u8 = <T::Abi as AbiKind>::KIND;
}
impl<T: Display + ?Sized> Probe<T> {
    pub const DISPLAY: bool = true;
}
impl<T: crate::abi::EnumError> Probe<T> {
    pub const ENUM_ERROR: bool = true;
}
impl<T: Clone> Probe<T> {
    pub const CLONE: bool = true;
    pub const CLONE_BOXED: Option<unsafe fn(i32) -> i32> = Some(crate::rt::clone_boxed::<T>);
}
impl<T: Encode + Decode<'static>> Probe<T> {
    pub const WIRE: bool = true;
}
impl<T: Debug> Probe<T> {
    pub const DEBUG_BOXED: Option<unsafe fn(i32) -> i64> = Some(crate::rt::debug_boxed::<T>);
}
impl<T: PartialEq> Probe<T> {
    pub const EQ_BOXED: Option<unsafe fn(i32, i32) -> i32> = Some(crate::rt::eq_boxed::<T>);
}
impl<T: Hash + Eq> Probe<T> {
    pub const HASH_BOXED: Option<unsafe fn(i32) -> i64> = Some(crate::rt::hash_boxed::<T>);
}

/// `Abi` of a type that is no `WasmType`: the shim then takes and returns an `i32`.
pub const ABI_NONE: u8 = 255;

/// The kind number of a primitive, so a shim's signature can name it through a const.
pub trait AbiKind {
    const KIND: u8;
}

/// The primitive of kind `K`: `<Kind<{ <Probe<T>>::ABI }> as AbiOf>::Ty` is `T::Abi`.
pub struct Kind<const K: u8>;

/// See [`Kind`].
pub trait AbiOf {
    type Ty;
}

macro_rules! kinds {
    ($($t:ty = $k:expr),*) => {
        $(
            impl AbiKind for $t {
                const KIND: u8 = $k;
            }
            impl AbiOf for Kind<$k> {
                type Ty = $t;
            }
        )*
    };
}
kinds!(i32 = 0, i64 = 1, f32 = 2, f64 = 3, () = 4);

impl AbiOf for Kind<ABI_NONE> {
    type Ty = i32;
}

/// `(&&Lift::<T>::new()).lift(abi, &anchor)`: `T::from_abi` when `T: FromHost`.
pub struct Lift<T>(PhantomData<T>);

impl<T> Lift<T> {
    #[inline]
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Lift(PhantomData)
    }
}

/// The `T: FromHost` case of [`Lift`].
pub trait LiftHit<'a> {
    type Abi;
    type Out;
    /// # Safety
    /// As [`FromHost::from_abi`].
    unsafe fn lift(&self, abi: Self::Abi, anchor: &'a Anchor) -> Self::Out;
}

impl<'a, 'b, T: FromHost<'a>> LiftHit<'a> for &'b Lift<T> {
    type Abi = T::Abi;
    type Out = T;
    #[inline(always)]
    unsafe fn lift(&self, abi: T::Abi, anchor: &'a Anchor) -> T {
        T::from_abi(abi, anchor)
    }
}

/// The other case of [`Lift`]: compiled, never called (the macro's assertion fails first).
pub trait LiftMiss<T> {
    /// # Safety
    /// Never called.
    unsafe fn lift<A>(&self, abi: A, anchor: &Anchor) -> T;
}

impl<T> LiftMiss<T> for Lift<T> {
    unsafe fn lift<A>(&self, _: A, _: &Anchor) -> T {
        unreachable!()
    }
}

/// `(&&Lower::<T>::new()).lower(v)`: `v.into_abi_ret()` when `T: ToHost`;
/// `.lower_arg(v)`: `v.into_abi()`; `.lower_copy(&v)`: a clone's `into_abi_ret()`.
pub struct Lower<T>(PhantomData<T>);

impl<T> Lower<T> {
    #[inline]
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Lower(PhantomData)
    }
}

/// The `T: ToHost` case of [`Lower`].
pub trait LowerHit<T: ToHost> {
    fn lower(&self, v: T) -> T::Abi;
    fn lower_arg(&self, v: T) -> T::Abi;
    /// An `Ok` value into the result slot (see [`crate::abi::result_ok`]).
    fn ok(&self, v: T) -> i32;
}

impl<'b, T: ToHost> LowerHit<T> for &'b Lower<T> {
    #[inline(always)]
    fn lower(&self, v: T) -> T::Abi {
        v.into_abi_ret()
    }
    #[inline(always)]
    fn lower_arg(&self, v: T) -> T::Abi {
        v.into_abi()
    }
    #[inline(always)]
    fn ok(&self, v: T) -> i32 {
        crate::abi::result_ok(v)
    }
}

/// The other case of [`Lower`]: compiled, never called.
pub trait LowerMiss<T> {
    fn lower<A>(&self, v: T) -> A;
    fn lower_arg<A>(&self, v: T) -> A;
    fn ok(&self, v: T) -> i32;
}

impl<T> LowerMiss<T> for Lower<T> {
    fn lower<A>(&self, _: T) -> A {
        unreachable!()
    }
    fn lower_arg<A>(&self, _: T) -> A {
        unreachable!()
    }
    fn ok(&self, _: T) -> i32 {
        unreachable!()
    }
}

/// `(&&Copy::<T>::new()).lower_copy(&field)`: a getter's clone, lowered.
pub struct CopyOut<T>(PhantomData<T>);

impl<T> CopyOut<T> {
    #[inline]
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        CopyOut(PhantomData)
    }
}

/// The `T: ToHost + Clone` case of [`CopyOut`].
pub trait CopyHit<T: ToHost> {
    fn lower_copy(&self, v: &T) -> T::Abi;
}

impl<'b, T: ToHost + Clone> CopyHit<T> for &'b CopyOut<T> {
    #[inline(always)]
    fn lower_copy(&self, v: &T) -> T::Abi {
        v.clone().into_abi_ret()
    }
}

/// The other case of [`CopyOut`]: compiled, never called.
pub trait CopyMiss<T> {
    fn lower_copy<A>(&self, v: &T) -> A;
}

impl<T> CopyMiss<T> for CopyOut<T> {
    fn lower_copy<A>(&self, _: &T) -> A {
        unreachable!()
    }
}

/// After `ErrViaEnum` (`&ErrWrap`) and `ErrViaDisplay` (`&&ErrWrap`), the third choice of
/// `(&ErrWrap(..)).lower_err()` (autoref `&mut`): an error type that is neither; compiled,
/// never called.
pub trait ErrMiss {
    fn lower_err(self) -> (i32, u64);
}

impl<'a, 'b, E> ErrMiss for &'a mut &'b ErrWrap<E> {
    fn lower_err(self) -> (i32, u64) {
        unreachable!()
    }
}

/// A type's descriptor, or `()`'s when it has none (the macro's assertion then fails).
pub const fn desc_or_unit(d: Option<TypeDesc>) -> TypeDesc {
    match d {
        Some(d) => d,
        None => crate::desc::leaf(crate::desc::TAG_UNIT),
    }
}

/// `(&&Wire::<T>::new()).put(v, out)` / `.take(r)`: a variant field encoded or decoded when
/// `T: Encode + Decode`.
pub struct Wire<T>(PhantomData<T>);

impl<T> Wire<T> {
    #[inline]
    #[allow(clippy::new_without_default)]
    pub const fn new() -> Self {
        Wire(PhantomData)
    }
}

/// The `T: Encode + Decode` case of [`Wire`].
pub trait WireHit<'a, T> {
    fn put(&self, v: T, out: &mut Vec<u8>);
    /// # Safety
    /// As [`Decode::decode`].
    unsafe fn take(&self, r: &mut Reader<'a>) -> T;
}

impl<'a, 'b, T: Encode + Decode<'a>> WireHit<'a, T> for &'b Wire<T> {
    #[inline(always)]
    fn put(&self, v: T, out: &mut Vec<u8>) {
        v.encode(out)
    }
    #[inline(always)]
    unsafe fn take(&self, r: &mut Reader<'a>) -> T {
        T::decode(r)
    }
}

/// The other case of [`Wire`]: compiled, never called.
pub trait WireMiss<T> {
    fn put(&self, v: T, out: &mut Vec<u8>);
    /// # Safety
    /// Never called.
    unsafe fn take(&self, r: &mut Reader<'_>) -> T;
}

impl<T> WireMiss<T> for Wire<T> {
    fn put(&self, _: T, _: &mut Vec<u8>) {
        unreachable!()
    }
    unsafe fn take(&self, _: &mut Reader<'_>) -> T {
        unreachable!()
    }
}
