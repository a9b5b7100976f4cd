"""``wasmforge run`` and ``wasmforge repl``: call a module's exports from the command line or a REPL."""

from __future__ import annotations

import argparse
import importlib
import json
import re
import shlex
import sys
from typing import Any

from wasmforge.errors import UsageError, printable

RUN_EPILOG = """\
examples:
  wasmforge run add.wasm add 40 2                      prints 42
  wasmforge run add.wasm add_random 1 --import Math=random
  wasmforge run calc.wasm --invoke "add 1 2" --invoke "mul 3 4"
  wasmforge run m.wasm minus_one                       prints -1 (u32: 4294967295)
  wasmforge run m.wasm minus_one --unsigned            prints 4294967295
  wasmforge run untrusted.wasm main --fuel 1000000 --timeout 2 --max-memory 64MiB
  wasmforge run importmem.wasm foo --memory-pages 17 --allocator bump
  wasmforge run m.wasm add 1 2 --json                  [{"export": "add", "args": [1, 2], "results": [3]}]
  wasmforge run threads.wasm main --shared-memory      a module with a shared memory (wasm threads)

Arguments are parsed by the export's parameter types (integers may be written in hex:
0x2a). Each call prints its results on one line, separated by spaces; a negative
integer result is followed by its unsigned reading unless --unsigned is given.
Untrusted by default: all linear memory together is capped at 256MiB and all table
elements at 1000000 (--max-memory, --max-table-elements; 'none' lifts a cap). Ctrl-C
stops running wasm code.
exit status: 0 ok, 1 the module trapped or a host function raised, 2 bad input, 130 Ctrl-C.
"""

REPL_EPILOG = """\
examples:
  wasmforge repl add.wasm --import Math=random         >>> exports.add(40, 2)
  wasmforge repl primes.wasm                           a module without imports
  wasmforge repl importmem.wasm --memory-pages 17 --allocator bump
  wasmforge repl m.wasm -c "p = exports.foo()"         run code first, like node -i -e

Bound names: instance, exports, memory (None when the module has none), host (wasmforge.host).
"""

_SIZE = re.compile(r"(?i)^\s*(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$")
_UNITS = {
    None: 1, "b": 1, "k": 1024, "kb": 1000, "kib": 1024, "m": 1024**2, "mb": 1000**2, "mib": 1024**2,
    "g": 1024**3, "gb": 1000**3, "gib": 1024**3,
}


def register(subparsers: Any) -> None:
    """Add the ``run`` and ``repl`` commands."""
    run = subparsers.add_parser(
        "run",
        help="call an export of a module and print the results",
        description="Load a module on wasmtime with Python imports and call one export (or several with --invoke).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=RUN_EPILOG,
    )
    run.add_argument("file", metavar="FILE", help="the .wasm (or .wat) module")
    run.add_argument("export", metavar="EXPORT", nargs="?", help="the exported function to call")
    run.add_argument("args", metavar="ARGS", nargs="*", help="its arguments, parsed by its parameter types")
    run.add_argument(
        "--invoke", action="append", default=[], metavar='"EXPORT ARGS..."',
        help="a call to make (repeatable; calls run in order on the same instance)",
    )
    run.add_argument("--unsigned", action="store_true", help="print i32/i64 results as unsigned")
    run.add_argument("--json", action="store_true", help="print the calls and results as JSON")
    _add_load_options(run)
    run.set_defaults(func=run_command)

    repl = subparsers.add_parser(
        "repl",
        help="open a Python REPL with a module's instance, exports and memory bound",
        description="Load a module and open an interactive Python console, like 'node -i'.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=REPL_EPILOG,
    )
    repl.add_argument("file", metavar="FILE", help="the .wasm (or .wat) module")
    repl.add_argument("-c", "--exec", dest="code", metavar="CODE", help="Python code to run before the prompt")
    _add_load_options(repl)
    repl.set_defaults(func=repl_command)


