"""Size profiling: ``top``, ``dominators``, ``paths``, ``monos``, ``garbage``, ``diff``, ``crates``
and ``report`` (the HTML treemap). Each parses, builds the size graph, runs one analysis and renders.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from typing import Any

from wasmforge.cli._common import count
from wasmforge.errors import UsageError

_FORMAT_HELP = "output format (default: text)"


def _graph(path: str, args: argparse.Namespace) -> Any:
    from wasmforge.analysis import build
    from wasmforge.cli._common import module_source

    return build(module_source(path), twiggy_compatible=args.twiggy_compatible)


def write_atomic(path: str, text: str | Iterable[str], inputs: list[str]) -> None:
    """Write ``text`` (or its pieces) to ``path`` safely, never over one of ``inputs`` (see
    :mod:`wasmforge._files`)."""
    from wasmforge._files import atomic_output

    # backslashreplace: a file name from undecodable bytes (the report's title) cannot fail the write
    with atomic_output(path, errors="backslashreplace", newline="", inputs=inputs) as stream:
        stream.writelines([text] if isinstance(text, str) else text)


def _emit(args: argparse.Namespace, result: Any) -> int:
    from wasmforge.cli._common import use_color
    from wasmforge.report.profile import render_chunks

    fmt = "json" if args.json else args.format
    if args.output:
        write_atomic(args.output, render_chunks(result, fmt), _inputs(args))
    else:
        sys.stdout.writelines(render_chunks(result, fmt, color=fmt == "text" and use_color(args.color, sys.stdout)))
    return 0


def _inputs(args: argparse.Namespace) -> list[str]:
    return [args.old, args.new] if hasattr(args, "old") else [args.file]


def _limit(value: int | None, all_: bool) -> int | None:
    # counts are checked by the parser (``type=count``)
    return None if all_ else value


# --- handlers ----------------------------------------------------------------------------------

def cmd_top(args: argparse.Namespace) -> int:
    from wasmforge.analysis import top

    graph = _graph(args.file, args)
    return _emit(args, top(graph, max_items=_limit(args.max_items, False), retained=args.retained,
                           retaining_paths=args.retaining_paths))


def cmd_dominators(args: argparse.Namespace) -> int:
    from wasmforge.analysis import dominators

    graph = _graph(args.file, args)
    return _emit(args, dominators(graph, args.items, regex=args.regex, max_depth=_limit(args.max_depth, False),
                                  max_rows=_limit(args.max_rows, False)))


def cmd_paths(args: argparse.Namespace) -> int:
    from wasmforge.analysis import paths

    graph = _graph(args.file, args)
    return _emit(args, paths(graph, args.items, regex=args.regex, descending=args.descending,
                             max_depth=args.max_depth, max_paths=args.max_paths,
                             twiggy_compatible=args.twiggy_compatible))


def cmd_monos(args: argparse.Namespace) -> int:
    from wasmforge.analysis import monos

    graph = _graph(args.file, args)
    return _emit(args, monos(graph, args.functions, regex=args.regex,
                             max_generics=_limit(args.max_generics, args.all or args.all_generics),
                             max_monos=_limit(args.max_monos, args.all or args.all_monos),
                             only_generics=args.only_generics))


def cmd_garbage(args: argparse.Namespace) -> int:
    from wasmforge.analysis import garbage

    graph = _graph(args.file, args)
    result = garbage(graph, max_items=_limit(args.max_items, args.all), show_data_segments=args.show_data_segments)
    _emit(args, result)
    return 1 if result.total_count else 0  # a finding: unreachable items


def cmd_diff(args: argparse.Namespace) -> int:
    from wasmforge.analysis import diff

    old = _graph(args.old, args)
    new = _graph(args.new, args)
    result = diff(old, new, args.items, regex=args.regex, max_items=_limit(args.max_items, args.all))
    _emit(args, result)
    return 1 if result.total_count else 0  # as diff(1): 1 when the modules differ


def cmd_crates(args: argparse.Namespace) -> int:
    from wasmforge.analysis import crates

    return _emit(args, crates(_graph(args.file, args)))


def cmd_report(args: argparse.Namespace) -> int:
    from wasmforge.analysis import crates, top
    from wasmforge.report.treemap import treemap_html

    if not args.output:
        raise UsageError("no output file", hint="add -o report.html")
    graph = _graph(args.file, args)
    page = treemap_html(crates(graph), top(graph, max_items=_limit(args.max_items, False)),
                        title=os.path.basename(args.file))
    write_atomic(args.output, page, [args.file])
    return 0


# --- registration ------------------------------------------------------------------------------

def _common(p: argparse.ArgumentParser, *, formats: bool = True) -> None:
    if formats:
        p.add_argument("-f", "--format", choices=("text", "json", "csv"), default="text", help=_FORMAT_HELP)
        p.add_argument("--json", action="store_true", help="same as --format json")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    p.add_argument("--twiggy-compatible", action="store_true",
                   help="draw only the edges twiggy draws (no call_indirect, ref.func, ... edges), so sizes "
                        "compare line by line with twiggy's output")


def _parser(sub: Any, name: str, help_: str, examples: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(
        name, help=help_, description=help_[0].upper() + help_[1:] + ".",
        formatter_class=argparse.RawDescriptionHelpFormatter, epilog="examples:\n" + examples)
    p.__class__ = _intermixed(type(p))
    return p


def _intermixed(base: type[argparse.ArgumentParser]) -> type[argparse.ArgumentParser]:
    """``base`` parsing options and positionals in any order (``top -n 5 FILE``,
    ``dominators FILE -f json ITEM``), as twiggy's command lines do."""

    # a base chosen at run time (the parser class of the group) is beyond what mypy can check
    class Intermixed(base):  # type: ignore[misc, valid-type]
        _busy = False

        def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
            if self._busy:  # parse_known_intermixed_args calls back into this method
                return super().parse_known_args(args, namespace)
            self._busy = True
            try:
                return self.parse_known_intermixed_args(args, namespace)
            finally:
                self._busy = False

    return Intermixed


