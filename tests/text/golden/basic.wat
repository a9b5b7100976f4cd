;; A small module that touches every section of the MVP and the common instruction shapes.
(module $basic
  (type $binop (func (param i32 i32) (result i32)))
  (import "env" "log" (func $log (param i32)))
  (import "env" "memory" (memory $mem 1))
  (import "env" "sp" (global $sp (mut i32)))
  (table $fns 2 funcref)
  (global $count (mut i64) (i64.const -1))
  (global $half f32 (f32.const 0.5))
  (global $quiet f64 (f64.const nan:0x4000000000001))
  (func $add (export "add") (type $binop) (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add)
  (func $"sum to" (export "sum_to") (param $n i32) (result i32) (local $acc i32) (local $i i32)
    block $done
      loop $next
        local.get $i
        local.get $n
        i32.ge_u
        br_if $done
        local.get $acc
        local.get $i
        i32.add
        local.set $acc
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $next
      end
    end
    local.get $acc)
  (func $classify (export "classify") (param $x i32) (result i32)
    block $c
      block $b
        block $a
          local.get $x
          br_table $a $b $c
        end
        i32.const 10
        return
      end
      i32.const 20
      return
    end
    local.get $x
    i32.const 0
    i32.lt_s
    if (result i32)
      i32.const -1
    else
      i32.const 30
    end)
  (func $store (export "store") (param $p i32) (param $v i64)
    local.get $p
    local.get $v
    i64.store offset=8
    local.get $p
    local.get $p
    i32.load8_u offset=3
    i32.store16 offset=2 align=1
    global.get $sp
    call $log)
  (func $dispatch (export "dispatch") (param $i i32) (result i32)
    i32.const 6
    i32.const 7
    local.get $i
    call_indirect $fns (type $binop)
    f64.const -0x1.8p-3
    f64.const 1e300
    f64.mul
    drop
    f32.const -inf
    drop
    i32.const 1
    local.get $i
    select (result i32))
  (elem (i32.const 0) func $add $add)
  (data (i32.const 16) "hello\00\ff\n")
)
