#!/usr/bin/env bash
# Installs wasm-bindgen's own CLI from crates.io into ~/.cargo/bin, at the wasm-bindgen version
# the test crate tests/bindgen/crates/wbg_basic locks, for the differential test
# (tests/bindgen/wasm_bindgen/test_oracle.py: its JS glue under node against our Python glue).
#
# --no-default-features drops the TLS stack of its test runner's HTTP client (unused here): about
# 3 minutes on 2 cores. The CLI's rust-version is 1.86, so the first cargo new enough builds it:
# rustup's in ~/.cargo/bin, the one `make toolchains` installs, or the one on PATH. Idempotent:
# nothing happens when the CLI at that version is already installed. Exit 1 when no cargo can.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { echo "==> $*" >&2; }
version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' tests/bindgen/crates/wbg_basic/Cargo.lock)
root=$HOME/.cargo
if [ -x "$root/bin/wasm-bindgen" ] && [ "$("$root/bin/wasm-bindgen" --version)" = "wasm-bindgen $version" ]; then
  say "wasm-bindgen CLI $version already installed"
  exit 0
fi
for cargo_bin in "$HOME/.cargo/bin/cargo" "${WASMFORGE_TOOLCHAINS:-$HOME/.cache/wasmforge/toolchains}/rust-1.96.0/bin/cargo" "$(command -v cargo || true)"; do
  [ -n "$cargo_bin" ] && [ -x "$cargo_bin" ] || continue
  cargo_version=$("$cargo_bin" --version 2>/dev/null | awk '{print $2}')
  if printf '%s\n' 1.86.0 "$cargo_version" | sort -V -C; then
    say "cargo install wasm-bindgen-cli $version --no-default-features (with $cargo_bin $cargo_version)"
    start=$SECONDS
    "$cargo_bin" install wasm-bindgen-cli --version "$version" --no-default-features --root "$root" </dev/null
    say "wasm-bindgen CLI $version installed in $((SECONDS - start)) s"
    exit 0
  fi
done
say "no cargo >= 1.86 to build the wasm-bindgen CLI: the differential test cannot run"
exit 1
