#!/usr/bin/env bash
# Installs Debian's Rust 1.96 (the rustc-web packages) beside the system's Rust, with the
# wasm32-unknown-unknown standard library, into a private folder:
#
#   $WASMFORGE_TOOLCHAINS/rust-<version>/bin/{rustc,cargo,rustdoc}
#
# (default ~/.cache/wasmforge/toolchains). The packages conflict with Debian's rustc/cargo in
# apt, so they are fetched with `apt-get download` and unpacked with `dpkg -x`; small wrappers in
# bin/ point the loader at the unpacked libraries. Debian ships no wasm32 std for this release,
# so it is built offline from rust-web-src's library/ (dependencies vendored in library/vendor)
# with -Zbuild-std -- RUSTC_BOOTSTRAP=1 for that one step -- and installed as the toolchain's
# lib/rustlib/wasm32-unknown-unknown/lib, as `rustup target add` would. lld-22 gives the
# toolchain its own rust-lld. The WASI std (wasm32-wasip1) is built the same way when Debian's
# libstd-rust-dev-wasm32 is installed: its wasm32-wasi wasi-libc (self-contained crt1-*.o and
# libc.a) is what that target links against. Running it again does nothing once the toolchain
# is complete, except adding the WASI std to a toolchain installed without it.
set -euo pipefail

# Where the toolchains go; wasmforge's toolchain discovery looks in the same place.
TOOLCHAINS=${WASMFORGE_TOOLCHAINS:-${XDG_CACHE_HOME:-$HOME/.cache}/wasmforge/toolchains}
PACKAGES=(rustc-web cargo-web libstd-rust-web-1.96 libstd-rust-web-dev rust-web-src libllvm22 lld-22)
# Shared libraries cargo-web links against, installed system-wide when missing (no conflicts).
RUNTIME_PACKAGES=(libgit2-1.5 libssh2-1 libcurl4 libsqlite3-0 libssl3 gcc libc6-dev)
HOST=x86_64-unknown-linux-gnu
TARGET=wasm32-unknown-unknown
WASI_TARGET=wasm32-wasip1
# wasi-libc as Debian's libstd-rust-dev-wasm32 ships it for Rust 1.63's wasm32-wasi.
WASI_LIBC=/usr/lib/rustlib/wasm32-wasi/lib/self-contained

say() { echo "==> $*" >&2; }
die() { echo "error: $1" >&2; [ -n "${2:-}" ] && echo "hint: $2" >&2; exit 1; }

command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
  die "the modern toolchain comes from Debian packages; this system has no apt-get/dpkg" \
    "install Rust with rustup and run 'rustup target add $TARGET'"
[ "$(dpkg --print-architecture)" = amd64 ] || die "only amd64 is supported (Debian's rustc-web for $HOST)"

candidate() { apt-cache policy rustc-web 2>/dev/null | sed -n 's/^ *Candidate: *//p'; }
version=$(candidate)
if { [ -z "$version" ] || [ "$version" = "(none)" ]; } && [ "$(id -u)" -eq 0 ]; then
  say "apt-get update (apt knows no rustc-web yet)"
  apt-get update -q </dev/null >&2
  version=$(candidate)
fi
# build_std ROOT TRIPLE WORK: TRIPLE's std built from ROOT's rust-web-src, installed in ROOT's sysroot.
build_std() {
  local root=$1 triple=$2 work=$3 src std libdir rlib
  src=$(ls -d "$root"/usr/src/rustc-*/library)
  std=$work/std-$triple
  mkdir -p "$std/src" "$std/.cargo"
  cat >"$std/Cargo.toml" <<'EOF'
[package]
name = "wasmforge-sysroot"
version = "0.0.0"
edition = "2021"

# What rustup's std is built with: optimized, no debug assertions, one codegen unit.
[profile.release]
opt-level = 3
codegen-units = 1
debug = 0
debug-assertions = false
overflow-checks = false
EOF
  echo '#![no_std]' >"$std/src/lib.rs"
  cat >"$std/.cargo/config.toml" <<EOF
[source.crates-io]
replace-with = "library-vendor"
[source.library-vendor]
directory = "$src/vendor"
EOF
  # embed-bitcode: user crates with lto = true need LLVM bitcode in the std rlibs.
  (cd "$std" && CARGO_HOME="$work/cargo-home" RUSTC_BOOTSTRAP=1 RUSTFLAGS="-Cembed-bitcode=yes" \
    CARGO_TARGET_DIR="$std/target" "$root/bin/cargo" build -q --offline --release \
    -Zbuild-std=std,panic_abort --target "$triple")
  libdir=$root/usr/lib/rustlib/$triple/lib
  mkdir -p "$libdir"
  for rlib in "$std/target/$triple/release/deps"/lib*.rlib; do
    case $(basename "$rlib") in libwasmforge_sysroot-*) ;; *) cp "$rlib" "$libdir/" ;; esac
  done
  rm -rf "$std"
}

