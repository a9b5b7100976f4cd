//! [`PyObject`]: a Python object that Rust holds and hands back.

use crate::abi::{Anchor, FromHost, ToHost, WasmType};
use crate::desc::{leaf, Describe, TypeDesc, TAG_PYOBJECT};
use crate::wire::{Decode, Encode, EncodeRef, Reader};
use alloc::vec::Vec;

/// A reference to a Python object, opaque to Rust. The host keeps the object alive while
/// any `PyObject` refers to it: cloning takes another reference, dropping releases one.
/// Pass it back to Python (a result, an import's argument) to get the same object.
#[derive(Debug)]
pub struct PyObject {
    id: u32,
}

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "wasmforge")]
extern "C" {
    #[link_name = "object_clone"]
    fn host_clone(id: u32) -> u32;
    #[link_name = "object_drop"]
    fn host_drop(id: u32);
}

// Off wasm (the crate's own unit tests) there is no host holding objects.
#[cfg(not(target_arch = "wasm32"))]
unsafe fn host_clone(id: u32) -> u32 {
    id
}
#[cfg(not(target_arch = "wasm32"))]
unsafe fn host_drop(_: u32) {}

impl PyObject {
    /// The host's id of the object (stable while referenced; not the Python `id()`).
    pub fn id(&self) -> u32 {
        self.id
    }

    fn into_id(self) -> u32 {
        let id = self.id;
        core::mem::forget(self); // the reference moves to the host
        id
    }
}

impl Clone for PyObject {
    fn clone(&self) -> Self {
        PyObject { id: unsafe { host_clone(self.id) } }
    }
}

impl Drop for PyObject {
    fn drop(&mut self) {
        unsafe { host_drop(self.id) }
    }
}

impl PartialEq for PyObject {
    /// Identity: the same Python object.
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl WasmType for PyObject {
    type Abi = i32;
}
impl<'a> FromHost<'a> for PyObject {
    #[inline]
    unsafe fn from_abi(id: i32, _: &'a Anchor) -> Self {
        PyObject { id: id as u32 }
    }
}
impl ToHost for PyObject {
    #[inline]
    fn into_abi(self) -> i32 {
        self.into_id() as i32
    }
}
impl Describe for PyObject {
    const TYPE: TypeDesc = leaf(TAG_PYOBJECT);
}
impl Encode for PyObject {
    fn encode(self, out: &mut Vec<u8>) {
        self.into_id().encode(out)
    }
}
impl EncodeRef for PyObject {
    /// A borrowed object (a callable's `&PyObject` argument) gives the host a new reference.
    fn encode_ref(&self, out: &mut Vec<u8>) {
        self.clone().encode(out)
    }
}
impl<'a> Decode<'a> for PyObject {
    unsafe fn decode(r: &mut Reader<'a>) -> Self {
        PyObject { id: r.u32() }
    }
}
crate::__encoded_seq!([] PyObject);
