//! A crate with an ordinary crates.io dependency: serde and its derive (a proc macro built for
//! the host, through syn and proc-macro2).

use serde::Serialize;

#[derive(Serialize)]
struct Point {
    x: i32,
    y: i32,
}

/// How many fields serde's derive gave `Point` (counted by a serializer that only counts).
fn field_count(point: &Point) -> u32 {
    struct Count(u32);
    impl serde::Serializer for &mut Count {
        type Ok = ();
        type Error = core::fmt::Error;
        type SerializeSeq = serde::ser::Impossible<(), core::fmt::Error>;
        type SerializeTuple = serde::ser::Impossible<(), core::fmt::Error>;
        type SerializeTupleStruct = serde::ser::Impossible<(), core::fmt::Error>;
        type SerializeTupleVariant = serde::ser::Impossible<(), core::fmt::Error>;
        type SerializeMap = serde::ser::Impossible<(), core::fmt::Error>;
        type SerializeStruct = Self;
        type SerializeStructVariant = serde::ser::Impossible<(), core::fmt::Error>;
        fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Self::Error> { Ok(self) }
        fn serialize_bool(self, _: bool) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_i8(self, _: i8) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_i16(self, _: i16) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_i32(self, _: i32) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_i64(self, _: i64) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_u8(self, _: u8) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_u16(self, _: u16) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_u32(self, _: u32) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_u64(self, _: u64) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_f32(self, _: f32) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_f64(self, _: f64) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_char(self, _: char) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_str(self, _: &str) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_bytes(self, _: &[u8]) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_none(self) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_unit(self) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_unit_struct(self, _: &'static str) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, _: &T) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Self::Error> { Err(core::fmt::Error) }
        fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Self::Error> { Err(core::fmt::Error) }
        fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeTupleStruct, Self::Error> { Err(core::fmt::Error) }
        fn serialize_tuple_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeTupleVariant, Self::Error> { Err(core::fmt::Error) }
        fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Self::Error> { Err(core::fmt::Error) }
        fn collect_str<T: ?Sized + core::fmt::Display>(self, _: &T) -> Result<(), Self::Error> { Ok(()) }
        fn serialize_struct_variant(self, _: &'static str, _: u32, _: &'static str, _: usize) -> Result<Self::SerializeStructVariant, Self::Error> { Err(core::fmt::Error) }
    }
    impl serde::ser::SerializeStruct for &mut Count {
        type Ok = ();
        type Error = core::fmt::Error;
        fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, _: &T) -> Result<(), Self::Error> {
            self.0 += 1;
            Ok(())
        }
        fn end(self) -> Result<(), Self::Error> { Ok(()) }
    }
    let mut count = Count(0);
    match point.serialize(&mut count) {
        Ok(()) => count.0,
        Err(_) => u32::MAX,
    }
}

/// 2: the fields of `Point`, as serde's derive sees them.
#[no_mangle]
pub extern "C" fn point_fields(x: i32, y: i32) -> u32 {
    field_count(&Point { x, y })
}
