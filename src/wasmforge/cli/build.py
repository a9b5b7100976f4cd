"""``wasmforge new``, ``wasmforge build`` and ``wasmforge pack``: from a Rust crate to a Python package."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

NEW_EPILOG = """\
examples:
  wasmforge new hello              create ./hello: a crate using the support crate, with a Python test
  cd hello && wasmforge build      build it; then: PYTHONPATH=pkg python -c "import hello; print(hello.greet('x'))"
"""

BUILD_EPILOG = """\
examples:
  wasmforge build                  release build of the crate here into ./pkg/<package>
  wasmforge build examples/hello --out-dir out
  wasmforge build --profiling      optimized, but keeps the name section (for 'wasmforge top' and traces)
  wasmforge build --dev --json     unoptimized build; summary as JSON on stdout

  wasmforge build --toolchain 1.63 build with Rust 1.63 (or a path: --toolchain ~/rust/bin/rustc)
  wasmforge build --explain-size   also measure what lto = true would save
  wasmforge build --target wasm32-wasi   a WASI bin crate -> pkg/<bin>.wasm; then: wasmforge run pkg/<bin>.wasm

A crate without a cdylib builds its binary: a #![no_main] bin for wasm32-unknown-unknown is
bound like the cdylib; a bin for WASI (--target wasm32-wasi or wasm32-wasip1, whichever the
toolchain knows) is a command, written alone as pkg/<bin>.wasm.
The toolchain is the newest with the target that can read the crate (its edition,
rust-version and Cargo.lock version); 'wasmforge doctor' lists them. Cargo's progress goes to
stderr as it runs; the size table (raw -> stripped -> optimized, then the custom sections kept)
to stdout. [package.metadata.wasmforge] settings: wasm-opt = "-Oz" (wasm-opt-dev,
wasm-opt-profiling; false skips it); package = "name" (the Python package name);
keep-sections / drop-sections = ["..."] (custom sections: the crate's own are kept, the
toolchain's removed); nightly-features = true|false (RUSTC_BOOTSTRAP=1; by default set only
when the crate root has #![feature(...)]).
"""

PACK_EPILOG = """\
examples:
  wasmforge pack                   release build, then dist/<package>-<version>-py3-none-any.whl
  pip install dist/*.whl && python -c "import hello; print(hello.greet('world'))"
"""


def register(subparsers: Any) -> None:
    """Add the ``new``, ``build`` and ``pack`` commands."""
    new = subparsers.add_parser(
        "new",
        help="create a crate that builds into a Python package",
        description="Create a Rust crate using wasmforge's support crate, with a Python test that builds and calls it.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=NEW_EPILOG,
    )
    new.add_argument("path", metavar="NAME", help="folder to create; its name is the crate name")
    new.add_argument("--name", help="crate name, if not the folder's")
    new.set_defaults(func=run_new)

    for command, help_text, epilog in (
        ("build", "build a crate into a Python package (glue, stubs, optimized module)", BUILD_EPILOG),
        ("pack", "build a crate and write a py3-none-any wheel", PACK_EPILOG),
    ):
        p = subparsers.add_parser(
            command,
            help=help_text,
            description=help_text[0].upper() + help_text[1:] + ".",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=epilog,
        )
        p.add_argument("path", nargs="?", default=".", metavar="PATH", help="the crate folder (default: .)")
        if command == "build":
            group = p.add_mutually_exclusive_group()
            group.add_argument("--release", dest="profile", action="store_const", const="release", help="optimized (default)")
            group.add_argument("--dev", dest="profile", action="store_const", const="dev", help="cargo's dev profile, no wasm-opt")
            group.add_argument(
                "--profiling", dest="profile", action="store_const", const="profiling", help="optimized, name section kept"
            )
            p.set_defaults(profile="release")
            p.add_argument("--out-dir", help="where the package folder goes (default: <crate>/pkg)")
        else:
            p.add_argument("--out-dir", help="where the wheel goes (default: <crate>/dist)")
        p.add_argument("--target-dir", help="cargo's target folder (default: the crate's)")
        p.add_argument(
            "--toolchain",
            metavar="VERSION|PATH",
            help="the Rust toolchain: a release (1.96, 1.63.0) or a rustc / toolchain folder (default: the newest that can read the crate)",
        )
        if command == "build":
            p.add_argument(
                "--target", default="wasm32-unknown-unknown", metavar="TRIPLE",
                help="wasm32-unknown-unknown (default), or WASI: wasm32-wasi / wasm32-wasip1 / wasi",
            )
            p.add_argument(
                "--explain-size", action="store_true", help="for a release profile without LTO, build again with lto = true and report the saving"
            )
        p.add_argument("--quiet", "-q", action="store_true", help="hide cargo's output unless it fails")
        p.add_argument("--json", action="store_true", help="print the summary as JSON")
        p.set_defaults(func=run_build if command == "build" else run_pack)


def run_new(args: argparse.Namespace) -> int:
    """Create the crate; print what to do next."""
    from wasmforge.build import create_crate

    root = create_crate(args.path, args.name)
    sys.stdout.write(f"created crate {args.name or root.name} in {root}\n")
    sys.stdout.write(f"next: wasmforge build {root}   (its Python test: python -m pytest {root / 'tests'})\n")
    return 0


def _size_table(result: Any) -> str:
    rows = [("step", "bytes", "vs raw", "what")]
    raw = result.sizes[0].size or 1
    for step in result.sizes:
        rows.append((step.step, f"{step.size:,}", f"{100 * step.size / raw:.1f}%", step.detail))
    for name, size in result.kept_sections:
        what = "name section (profiling)" if name == "name" else f"custom section {name!r} kept (drop-sections to remove)"
        rows.append(("  section", f"{size:,}", f"{100 * size / raw:.1f}%", what))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    lines = []
    for r in rows:
        lines.append(f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}".rstrip())
    return "\n".join(lines) + "\n"


def _summary(result: Any) -> str:
    toolchain = f"toolchain: {result.toolchain_reason}\n" if result.toolchain_reason else ""
    if result.kind == "command":
        return (
            f"command {result.package} ({result.profile}, {result.target}): {result.wasm}\n"
            f"  run it: wasmforge run {result.wasm} ARGS...\n"
            f"{toolchain}"
        )
    d = result.descriptors
    names = [f.name for f in d.functions] + [r.name for r in d.raw_exports]
    parts = [f"{len(names)} function(s)"]
    if d.classes:
        parts.append(f"{len(d.classes)} class(es)")
    if d.imports:
        parts.append(f"{len(d.imports)} import(s)")
    kind = "typed glue" if d.has_runtime else "raw numeric bindings (no support crate)"
    if result.target != "wasm32-unknown-unknown":
        kind += f", {result.target}"
    if result.wasm_bindgen:
        parts, kind = [result.wasm_bindgen], "wasm-bindgen glue"
    return (
        f"package {result.package} ({result.profile}): {', '.join(parts)}, {kind}\n"
        f"  {result.package_dir}\n"
        f"{toolchain}"
    )


def _report(result: Any, as_json: bool, extra: dict[str, Any] | None = None) -> None:
    if as_json:
        from wasmforge.report.schema import with_schema

        data = result.to_dict()
        data.update(extra or {})
        json.dump(with_schema("pack" if extra else "build", data), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    sys.stdout.write(_summary(result))
    sys.stdout.write(_size_table(result))
    for note in result.notes:
        sys.stderr.write(f"note: {note}\n")


def run_build(args: argparse.Namespace) -> int:
    """Build the crate into a package folder and print the size ladder."""
    from wasmforge.build import build

    result = build(
        args.path,
        profile=args.profile,
        out_dir=args.out_dir,
        target_dir=args.target_dir,
        quiet=args.quiet,
        toolchain=args.toolchain,
        explain_size=args.explain_size,
        target=args.target,
    )
    _report(result, args.json)
    return 0


def run_pack(args: argparse.Namespace) -> int:
    """Build the crate and write its wheel."""
    from wasmforge.build import pack

    result, wheel = pack(args.path, out_dir=args.out_dir, target_dir=args.target_dir, quiet=args.quiet, toolchain=args.toolchain)
    _report(result, args.json, {"wheel": str(wheel)})
    if not args.json:
        sys.stdout.write(f"wheel: {wheel}\n")
    return 0
