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

#[wasmforge::export]
pub fn lengths(words: Vec<String>, f: &dyn Fn(&str) -> usize) -> Vec<u32> {
    words.iter().map(|w| f(w) as u32).collect()
}

#[wasmforge::export]
pub fn digest(data: &[u8], f: &dyn Fn(&[u8], &str) -> u32) -> u32 {
    f(&data[..data.len() / 2], "first half") + f(&data[data.len() / 2..], "second half")
}

#[wasmforge::export]
pub fn visit(words: &[String], f: &mut dyn FnMut(&str, usize)) {
    for (i, w) in words.iter().enumerate() {
        f(w, i)
    }
}

#[wasmforge::export]
pub fn six(f: &dyn Fn(u8, &str, i64, &[u32], bool, String) -> String) -> String {
    f(1, "two", -3, &[4, 4], true, String::from("six"))
}

#[wasmforge::export]
pub fn seven(f: &dyn Fn(u8, u16, u32, u64, i8, i16, &str) -> i64) -> i64 {
    f(1, 2, 3, 4, -5, -6, "seven")
}

#[wasmforge::export]
pub fn borrowed_lists(f: &dyn Fn(&[String], &[(u8, String)]) -> Option<Vec<String>>) -> Vec<String> {
    let names = [String::from("a"), String::from("b")];
    f(&names, &[(1, String::from("x"))]).unwrap_or_default()
}

/// A callable through a type alias (the trait impls, owned arguments).
pub type Scorer<'a> = &'a dyn Fn(u32, u32, u32, u32, u32, u32) -> u32;

#[wasmforge::export]
pub fn score(f: Scorer<'_>) -> u32 {
    f(1, 2, 3, 4, 5, 6)
}

/// Classes, enums and maps to and from a callable.
#[wasmforge::export]
#[derive(Debug)]
pub struct Token {
    pub text: String,
}

#[wasmforge::export]
pub enum Mood {
    Calm = 1,
    Loud = 2,
}

#[wasmforge::export]
pub fn rate(f: &dyn Fn(Token, Mood, std::collections::BTreeMap<String, u8>) -> (Mood, Token)) -> String {
    let mut m = std::collections::BTreeMap::new();
    m.insert(String::from("k"), 9);
    let (mood, token) = f(Token { text: String::from("tok") }, Mood::Calm, m);
    format!("{}:{}", mood as i32, token.text)
}

/// A callable type passed through `macro_rules!` (an invisible group around the type).
macro_rules! with_callable {
    ($name:ident: $t:ty) => {
        #[wasmforge::export]
        pub fn $name(f: $t, word: &str) -> u32 {
            f(word, word.len() as u32)
        }
    };
}
with_callable!(via_macro: &dyn Fn(&str, u32) -> u32);
