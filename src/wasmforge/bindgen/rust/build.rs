//! Enables `#[diagnostic::on_unimplemented]` (Rust 1.78+) on the boundary traits, so an
//! unsupported type's error lists the supported ones; older compilers do not know the
//! attribute namespace.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| String::from("rustc"));
    let version = Command::new(rustc).arg("--version").output().ok().and_then(|o| String::from_utf8(o.stdout).ok());
    let minor = version
        .as_deref()
        .and_then(|v| v.split_whitespace().nth(1))
        .and_then(|v| v.split('.').nth(1))
        .and_then(|m| m.parse::<u32>().ok());
    if minor.map_or(false, |m| m >= 80) {
        // Older cargo warns about this instruction instead of ignoring it.
        println!("cargo:rustc-check-cfg=cfg(wf_diagnostic)");
    }
    if minor.map_or(false, |m| m >= 78) {
        println!("cargo:rustc-cfg=wf_diagnostic");
    }
}
