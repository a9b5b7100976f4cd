"""``wasmforge doctor``: what is installed for the Rust → wasm → Python workflow, and how to fix what is not."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

EPILOG = """\
examples:
  wasmforge doctor                 table of tools found, then the commands that fix what is missing
  wasmforge doctor --json          the same as JSON (checks, chosen toolchain, every rustc tried)
  wasmforge doctor --add-target    run 'rustup target add wasm32-unknown-unknown' for rustup toolchains lacking it

exit status: 0 when everything required is there (rustc and cargo with the wasm32-unknown-unknown
standard library, the wasmtime Python package), 1 when something required is missing.
"""


def register(subparsers: Any) -> None:
    """Add the ``doctor`` command."""
    parser = subparsers.add_parser(
        "doctor",
        help="check the Rust toolchain, wasm tools and wasmtime; print fixes",
        description=(
            "Look for a cargo/rustc pair with the wasm32-unknown-unknown target, the wasm linker, "
            "wasm-opt, the wasmtime Python package and the wabt tools; print what was found and, "
            "for each missing piece, the command that fixes it."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=EPILOG,
    )
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--add-target",
        action="store_true",
        help="run 'rustup target add wasm32-unknown-unknown' for each rustup toolchain that lacks it, then check again",
    )
    parser.set_defaults(func=run_doctor)


def _display_path(path: str | None) -> str:
    """A path relative to the current folder when inside it, else with the home folder as ``~`` (display only)."""
    if not path:
        return ""
    cwd = os.getcwd()
    if path.startswith(cwd + os.sep):
        return path[len(cwd) + 1 :]
    home = os.path.expanduser("~")
    if home not in ("", "/") and (path == home or path.startswith(home + os.sep)):
        return "~" + path[len(home) :]
    return path


def _add_targets() -> None:
    """Run rustup for every rustup candidate lacking the target; progress goes to stderr."""
    from wasmforge.build import toolchain

    for candidate in toolchain.examine():
        if candidate.is_rustup and candidate.version and candidate.target_libdir is None:
            sys.stderr.write(f"running: {candidate.fix}\n")
            sys.stderr.flush()
            code = toolchain.add_rustup_target(candidate)
            if code != 0:
                sys.stderr.write(f"warning: rustup exited with status {code}\n")


def run_doctor(args: argparse.Namespace) -> int:
    """Print the environment report; 0 if everything required is present, else 1."""
    from wasmforge.build import toolchain
    from wasmforge.cli._common import use_color

    if args.add_target:
        _add_targets()
    report = toolchain.check_environment()
    if args.json:
        from wasmforge.report.schema import with_schema

        json.dump(with_schema("doctor", report.to_dict()), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0 if report.ok else 1

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    color = use_color(getattr(args, "color", "auto"), sys.stdout)
    # Off a terminal rich would wrap at 80 columns; paths read better unwrapped.
    console = Console(
        file=sys.stdout,
        no_color=not color,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        width=None if sys.stdout.isatty() else 250,
    )
    table = Table(title=f"wasmforge doctor — target {toolchain.TARGET}", title_justify="left", box=None, pad_edge=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("found")
    table.add_column("where", overflow="fold")
    for check in report.checks:
        if check.ok:
            status = Text("ok", style="green")
        elif check.required:
            status = Text("MISSING", style="bold red")
        else:
            status = Text("missing" if not check.name.startswith("other") else "skipped", style="yellow")
        # Text, not str: a path or a tool's output such as "[/x]" is data, not rich markup
        table.add_row(Text(check.name), status, Text(check.detail), Text(_display_path(check.path)))
    with console.capture() as captured:
        console.print(table)
    # Table cells are padded to the column width; trailing blanks only get in the way of diffs.
    sys.stdout.write("".join(line.rstrip() + "\n" for line in captured.get().splitlines()))

    if report.toolchains:
        console.print()
        console.print(
            f"toolchains with {toolchain.TARGET}, newest first (a build uses the newest that can read the crate;"
            " pick one with --toolchain VERSION|PATH):",
            markup=False,
        )
        for index, tc in enumerate(report.toolchains):
            mark = "*" if index == 0 else " "
            short = ".".join(tc.version.split("-")[0].split(".")[:2])
            what = "default" if index == 0 else f"--toolchain {short}"
            console.print(
                f"  {mark} rust {tc.version:<8} cargo {tc.cargo_version:<8} {_display_path(str(tc.rustc))}   ({what})",
                markup=False,
            )

    # One line per distinct fix, naming every check it repairs.
    fixes: dict[str, list[str]] = {}
    optional: dict[str, bool] = {}
    for check in report.checks:
        if not check.ok and check.fix:
            fixes.setdefault(check.fix, []).append(check.name)
            optional[check.fix] = optional.get(check.fix, True) and not check.required
    if fixes:
        console.print()
        console.print("to fix:")
        for fix, names in fixes.items():
            note = "  (optional)" if optional[fix] else ""
            console.print(f"  {fix}   # {', '.join(names)}{note}", markup=False)
    console.print()
    if report.ok:
        console.print("everything required is present.", markup=False)
        return 0
    missing = ", ".join(c.name for c in report.missing_required)
    console.print(f"missing (required): {missing}", markup=False)
    return 1