def _add_load_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--import", dest="imports", action="append", default=[], metavar="MODULE=PYMODULE",
        help="serve import module MODULE from a Python module (Math=random), or one import "
        "MODULE.NAME=PYMODULE.ATTR (env.log=builtins.print); repeatable",
    )
    parser.add_argument("--fuel", type=int, metavar="N", help="stop after N units of fuel (about N instructions)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS", help="wall-clock limit per call")
    parser.add_argument(
        "--max-memory", metavar="SIZE",
        help="cap all linear memory together (bytes, or 64KiB, 16MiB, 1GiB; default 256MiB; 'none' lifts it)",
    )
    parser.add_argument(
        "--max-table-elements", metavar="N",
        help="cap all table elements together (default 1000000; 'none' lifts it)",
    )
    parser.add_argument(
        "--memory-pages", type=int, metavar="N", help="supply an imported memory of N pages (--import-memory modules)"
    )
    parser.add_argument(
        "--allocator", choices=("bump", "free-list"), help="serve malloc/free imports from a host allocator"
    )
    parser.add_argument(
        "--shared-memory", action="store_true",
        help="enable shared memories and atomics (modules built for wasm threads)",
    )
    parser.add_argument("--wasi", action="store_true", help="provide WASI (stdout/stderr inherited, nothing else)")
    parser.add_argument(
        "--dir", dest="dirs", action="append", default=[], metavar="HOST[::GUEST]",
        help="with --wasi: preopen a directory (repeatable)",
    )
    parser.add_argument(
        "--env", dest="wasi_env", action="append", default=[], metavar="KEY=VALUE",
        help="with --wasi: an environment variable (repeatable)",
    )


def _parse_size(text: str) -> int:
    match = _SIZE.match(text)
    if not match:
        raise UsageError(f"--max-memory {text!r}: expected a size like 1048576, 64KiB or 16MiB")
    unit = match.group(2).lower() if match.group(2) else None
    return int(match.group(1)) * _UNITS[unit]


