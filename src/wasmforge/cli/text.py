"""``wasmforge wat``, ``disasm`` and ``decompile``: read a module as text."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from typing import Any, TextIO, cast

WAT_EPILOG = """\
examples:
  wasmforge wat add.wasm                        the text format, flat, on stdout
  wasmforge wat add.wasm --fold -o add.wat      folded S-expressions, written to add.wat
  wasmforge wat m.wasm --generate-names         $f3, $p0, $env.memory ... where the name section is silent
  wasmforge wat m.wasm --no-names --inline-exports
  wasmforge wat - < m.wasm                      read the module from stdin

exit status: 0 ok, 2 bad input (the error names the file, offset and section).
"""

DISASM_EPILOG = """\
examples:
  wasmforge disasm add.wasm                     every function: offset, bytes, instruction
  wasmforge disasm add.wasm --function add      one function, by name (name section or export)
  wasmforge disasm add.wasm --function 3        one function, by index

The layout is wasm-objdump -d's; instructions are in text-format syntax, with <name> after
call targets, globals and locals. exit status: 0 ok, 2 bad input.
"""

DECOMPILE_EPILOG = """\
examples:
  wasmforge decompile add.wasm                  imports, globals, data, then every function
  wasmforge decompile add.wasm --function add   one function

Reading the view: 'a[2]:int' is the int at byte a + 8; '<u', '/u', '>>u' are unsigned operators;
'goto B_1' leaves block B_1, 'continue L_2' repeats loop L_2. exit status: 0 ok, 2 bad input.
"""


def _color_option(parser: argparse.ArgumentParser) -> None:
    # A separate dest: the top-level --color default must not be overwritten by this one's.
    parser.add_argument("--color", dest="text_color", choices=("auto", "never", "always"), default=None,
                        help="colour the text: auto (a terminal without NO_COLOR), never, always")


def register(subparsers: Any) -> None:
    """Add the ``wat``, ``disasm`` and ``decompile`` commands."""
    wat = subparsers.add_parser(
        "wat",
        help="print a module in the WebAssembly text format (like wasm2wat)",
        description="Print every section and instruction of a module in the text format. The output "
                    "assembles back to the same module. Written function by function, so large modules "
                    "stream.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=WAT_EPILOG,
    )
    wat.add_argument("file", metavar="FILE", help="the .wasm module")
    wat.add_argument("-o", "--output", metavar="OUT", help="write the text to OUT (atomically) instead of stdout")
    wat.add_argument("--fold", action="store_true", help="folded S-expressions instead of flat instructions")
    wat.add_argument("--no-names", action="store_true", help="ignore the name section")
    wat.add_argument("--generate-names", action="store_true", help="invent names for items without one")
    wat.add_argument("--inline-exports", action="store_true", help="write exports inside the items they export")
    _color_option(wat)
    wat.set_defaults(func=wat_command)

    for name, helptext, description, epilog, handler in (
        ("disasm", "disassemble function bodies with offsets and bytes (like wasm-objdump -d)",
         "Show each instruction with its file offset and bytes, indented by block depth, with call "
         "targets, globals and locals named.", DISASM_EPILOG, disasm_command),
        ("decompile", "a readable C-like view of the functions (like wasm-decompile)",
         "Rebuild expressions from the operand stack and show structured control flow, named locals, "
         "loads and stores as ptr[offset]:type and calls by name.", DECOMPILE_EPILOG, decompile_command),
    ):
        p = subparsers.add_parser(name, help=helptext, description=description,
                                  formatter_class=argparse.RawDescriptionHelpFormatter, epilog=epilog)
        p.add_argument("file", metavar="FILE", help="the .wasm module")
        p.add_argument("--function", metavar="NAME|INDEX", help="only this function (a name or an index)")
        _color_option(p)
        p.set_defaults(func=handler)


@contextlib.contextmanager
def _output(path: str | None, inputs: list[str]) -> Iterator[TextIO]:
    """stdout, or ``path`` written safely (replaced only when writing succeeded; devices and
    pipes are written to directly)."""
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    from wasmforge._files import atomic_output

    with atomic_output(path, encoding="utf-8", newline="\n", inputs=inputs) as stream:
        yield cast(TextIO, stream)  # opened in text mode


def _sink(args: argparse.Namespace, stream: TextIO, to_file: bool) -> Any:
    from wasmforge.cli._common import use_color
    from wasmforge.text import AnsiSink, PlainSink

    choice = args.text_color or getattr(args, "color", "auto") or "auto"
    if to_file and choice != "always":
        choice = "never"
    return AnsiSink(stream) if use_color(choice, stream) else PlainSink(stream)


def _read(path: str) -> Any:
    from wasmforge.binary import read_module
    from wasmforge.cli._common import module_source

    return read_module(module_source(path))


def wat_command(args: argparse.Namespace) -> int:
    """Print the module in the text format."""
    from wasmforge.text import PrintOptions, print_module

    options = PrintOptions(fold=args.fold, names=not args.no_names, generate_names=args.generate_names,
                           inline_exports=args.inline_exports)
    with _read(args.file) as module, _output(args.output, [args.file]) as stream:
        print_module(module, _sink(args, stream, args.output is not None), options)
    return 0


def disasm_command(args: argparse.Namespace) -> int:
    """Print the disassembly of the code section (or of one function)."""
    from wasmforge.text import DisasmOptions, disassemble

    with _read(args.file) as module:
        disassemble(module, _sink(args, sys.stdout, False), DisasmOptions(function=args.function))
    return 0


def decompile_command(args: argparse.Namespace) -> int:
    """Print the decompiled view of the module (or of one function)."""
    from wasmforge.text import DecompileOptions, decompile

    with _read(args.file) as module:
        decompile(module, _sink(args, sys.stdout, False), DecompileOptions(function=args.function))
    return 0
