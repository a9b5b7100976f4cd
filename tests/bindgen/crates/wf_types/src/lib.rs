//! Every type the binding protocol carries, both ways, for the bindgen tests.

use wasmforge::{class, exports};

exports! {
    /// Returns its argument.
    pub fn echo_u8(x: u8) -> u8 { x }
    pub fn echo_i8(x: i8) -> i8 { x }
    pub fn echo_u16(x: u16) -> u16 { x }
    pub fn echo_i16(x: i16) -> i16 { x }
    pub fn echo_u32(x: u32) -> u32 { x }
    pub fn echo_i32(x: i32) -> i32 { x }
    pub fn echo_u64(x: u64) -> u64 { x }
    pub fn echo_i64(x: i64) -> i64 { x }
    pub fn echo_usize(x: usize) -> usize { x }
    pub fn echo_isize(x: isize) -> isize { x }
    pub fn echo_f32(x: f32) -> f32 { x }
    pub fn echo_f64(x: f64) -> f64 { x }
    pub fn echo_bool(x: bool) -> bool { x }
    pub fn echo_char(x: char) -> char { x }
    pub fn next_char(x: char) -> char { char::from_u32(x as u32 + 1).unwrap_or('?') }
    pub fn not(x: bool) -> bool { !x }
    pub fn wrapping_inc_u64(x: u64) -> u64 { x.wrapping_add(1) }
    pub fn nothing() {}
    pub fn str_len(s: &str) -> usize { s.len() }
    pub fn char_count(s: &str) -> usize { s.chars().count() }
    pub fn echo_string(s: String) -> String { s }
    pub fn upper(s: &str) -> String { s.to_uppercase() }
    pub fn static_str() -> &'static str { "static ✓" }
    pub fn two_strs(a: &str, b: String) -> String { let mut s = String::from(a); s.push_str(&b); s }
    pub fn bytes_sum(b: &[u8]) -> u64 { b.iter().map(|&x| x as u64).sum() }
    pub fn bytes_rev(b: Vec<u8>) -> Vec<u8> { let mut b = b; b.reverse(); b }
    pub fn fill(b: &mut [u8], v: u8) { for x in b.iter_mut() { *x = v } }
    pub fn f64_sum(xs: &[f64]) -> f64 { xs.iter().sum() }
    pub fn i32_double(xs: &mut [i32]) { for x in xs.iter_mut() { *x = x.wrapping_mul(2) } }
    pub fn u64_range(n: u64) -> Vec<u64> { (0..n).map(|i| u64::MAX - i).collect() }
    pub fn f32_scale(xs: Vec<f32>, k: f32) -> Vec<f32> { xs.into_iter().map(|x| x * k).collect() }
    pub fn i16_echo(xs: &[i16]) -> Vec<i16> { xs.to_vec() }
    pub fn i8_neg(xs: &[i8]) -> Vec<i8> { xs.iter().map(|x| x.wrapping_neg()).collect() }
    pub fn opt_i32(x: Option<i32>) -> Option<i32> { x }
    pub fn opt_u32(x: Option<u32>) -> Option<u32> { x }
    pub fn opt_u64(x: Option<u64>) -> Option<u64> { x }
    pub fn opt_i64(x: Option<i64>) -> Option<i64> { x }
    pub fn opt_f32(x: Option<f32>) -> Option<f32> { x }
    pub fn opt_f64(x: Option<f64>) -> Option<f64> { x }
    pub fn opt_str(x: Option<&str>) -> Option<String> { x.map(|s| s.chars().rev().collect()) }
    pub fn opt_bool(x: Option<bool>) -> Option<bool> { x.map(|b| !b) }
    pub fn opt_char(x: Option<char>) -> Option<char> { x }
    pub fn opt_bytes(x: Option<Vec<u8>>) -> Option<Vec<u8>> { x }
    pub fn opt_opt(x: Option<Option<i64>>) -> Option<Option<i64>> { x }
    pub fn checked_div(a: i64, b: i64) -> Result<i64, String> {
        if b == 0 { Err(String::from("division by zero")) } else { Ok(a / b) }
    }
    pub fn parse_u8(s: &str) -> Result<u8, core::num::ParseIntError> { s.parse() }
    pub fn result_unit(ok: bool) -> Result<(), String> { if ok { Ok(()) } else { Err("not ok".into()) } }
    pub fn result_string(ok: bool) -> Result<String, String> {
        if ok { Ok("fine ✓".into()) } else { Err("bad ✗".into()) }
    }
    pub fn result_f32(x: f32) -> Result<f32, String> { if x.is_nan() { Err("nan".into()) } else { Ok(x * 2.0) } }
    pub fn result_opt(x: Option<u64>) -> Result<Option<u64>, String> { Ok(x) }
    pub fn result_i16(x: i16) -> Result<i16, String> { Ok(x) }
    pub fn panics(msg: &str) -> u32 { panic!("{}", msg) }
    pub fn out_of_bounds(i: usize) -> i32 { let xs = [1, 2, 3]; xs[i] }
    pub fn balance_of(a: &Account) -> u64 { a.balance }
    pub fn r#type(x: u8) -> u8 { x }
}

class! {
    /// A bank account.
    pub struct Account {
        owner: String,
        balance: u64,
    }
    impl Account {
        /// Opens an account.
        pub fn new(owner: &str, balance: u64) -> Self {
            Account { owner: owner.into(), balance }
        }
        /// The owner's name.
        pub fn owner(&self) -> String { self.owner.clone() }
        pub fn balance(&self) -> u64 { self.balance }
        pub fn deposit(&mut self, amount: u64) -> u64 { self.balance += amount; self.balance }
        pub fn withdraw(&mut self, amount: u64) -> Result<u64, String> {
            if amount > self.balance {
                return Err(format!("insufficient funds: {} < {}", self.balance, amount));
            }
            self.balance -= amount;
            Ok(self.balance)
        }
        pub fn transfer(&mut self, to: &mut Account, amount: u64) { self.balance -= amount; to.balance += amount; }
        pub fn merged(a: &Account, b: &Account) -> Account {
            Account { owner: format!("{}&{}", a.owner, b.owner), balance: a.balance + b.balance }
        }
        pub fn maybe_split(&self, parts: u64) -> Option<Account> {
            if parts == 0 { None } else { Some(Account { owner: self.owner.clone(), balance: self.balance / parts }) }
        }
        pub fn bank_name() -> String { "wasmforge bank".into() }
        /// Closes the account, returning what was in it (consumes the object).
        pub fn close_out(self) -> u64 { self.balance }
        pub fn rename(mut self, owner: &str) -> Account { self.owner = owner.into(); self }
        fn audit(&self) -> bool { self.balance < u64::MAX }
    }
}