def _parse_count(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        value = -1
    if value < 0:
        raise UsageError(f"--max-table-elements {text!r}: expected a count like 100000")
    return value


def _limit(text: str | None, option: str, parse: Any, default: int | None) -> int | None:
    if text is None:
        return default
    if text.strip().lower() == "none":
        return None
    value: int = parse(text)
    return value


def _resolve_python(dotted: str) -> Any:
    """A Python module, or an attribute reached from the longest importable module prefix."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for name in parts[cut:]:
                value = getattr(value, name)
        except AttributeError:
            break
        return value
    raise UsageError(f"--import: cannot import {dotted!r} from Python", hint="name a module such as random or math")


def _imports_from_args(specs: list[str]) -> dict[str, Any]:
    imports: dict[str, Any] = {}
    for spec in specs:
        target, sep, source = spec.partition("=")
        if not sep or not target or not source:
            raise UsageError(f"--import {spec!r}: expected MODULE=PYMODULE or MODULE.NAME=PYMODULE.ATTR")
        value = _resolve_python(source)
        if "." in target:
            module, name = target.split(".", 1)
            entry = imports.setdefault(module, {})
            if not isinstance(entry, dict):
                raise UsageError(f"--import {spec!r}: {module} is already served by a whole Python module")
            entry[name] = value
        else:
            imports[target] = value
    return imports


def _load_from_args(args: argparse.Namespace) -> Any:
    from wasmforge.host import HostMemory, Limits, LinkError, Module, WasiConfig, load

    # Untrusted by default: memory and tables are bounded unless lifted with 'none'.
    limits = Limits.untrusted(
        max_memory=_limit(args.max_memory, "--max-memory", _parse_size, Limits.untrusted().max_memory),
        max_table_elements=_limit(
            args.max_table_elements, "--max-table-elements", _parse_count, Limits.untrusted().max_table_elements
        ),
        fuel=args.fuel,
        deadline=args.timeout,
    )
    wasi = None
    if args.wasi:
        env = {}
        for pair in args.wasi_env:
            key, sep, value = pair.partition("=")
            if not sep:
                raise UsageError(f"--env {pair!r}: expected KEY=VALUE")
            env[key] = value
        preopens = {}
        for spec in args.dirs:
            host_dir, _, guest = spec.partition("::")
            preopens[guest or host_dir] = host_dir
        wasi = WasiConfig(
            argv=[args.file], env=env, preopens=preopens, inherit_stdout=True, inherit_stderr=True
        )
    elif args.dirs or args.wasi_env:
        raise UsageError("--dir and --env need --wasi")
    memory = HostMemory(min_pages=args.memory_pages) if args.memory_pages is not None else None
    try:
        return load(
            args.file,
            _imports_from_args(args.imports),
            limits=limits,
            memory=memory,
            allocator=args.allocator,
            wasi=wasi,
            shared_memory=args.shared_memory,
        )
    except LinkError as err:
        hints = ["serve imports with --import MODULE=PYMODULE (e.g. --import Math=random)"]
        if any(info.kind == "memory" for info in Module(args.file).imports):
            hints.append("--memory-pages N for an imported memory, --allocator bump for malloc")
        if any(name.startswith("wasi") for name in err.missing):
            hints.append("--wasi for WASI imports")
        raise LinkError(err.message, imports=err.imports, missing=err.missing, mistyped=err.mistyped,
                        hint="; ".join(hints)) from None


def _parse_value(text: str, kind: str, export: str, position: int) -> int | float:
    try:
        if kind in ("f32", "f64"):
            return float(text)
        value = int(text, 0)
    except ValueError:
        what = "a number" if kind in ("f32", "f64") else "an integer"
        raise UsageError(f"argument {position} of {export}: {text!r} is not {what} (the parameter is {kind})") from None
    bits = 32 if kind == "i32" else 64
    if not -(2 ** (bits - 1)) <= value < 2**bits:
        raise UsageError(f"argument {position} of {export}: {value} does not fit {kind}")
    return value


def _render(value: Any, kind: str, unsigned: bool) -> str:
    if kind in ("f32", "f64"):
        return repr(value)
    bits = 32 if kind == "i32" else 64
    if unsigned:
        return str(value % 2**bits)
    if value < 0:
        return f"{value} (u{bits}: {value % 2**bits})"
    return str(value)


def run_command(args: argparse.Namespace) -> int:
    """Handler of ``wasmforge run``."""
    calls: list[list[str]] = []
    if args.export:
        calls.append([args.export, *args.args])
    for text in args.invoke:
        words = shlex.split(text)
        if not words:
            raise UsageError("--invoke needs an export name")
        calls.append(words)
    if not calls and not args.wasi:
        raise UsageError("nothing to call", hint="name an EXPORT, or use --invoke \"EXPORT ARGS...\"")

    from wasmforge.host import WasiExit, WasmTrap

    instance = _load_from_args(args)
    if not calls:
        calls.append(["_start"])
    functions = {e.name for e in instance.module.exports if e.kind == "func"}
    prepared = []
    for name, *texts in calls:
        if name not in functions:
            listed = sorted(functions)
            available = ", ".join(printable(n) for n in listed[:20]) or "none"
            if len(listed) > 20:
                available += f" and {len(listed) - 20} more"
            raise UsageError(f"{args.file}: no exported function {printable(repr(name))} (exported functions: {available})")
        function = getattr(instance.exports, name)
        params = function.wasm_signature.params
        if len(texts) != len(params):
            raise UsageError(
                f"{name} takes {len(params)} argument{'s' if len(params) != 1 else ''} "
                f"{function.signature}, got {len(texts)}"
            )
        values = [_parse_value(t, k, name, i) for i, (t, k) in enumerate(zip(texts, params), start=1)]
        prepared.append((name, function, values))

    report = []
    for name, function, values in prepared:
        try:
            result = function(*values)
        except WasiExit as exit_:
            sys.stdout.flush()
            return exit_.code
        except WasmTrap as trap:
            sys.stdout.flush()
            sys.stderr.write(f"error: {args.file}: {trap.message}\n")
            if trap.frames:
                sys.stderr.write("wasm backtrace:\n" + trap.backtrace + "\n")
            return 1
        except Exception as err:  # a Python import raised: report it as the run's failure
            sys.stdout.flush()
            sys.stderr.write(f"error: {args.file}: {name}() failed: a host function raised {type(err).__name__}: {err}\n")
            return 1
        results_types = function.wasm_signature.results
        results = [] if not results_types else [result] if len(results_types) == 1 else list(result)
        if args.unsigned:
            results = [
                r % 2 ** (32 if k == "i32" else 64) if k in ("i32", "i64") else r
                for r, k in zip(results, results_types)
            ]
        if args.json:
            report.append({"export": name, "args": values, "results": results})
        else:
            sys.stdout.write(" ".join(_render(r, k, args.unsigned) for r, k in zip(results, results_types)) + "\n")
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
    return 0


def repl_command(args: argparse.Namespace) -> int:
    """Handler of ``wasmforge repl``."""
    import code

    import wasmforge.host as host
    from wasmforge.host import HostError

    instance = _load_from_args(args)
    try:
        memory = instance.memory
    except HostError:
        memory = None
    namespace = {"instance": instance, "exports": instance.exports, "memory": memory, "host": host}
    lines = [f"wasmforge repl: {args.file}"]
    for name in instance.exports:
        lines.append(printable(f"  exports.{name}: {getattr(instance.exports, name)!r}"))
    lines.append("names: instance, exports, memory, host; Ctrl-D to leave")
    try:
        import readline
        import rlcompleter

        readline.set_completer(rlcompleter.Completer(namespace).complete)
        readline.parse_and_bind("tab: complete")
    except ImportError:  # no readline on this platform: plain input still works
        pass
    console = code.InteractiveConsole(namespace, filename="<wasmforge repl>")
    if args.code:
        console.runsource(args.code, "<wasmforge repl -c>", "exec")
    console.interact(banner="\n".join(lines), exitmsg="")
    return 0
