//! Python callables as arguments.

#[wasmforge::export]
pub fn apply(f: &dyn Fn(i32) -> i32, x: i32) -> i32 {
    f(x)
}

#[wasmforge::export]
pub fn map_strs(items: Vec<String>, f: &dyn Fn(String) -> String) -> Vec<String> {
    items.into_iter().map(f).collect()
}

#[wasmforge::export]
pub fn fold(xs: &[f64], init: f64, f: &dyn Fn(f64, f64) -> f64) -> f64 {
    xs.iter().fold(init, |acc, &x| f(acc, x))
}

#[wasmforge::export]
pub fn each(n: u32, f: &mut dyn FnMut(u32)) {
    for i in 0..n {
        f(i)
    }
}

#[wasmforge::export]
pub fn ask(f: &dyn Fn() -> Option<String>) -> String {
    f().unwrap_or_else(|| String::from("nothing"))
}

#[wasmforge::export]
pub fn pairs(f: &dyn Fn(u8, String) -> (u8, String)) -> (u8, String) {
    f(7, String::from("seven"))
}
