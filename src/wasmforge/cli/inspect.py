"""Inspection and simple edits: ``headers``, ``details``, ``section``, ``symbols``, ``strip``, ``add-section``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable

from wasmforge.cli._common import count
from wasmforge.errors import UsageError, WasmforgeError

# typing is not imported at run time: it costs start-up time, and annotations are strings (PEP 563)
TYPE_CHECKING = False

if TYPE_CHECKING:
    from typing import Any, TextIO

    from wasmforge.binary import Module


def _open(path: str) -> Module:
    from wasmforge.binary import read_module
    from wasmforge.cli._common import module_source

    return read_module(module_source(path))


def _emit(lines: Iterable[str], stream: TextIO | None = None) -> None:
    write = (stream or sys.stdout).write
    for line in lines:
        # names come from the module: escape control characters rather than send them to a terminal
        if not line.isprintable():
            from wasmforge.report.table import printable  # (imported only then: start-up time)

            line = printable(line)
        write(line)
        write("\n")


def _json(command: str, data: Any, stream: TextIO | None = None) -> None:
    import json

    from wasmforge.report.schema import with_schema

    out = stream or sys.stdout
    json.dump(with_schema(command, data), out, indent=2)
    out.write("\n")


def _namer(args: argparse.Namespace) -> Callable[[str], str]:
    if getattr(args, "demangle", False):
        from wasmforge.analysis.demangle import demangle

        return demangle
    return lambda name: name


def _output(args: argparse.Namespace) -> str:
    """The output path of an edit: ``-o OUT`` or, with ``--in-place``, the input itself."""
    if args.in_place and args.output:
        raise UsageError("give either -o OUT or --in-place, not both")
    if args.in_place:
        if args.file == "-":
            raise UsageError("--in-place needs a file, not stdin", hint="add -o OUT")
        return str(args.file)
    if not args.output:
        raise UsageError("no output file", hint="add -o OUT (or --in-place to overwrite the input)")
    return str(args.output)


def _summary_stream(out: str) -> TextIO:
    """Where an edit's summary goes: stdout, unless the module itself went there (``-o /dev/stdout``)."""
    from wasmforge._files import is_stdout

    return sys.stderr if is_stdout(out) else sys.stdout


# --- handlers ----------------------------------------------------------------------------------

def cmd_headers(args: argparse.Namespace) -> int:
    from wasmforge.binary import scan_sections
    from wasmforge.cli._common import module_source
    from wasmforge.report import headers as render

    source = module_source(args.file)
    with scan_sections(source) as scan:
        kind = _scan_kind(scan)
        if args.json:
            sys.stdout.writelines(render.headers_json(scan, args.file, kind))
        else:
            _emit(render.headers_text(scan, args.file, kind))
    return 0


def _scan_kind(scan: Any) -> Any:
    """The module's kind, or None when its imports or exports do not decode (the sections still list)."""
    from wasmforge.binary import WasmDecodeError
    from wasmforge.binary.wasi import kind_of_scan

    try:
        return kind_of_scan(scan)
    except WasmDecodeError:
        return None


def cmd_details(args: argparse.Namespace) -> int:
    from wasmforge.report import inspect as render

    with _open(args.file) as module:
        if args.json:
            _json("details", render.details_json(module, args.file))
        else:
            _emit(render.details_text(module, args.file, demangle=_namer(args), data_bytes=args.data_bytes))
    return 0


def cmd_section(args: argparse.Namespace) -> int:
    from wasmforge.report import inspect as render
    from wasmforge.transform import write_atomic

    with _open(args.file) as module:
        wanted = args.name
        found = [s for s in module.sections if s.name == wanted]
        if not found:
            found = [s for s in module.sections if not s.is_custom and s.name == wanted.lower()]
        if not found:
            have = ", ".join(sorted({s.name for s in module.sections})) or "none"
            raise UsageError(f"{args.file}: no section named {wanted!r}", hint=f"sections present: {have}")
        section = found[0]
        content = module.buffer[section.content_start : section.end]
        if args.output == "-":
            if sys.stdout.isatty():
                raise UsageError("refusing to write binary data to a terminal", hint="redirect stdout or use -o FILE")
            sys.stdout.buffer.write(bytes(content))
            return 0
        if args.output:
            try:
                write_atomic(args.output, bytes(content), inputs=[args.file])
            except OSError as e:
                raise WasmforgeError(f"{args.output}: cannot write: {e.strerror or e}") from None
            sys.stderr.write(f"wrote {len(content)} bytes of section {section.name!r} to {args.output}\n")
            return 0
        if args.json:
            _json("section", {"file": args.file, "name": section.name, "start": section.start, "end": section.end,
                   "content_start": section.content_start, "hex": bytes(content).hex()})
            return 0
        _emit([f"{args.file}: contents of section {section.name!r} ({section.size} bytes at 0x{section.start:x})"])
        _emit(render.hexdump(module.buffer[section.start : section.end], section.start))
    return 0


def cmd_symbols(args: argparse.Namespace) -> int:
    from wasmforge.binary.wasi import kind_of
    from wasmforge.report import inspect as render

    with _open(args.file) as module:
        only_imports, only_exports = args.imports, args.exports
        rows = render.symbols(module, imports=only_imports or not only_exports, exports=only_exports or not only_imports)
        kind = kind_of(module)
        if args.json:
            _json("symbols", {"file": args.file, "kind": kind.kind, "wasi": kind.wasi, "symbols": rows})
        else:
            _emit(render.symbols_text(rows, demangle=_namer(args), kind=kind))
    return 0


