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
from wasmforge.cli._common import progress_reporter, reset_stdin
from wasmforge.errors import WasmforgeError

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

#: the sections of the top-level help: a heading and its commands, in the order a user meets them
HELP_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Build Rust into Python", ("new", "build", "pack")),
    ("Run", ("run", "repl")),
    ("Inspect and edit", ("headers", "details", "section", "symbols", "strip", "add-section")),
    ("Print", ("wat", "disasm", "decompile")),
    ("Profile size", ("top", "dominators", "paths", "monos", "garbage", "diff", "crates", "report")),
    ("Environment", ("doctor",)),
)

HELP_EXAMPLES = """\
examples:
  wasmforge new hello && wasmforge build hello      a crate that becomes a typed Python package
  wasmforge top app.wasm -n 20 --retained           the largest items and what they keep alive
  wasmforge report app.wasm -o report.html          an HTML treemap of the code size by crate
  wasmforge strip app.wasm -o app.small.wasm        drop names, DWARF and other custom sections
  wasmforge wat - < app.wasm | less                 '-' reads a module from stdin, for every command

Global options (--color, -q) go before or after the command. Exit codes: 0 ok, 1 a finding
(diff: the modules differ; garbage: unreachable items; doctor: a required tool is missing),
2 bad input or usage, 130 interrupted. Run 'wasmforge COMMAND --help' for a command's options.
"""


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors follow the CLI's one-line convention (exit 2)."""

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse asks a formatter to check every option it adds; its own default width would
        # import shutil (and bz2, lzma, zlib) on every start for the terminal's width
        return self.formatter_class(prog=self.prog, width=_terminal_width())  # type: ignore[call-arg]

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"error: {message}\nhint: run '{self.prog} --help' for usage\n")
        raise SystemExit(2)


def _terminal_width() -> int:
    """What ``shutil.get_terminal_size`` says, less two columns (as argparse takes it), without shutil."""
    import os

    try:
        columns = int(os.environ.get("COLUMNS", "0"))
        if not columns and sys.__stdout__ is not None:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 0
    columns = columns or 80
    return max(columns - 2, 11)


class _TopParser(_Parser):
    """The top-level parser: its help lists the commands by what they are for, then examples."""

    def format_help(self) -> str:
        sub = next(a for a in self._actions if isinstance(a, argparse._SubParsersAction))
        helps = {a.dest: a.help or "" for a in sub._choices_actions}
        width = max(len(name) for name in helps) + 2
        lines = [self.format_usage().rstrip(), "", self.description or "", ""]
        listed = {c for _, commands in HELP_SECTIONS for c in commands}
        others = ("Other", tuple(c for c in helps if c not in listed))
        for heading, commands in (*HELP_SECTIONS, others):
            present = [c for c in commands if c in helps]
            if present:
                lines.append(f"{heading}:")
                lines.extend(f"  {c:<{width}}{helps[c]}" for c in present)
                lines.append("")
        lines += ["options:",
                  "  -h, --help            show this help and exit",
                  "  --version             print the version and exit",
                  f"  {'--color WHEN':<22}{_COLOR_HELP}",
                  f"  {'-q, --quiet':<22}{_QUIET_HELP}",
                  "", HELP_EXAMPLES]
        return "\n".join(lines)


_COLOR_HELP = "color: auto (on a terminal, without NO_COLOR), never, always"
_QUIET_HELP = "no progress or notes on stderr (errors still show)"


def _add_global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """``--color`` and ``-q`` on the top-level parser and on every command, so they may come
    before or after the command word. A command's copy has no default (SUPPRESS), so it never
    overwrites what the top level parsed; ``-q`` lands in ``global_quiet`` (build and pack
    have their own ``-q`` for cargo's output, which it also sets)."""
    options = parser._option_string_actions
    if "--color" not in options:
        parser.add_argument("--color", choices=("auto", "never", "always"), metavar="WHEN",
                            default="auto" if top else argparse.SUPPRESS, help=_COLOR_HELP)
    flags = [f for f in ("-q", "--quiet") if f not in options]
    if flags:
        parser.add_argument(*flags, dest="global_quiet", action="store_true",
                            default=False if top else argparse.SUPPRESS, help=_QUIET_HELP)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: with ``command``, only the group that owns it is registered (building
    every command's options costs more than the rest of a quick command's run); otherwise all."""
    parser = _TopParser(
        prog="wasmforge",
        description="Build, bind, run, inspect and shrink WebAssembly modules from Python.",
    )
    parser.add_argument("--version", action="version", version=f"wasmforge {__version__}")
    _add_global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    groups = [name for name, commands in COMMAND_GROUPS.items() if command in commands] or COMMAND_MODULES
    for name in groups:
        importlib.import_module(f"wasmforge.cli.{name}").register(sub)
    for command_parser in sub.choices.values():
        _add_global_options(command_parser, top=False)
    return parser


def _command_of(argv: Sequence[str]) -> str | None:
    """The command word of ``argv``: the first argument that is neither a global option nor its value."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
        elif arg == "--color":  # the one global option with a separate value
            skip = True
        elif not arg.startswith("-"):
            return arg
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv == ["--version"]:  # without registering every command's options
        sys.stdout.write(f"wasmforge {__version__}\n")
        return 0
    parser = build_parser(_command_of(argv))
    args = parser.parse_args(argv)
    # one -q, wherever it was given: the global flag and build's and pack's own
    args.global_quiet = args.global_quiet or bool(getattr(args, "quiet", False))
    if hasattr(args, "quiet"):
        args.quiet = args.global_quiet
    reset_stdin()
    handler = getattr(args, "func", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    if isinstance(sys.stdout, io.TextIOWrapper) and sys.stdout.errors == "strict":
        # an output encoding without box-drawing rules or a symbol's letters (PYTHONIOENCODING=ascii)
        # gets escapes, not a UnicodeEncodeError
        sys.stdout.reconfigure(errors="backslashreplace")
    # cargo draws its own progress bar when its output is shown (build and pack without -q)
    hide = ("cargo build",) if args.command in ("build", "pack") else ()
    reporter = progress_reporter(args.global_quiet, hide=hide)
    try:
        if reporter is None:
            return int(handler(args) or 0)
        from wasmforge._progress import reporting

        with reporting(reporter):
            try:
                return int(handler(args) or 0)
            finally:
                reporter.close()
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