def register(sub: Any) -> None:
    """Add the size-profiling commands to ``sub``."""
    p = _parser(sub, "top", "list the largest items of a module, by shallow or retained size",
                "  wasmforge top app.wasm -n 20\n"
                "  wasmforge top app.wasm --retained --retaining-paths\n"
                "  wasmforge top app.wasm -n 50 --format json -o top.json\n")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-n", dest="max_items", type=count, default=None, metavar="N", help="list at most N items")
    p.add_argument("--retained", action="store_true", help="sort by retained size")
    p.add_argument("--retaining-paths", action="store_true",
                   help="show one shortest chain from a root to each item")
    _common(p)
    p.set_defaults(func=cmd_top)

    p = _parser(sub, "dominators", "show the dominator tree: which item keeps which bytes alive",
                "  wasmforge dominators app.wasm -d 3 -r 40\n"
                "  wasmforge dominators app.wasm main\n"
                "  wasmforge dominators app.wasm --regex 'alloc::.*' -f json\n")
    p.add_argument("file", metavar="FILE")
    p.add_argument("items", nargs="*", metavar="ITEM", help="show the subtrees of these items")
    p.add_argument("-d", dest="max_depth", type=count, metavar="DEPTH", help="at most DEPTH levels")
    p.add_argument("-r", dest="max_rows", type=count, metavar="ROWS", help="at most ROWS rows")
    p.add_argument("--regex", action="store_true", help="ITEMs are regular expressions")
    _common(p)
    p.set_defaults(func=cmd_dominators)

    p = _parser(sub, "paths", "show the chains of callers that keep items in the module",
                "  wasmforge paths app.wasm 'core::fmt::write'\n"
                "  wasmforge paths app.wasm --regex 'panic' -d 4 -r 3\n"
                "  wasmforge paths app.wasm --descending 'export \"main\"'\n")
    p.add_argument("file", metavar="FILE")
    p.add_argument("items", nargs="*", metavar="ITEM", help="items to explain (default: all, by size)")
    p.add_argument("--descending", action="store_true", help="follow callees from the items instead")
    p.add_argument("-d", dest="max_depth", type=count, default=10, metavar="DEPTH", help="at most DEPTH levels (10)")
    p.add_argument("-r", dest="max_paths", type=count, default=10, metavar="PATHS",
                   help="at most PATHS branches per item (10)")
    p.add_argument("--regex", action="store_true", help="ITEMs are regular expressions")
    _common(p)
    p.set_defaults(func=cmd_paths)

    p = _parser(sub, "monos", "group generic instantiations by generic function, with the bloat estimate",
                "  wasmforge monos app.wasm\n"
                "  wasmforge monos app.wasm -g 5 -m 3\n"
                "  wasmforge monos app.wasm --regex '^alloc::' --all-monos\n")
    p.add_argument("file", metavar="FILE")
    p.add_argument("functions", nargs="*", metavar="GENERIC", help="only these generic functions")
    p.add_argument("-g", "--max-generics", dest="max_generics", type=count, default=10, metavar="N",
                   help="at most N generic functions (10)")
    p.add_argument("-m", "--max-monos", dest="max_monos", type=count, default=10, metavar="N",
                   help="at most N instantiations per generic function (10)")
    p.add_argument("-a", "--all", action="store_true", help="list every generic function and instantiation")
    p.add_argument("--all-generics", action="store_true", help="list every generic function")
    p.add_argument("--all-monos", action="store_true", help="list every instantiation")
    p.add_argument("--only-generics", action="store_true", help="list generic functions only")
    p.add_argument("--regex", action="store_true", help="GENERICs are regular expressions")
    _common(p)
    p.set_defaults(func=cmd_monos)

    p = _parser(sub, "garbage", "list items that nothing reaches (removable)",
                "  wasmforge garbage app.wasm\n"
                "  wasmforge garbage app.wasm --all --show-data-segments\n")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-n", dest="max_items", type=count, default=10, metavar="N", help="at most N items (10)")
    p.add_argument("-a", "--all", action="store_true", help="list every unreachable item")
    p.add_argument("--show-data-segments", action="store_true",
                   help="list unreachable data segments too (code may use them through computed addresses)")
    _common(p)
    p.set_defaults(func=cmd_garbage)

    p = _parser(sub, "diff", "compare the item sizes of two versions of a module",
                "  wasmforge diff old.wasm new.wasm\n"
                "  wasmforge diff old.wasm new.wasm -n 50 -f csv -o diff.csv\n")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.add_argument("items", nargs="*", metavar="ITEM", help="only these items")
    p.add_argument("-n", dest="max_items", type=count, default=20, metavar="N", help="at most N items (20)")
    p.add_argument("-a", "--all", action="store_true", help="list every changed item")
    p.add_argument("--regex", action="store_true", help="ITEMs are regular expressions")
    _common(p)
    p.set_defaults(func=cmd_diff)

    p = _parser(sub, "crates", "attribute code size to crates (core, alloc, std, yours), shallow and retained",
                "  wasmforge crates app.wasm\n"
                "  wasmforge crates app.wasm --format csv -o crates.csv\n")
    p.add_argument("file", metavar="FILE")
    _common(p)
    p.set_defaults(func=cmd_crates)

    p = _parser(sub, "report", "write a self-contained HTML report: zoomable treemap, search, top table",
                "  wasmforge report app.wasm -o report.html\n")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-n", dest="max_items", type=count, default=500, metavar="N",
                   help="rows of the top table (500)")
    _common(p, formats=False)
    p.set_defaults(func=cmd_report)


__all__ = ["register", "write_atomic"]