def cmd_strip(args: argparse.Namespace) -> int:
    from wasmforge.transform import strip, write_module

    out = _output(args)
    with _open(args.file) as module:
        result = strip(module, keep=args.keep or (), keep_names=args.keep_names, debug_only=args.debug_only)
        # only custom sections went: every other section is the input's bytes as read, so the
        # output needs no re-validation (the design's invariant for custom-section-only edits)
        done = write_module(result.module, out, check=False, inputs=[] if args.in_place else [args.file])
        written = done.size
        result.module.close()
    if done.note:
        sys.stderr.write(f"note: {done.note}\n")
    summary = {"file": args.file, "output": out, "size_before": result.size_before, "size_after": written,
               "removed": list(result.removed)}
    if args.json:
        _json("strip", summary, _summary_stream(out))
    else:
        pct = 100.0 * result.saved / result.size_before if result.size_before else 0.0
        removed = ", ".join(result.removed) if result.removed else "nothing"
        _emit([f"{args.file}: {result.size_before} -> {written} bytes (-{result.saved}, {pct:.1f}%) -> {out}",
               f"removed: {removed}"], _summary_stream(out))
    return 0


def cmd_add_section(args: argparse.Namespace) -> int:
    from wasmforge.transform import add_custom_section, write_module

    out = _output(args)
    if args.source == "-":
        data = sys.stdin.buffer.read()
    else:
        try:
            with open(args.source, "rb") as source:
                data = source.read()
        except OSError as e:
            raise UsageError(f"{args.source}: cannot read: {e.strerror}") from None
    with _open(args.file) as module:
        replaced = args.replace and bool(module.custom_sections(args.name))
        edited = add_custom_section(module, args.name, data, replace=args.replace)
        sources = [] if args.source == "-" else [args.source]
        done = write_module(edited, out, original=module, inputs=sources if args.in_place else [args.file, *sources])
        written = done.size
        edited.close()
    if done.note:
        sys.stderr.write(f"note: {done.note}\n")
    if args.json:
        _json("add-section", {"file": args.file, "output": out, "name": args.name, "content_size": len(data),
                              "size_after": written, "replaced": replaced}, _summary_stream(out))
    else:
        verb = "replaced" if replaced else "added"
        _emit([f"{args.file}: {verb} custom section {args.name!r} ({len(data)} bytes) -> {out} ({written} bytes)"],
              _summary_stream(out))
    return 0


# --- registration ------------------------------------------------------------------------------

def _parser(sub: Any, name: str, help: str, epilog: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        name, help=help, description=help, epilog="examples:\n" + epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return p


def register(sub: Any) -> None:
    """Add the inspection commands."""
    p = _parser(sub, "headers", "list the sections: offsets, sizes, counts (as wasm-objdump -h)",
                "  wasmforge headers app.wasm\n  wasmforge headers app.wasm --json | jq '.sections[].name'\n")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_headers)

    p = _parser(sub, "details", "show every section's items (as wasm-objdump -x)",
                "  wasmforge details app.wasm\n  wasmforge details app.wasm --demangle --data-bytes 64\n")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--demangle", action="store_true", help="demangle Rust symbol names")
    p.add_argument("--data-bytes", type=count, default=None, metavar="N",
                   help="hexdump at most N bytes of each data segment")
    p.set_defaults(func=cmd_details)

    p = _parser(sub, "section", "hexdump a section, or write its raw contents (as wasm-objdump -s -j NAME)",
                "  wasmforge section app.wasm producers\n  wasmforge section app.wasm .debug_info -o debug_info.bin\n")
    p.add_argument("file")
    p.add_argument("name", help="the custom section's name (or a standard section: type, code, data …)")
    p.add_argument("-o", "--output", metavar="OUT", help="write the raw contents to OUT ('-': stdout)")
    p.add_argument("--json", action="store_true", help="print JSON with the contents in hex")
    p.set_defaults(func=cmd_section)

    p = _parser(sub, "symbols", "list imports and exports with kinds and signatures (as wasm-nm)",
                "  wasmforge symbols app.wasm\n  wasmforge symbols app.wasm --imports --json\n")
    p.add_argument("file")
    p.add_argument("--imports", action="store_true", help="only imports")
    p.add_argument("--exports", action="store_true", help="only exports")
    p.add_argument("--demangle", action="store_true", help="demangle Rust symbol names")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_symbols)

    p = _parser(sub, "strip", "remove custom sections (names, producers, DWARF …) (as wasm-strip)",
                "  wasmforge strip app.wasm -o app.small.wasm\n  wasmforge strip app.wasm --debug-only --in-place\n"
                "  wasmforge strip app.wasm --keep-names --keep producers -o out.wasm\n")
    p.add_argument("file")
    p.add_argument("-o", "--output", metavar="OUT", help="where to write the result")
    p.add_argument("--in-place", action="store_true", help="overwrite FILE")
    p.add_argument("--keep", action="append", metavar="NAME", help="keep the custom section NAME (repeatable)")
    p.add_argument("--keep-names", action="store_true", help="keep the name section")
    p.add_argument("--debug-only", action="store_true", help="remove only debug sections (.debug_*)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_strip)

    p = _parser(sub, "add-section", "embed a custom section",
                "  wasmforge add-section app.wasm license --from LICENSE -o app.wasm.out\n"
                "  echo -n v1 | wasmforge add-section app.wasm version --from - --replace --in-place\n")
    p.add_argument("file")
    p.add_argument("name", help="the custom section's name")
    p.add_argument("--from", dest="source", required=True, metavar="DATA", help="file with the contents ('-': stdin)")
    p.add_argument("-o", "--output", metavar="OUT", help="where to write the result")
    p.add_argument("--in-place", action="store_true", help="overwrite FILE")
    p.add_argument("--replace", action="store_true", help="replace an existing section of that name")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_add_section)
