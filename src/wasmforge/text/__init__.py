"""The text layer: a WAT printer (flat and folded), a disassembler and a decompiler view.

All three are driven by the opcode table of :mod:`wasmforge.binary` and write to a
:class:`Sink` (plain or ANSI); options live in frozen dataclasses. See the README section
"Reading modules as text".
"""

from wasmforge.text._config import PrintOptions
from wasmforge.text._decompile import DecompileOptions, Decompiler, decompile
from wasmforge.text._disasm import DisasmOptions, disassemble, function_names, resolve_function
from wasmforge.text._sink import AnsiSink, PlainSink, Sink, StringSink
from wasmforge.text._wat import WatPrinter, print_function, print_module

__all__ = [
    "DecompileOptions", "Decompiler", "decompile", "DisasmOptions", "disassemble", "function_names",
    "resolve_function", "AnsiSink", "PlainSink", "PrintOptions", "Sink", "StringSink", "WatPrinter", "print_function",
    "print_module",
]