# add_wasi_std ROOT WORK: the WASI std, linked against Debian's wasi-libc, when that is installed.
add_wasi_std() {
  if [ ! -f "$WASI_LIBC/libc.a" ]; then
    say "skipping $WASI_TARGET: no wasi-libc in $WASI_LIBC (apt-get install libstd-rust-dev-wasm32 gives it)"
    return 0
  fi
  say "building the $WASI_TARGET standard library (about one CPU-minute)"
  build_std "$1" "$WASI_TARGET" "$2"
  mkdir -p "$1/usr/lib/rustlib/$WASI_TARGET/lib/self-contained"
  cp "$WASI_LIBC"/* "$1/usr/lib/rustlib/$WASI_TARGET/lib/self-contained/"
}

version=$(apt-cache policy rustc-web 2>/dev/null | sed -n 's/^ *Candidate: *//p')
if [ -z "$version" ] || [ "$version" = "(none)" ]; then
  die "apt knows no rustc-web package" \
    "enable bookworm-security in /etc/apt/sources.list (it ships rustc-web 1.96), then 'apt-get update'"
fi
release=${version%%+*}                       # 1.96.0+dfsg1-1~deb12u2 -> 1.96.0
dest=$TOOLCHAINS/rust-$release
stamp=$dest/.wasmforge-complete
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
  if [ -f "$WASI_LIBC/libc.a" ] && ! ls "$dest/usr/lib/rustlib/$WASI_TARGET/lib"/libcore-*.rlib >/dev/null 2>&1; then
    work=$(mktemp -d "$TOOLCHAINS/.rust-$release-wasi.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    add_wasi_std "$dest" "$work"
  fi
  echo "rust $release with $TARGET: $dest (already installed)"
  exit 0
fi

missing=()
for pkg in "${RUNTIME_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$pkg")
done
if ((${#missing[@]} > 0)); then
  if [ "$(id -u)" -ne 0 ]; then
    die "cargo-web needs ${missing[*]}" "sudo apt-get install ${missing[*]}, then run this again"
  fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

mkdir -p "$TOOLCHAINS"
work=$(mktemp -d "$TOOLCHAINS/.rust-$release.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/toolchain

say "downloading ${PACKAGES[*]} ($version)"
mkdir -p "$work/debs" "$root"
# apt-get download as root warns that its sandbox user cannot write here; the download works.
(cd "$work/debs" && apt-get download -q "${PACKAGES[@]}" 2> >(grep -v 'unsandboxed as root' >&2))
for deb in "$work"/debs/*.deb; do dpkg -x "$deb" "$root"; done
rm -rf "$work/debs" "$root/usr/share/doc" "$root/usr/share/man"

# The toolchain's own linker, where rustc looks before PATH (as in rustup's toolchains).
mkdir -p "$root/usr/lib/rustlib/$HOST/bin"
ln -s ../../../llvm-22/bin/lld "$root/usr/lib/rustlib/$HOST/bin/rust-lld"

mkdir -p "$root/bin"
for tool in rustc cargo rustdoc; do
  {
    echo '#!/bin/sh'
    echo "# $tool of Debian's rust-web $version, unpacked by wasmforge's scripts/modern-rust.sh."
    echo 'here=$(dirname "$(readlink -f "$0")")'
    echo 'LD_LIBRARY_PATH=$here/../usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}'
    echo 'export LD_LIBRARY_PATH'
    # cargo runs the rustc beside it, whatever PATH holds (unless the user set RUSTC).
    [ "$tool" = cargo ] && echo ': "${RUSTC:=$here/rustc}" "${RUSTDOC:=$here/rustdoc}"; export RUSTC RUSTDOC'
    echo "exec \"\$here/../usr/bin/$tool\" \"\$@\""
  } >"$root/bin/$tool"
  chmod +x "$root/bin/$tool"
done
"$root/bin/rustc" --version >/dev/null || die "the unpacked rustc does not run"
"$root/bin/cargo" --version >/dev/null || die "the unpacked cargo does not run"

say "building the $TARGET standard library from rust-web-src (about one CPU-minute)"
build_std "$root" "$TARGET" "$work"
add_wasi_std "$root" "$work"
# Of the compiler's sources only library/ stays (as in rustup's rust-src: -Zbuild-std reads it).
find "$root"/usr/src/rustc-*/ -mindepth 1 -maxdepth 1 ! -name library -exec rm -rf {} +

# An ordinary build, as a user would run it: no nightly flags, no RUSTC_BOOTSTRAP.
check=$work/check
mkdir -p "$check/src"
printf '[package]\nname = "check"\nversion = "0.0.0"\nedition = "2024"\n[lib]\ncrate-type = ["cdylib"]\n' >"$check/Cargo.toml"
printf '#[unsafe(no_mangle)]\npub extern "C" fn len(n: usize) -> usize { vec![1u8; n].iter().count() }\n' >"$check/src/lib.rs"
(cd "$check" && env -u RUSTC_BOOTSTRAP CARGO_HOME="$work/cargo-home" "$root/bin/cargo" build -q --offline --release --target "$TARGET") ||
  die "the new toolchain cannot build a plain crate for $TARGET"

echo "$version" >"$root/.wasmforge-complete"
rm -rf "$dest"
mv "$root" "$dest"
echo "rust $release with $TARGET: $dest"
