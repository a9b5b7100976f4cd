"""Entry point of the ``wasmforge`` command.

Each command group lives in its own module of this package and exposes
``register(subparsers)``; the module names are listed in ``COMMAND_MODULES``.
Handlers return an exit code (0 ok, 1 a finding or failed check) and raise
:class:`wasmforge.errors.WasmforgeError` for bad input (exit 2).
"""

from __future__ import annotations

import argparse
import importlib
import io
import sys
from collections.abc import Sequence

from wasmforge import __version__
from wasmforge.errors import WasmforgeError

#: command-group modules of ``wasmforge.cli``, in the order their commands are listed.
#: command-group modules of ``wasmforge.cli`` and the commands each registers, in the order they
#: are listed (tests/cli/test_startup.py checks that every module registers exactly these).
COMMAND_GROUPS: dict[str, tuple[str, ...]] = {
    "build": ("new", "build", "pack"),
    "inspect": ("headers", "details", "section", "symbols", "strip", "add-section"),
    "doctor": ("doctor",),
    "host": ("run", "repl"),
    "profile": ("top", "dominators", "paths", "monos", "garbage", "diff", "crates", "report"),
    "text": ("wat", "disasm", "decompile"),
}
COMMAND_MODULES: list[str] = list(COMMAND_GROUPS)


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors follow the CLI's one-line convention (exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {message}\nhint: run '{self.prog} --help' for usage\n")
        raise SystemExit(2)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: with ``command``, only the group that owns it is registered (building
    every command's options costs more than the rest of a quick command's run); otherwise all."""
    parser = _Parser(
        prog="wasmforge",
        description="Build, bind, run, inspect and shrink WebAssembly modules from Python.",
    )
    parser.add_argument("--version", action="version", version=f"wasmforge {__version__}")
    parser.add_argument(
        "--color",
        choices=("auto", "never", "always"),
        default="auto",
        help="color output: auto (only on a terminal, not with NO_COLOR), never, always",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    groups = [name for name, commands in COMMAND_GROUPS.items() if command in commands] or COMMAND_MODULES
    for name in groups:
        importlib.import_module(f"wasmforge.cli.{name}").register(sub)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The command word of ``argv``: the first argument that is neither a global option nor its value."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--color":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    handler = getattr(args, "func", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":
        # an output encoding without box-drawing rules or a symbol's letters (PYTHONIOENCODING=ascii)
        # gets escapes, not a UnicodeEncodeError
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        return int(handler(args) or 0)
    except WasmforgeError as err:
        from wasmforge.report.table import printable

        # messages quote the module's own names: one line each, and escapes a terminal shows, not obeys
        sys.stderr.write(f"error: {printable(err.message)}\n")
        if err.hint:
            sys.stderr.write(f"hint: {printable(err.hint)}\n")
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `wasmforge ... | head` closed the pipe: not an error worth a traceback.
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
