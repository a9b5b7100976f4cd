//! A WASI command for the tests of `wasmforge run`: it echoes its arguments, reads all of
//! standard input, and reports what the host let it see. Each argument may be a request:
//! `env:NAME` (a variable), `file:PATH` (a file's first line), `dir:PATH` (a folder's entry
//! count), `exit:N` (the exit status), `panic`; anything else is only echoed.

use std::io::Read;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("argv: {}", args.join("|"));
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    eprintln!("stdin: {} bytes", input.len());
    println!("stdin: {}", input.trim());
    let mut code = 0;
    for arg in &args[1..] {
        if let Some(name) = arg.strip_prefix("env:") {
            match std::env::var(name) {
                Ok(value) => println!("env {}={}", name, value),
                Err(_) => println!("env {} unset", name),
            }
            println!("env count {}", std::env::vars().count());
        } else if let Some(path) = arg.strip_prefix("file:") {
            match std::fs::read_to_string(path) {
                Ok(text) => println!("file {}: {}", path, text.lines().next().unwrap_or("")),
                Err(err) => println!("file {} denied: {:?}", path, err.kind()),
            }
        } else if let Some(path) = arg.strip_prefix("dir:") {
            match std::fs::read_dir(path) {
                Ok(entries) => println!("dir {}: {} entries", path, entries.count()),
                Err(err) => println!("dir {} denied: {:?}", path, err.kind()),
            }
        } else if let Some(number) = arg.strip_prefix("exit:") {
            code = number.parse().unwrap();
        } else if arg == "panic" {
            panic!("asked to panic");
        }
    }
    std::process::exit(code);
}
