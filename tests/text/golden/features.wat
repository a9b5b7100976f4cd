;; Instructions beyond the MVP: SIMD, bulk memory, reference types, multi-value, tail calls,
;; exceptions and atomics; passive segments and a declarative element segment.
(module
  (type $pair (func (param i32) (result i32 i32)))
  (memory 1 2 shared)
  (table 1 externref)
  (tag $oops (param i32))
  (func $swap (type $pair) (param i32) (result i32 i32)
    local.get 0
    i32.const 1
    i32.add
    local.get 0)
  (func $vec (export "vec") (param i32) (result v128)
    local.get 0
    v128.load offset=16 align=4
    v128.const i32x4 1 2 3 4
    i32x4.add
    local.get 0
    i32x4.replace_lane 2
    v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
    i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23)
  (func $bulk (export "bulk") (param i32 i32)
    local.get 0
    i32.const 0
    i32.const 4
    memory.init $bytes
    data.drop $bytes
    local.get 1
    local.get 0
    i32.const 4
    memory.copy
    local.get 0
    i32.const 255
    i32.const 4
    memory.fill)
  (func $refs (export "refs") (param externref) (result i32)
    i32.const 0
    local.get 0
    table.set 0
    ref.func $swap
    ref.is_null)
  (func $tail (param i32) (result i32 i32)
    local.get 0
    return_call $swap)
  (func $throws (param i32) (result i32)
    block $caught (result i32)
      try_table (result i32) (catch $oops $caught)
        local.get 0
        throw $oops
      end
    end)
  (func $atomics (param i32) (result i32)
    local.get 0
    i32.const 1
    i32.atomic.rmw.add
    local.get 0
    i32.atomic.load offset=4
    i32.add
    atomic.fence)
  (data $bytes "\01\02\03\04")
  (elem declare func $swap)
)
