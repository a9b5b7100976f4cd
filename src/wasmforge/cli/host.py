"""``wasmforge run`` and ``wasmforge repl``: call a module's exports from the command line or a REPL."""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import os
import re
import shlex
import sys
from typing import Any, NoReturn

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
  wasmforge run hello.wasm world < in.txt              a WASI command: _start with argv [hello.wasm, world]
  wasmforge run cmd.wasm --dir data::/data --env K=V -- -n 3   grant a folder and a variable; -n 3 to argv

A WASI command (a module exporting _start) runs as 'wasmtime run' runs it: the words
after FILE are its argv (after '--' too when they look like options), stdin, stdout and
stderr are this process's, its exit status is proc_exit's (0 when _start returns, 134 when
it traps), and it sees no directory and no environment variable unless --dir/--env grant
one. WASI is provided whenever the module imports it. A WASI reactor gets _initialize
called before the named export.

Arguments are parsed by the export's parameter types (integers may be written in hex:
0x2a). Each call prints its results on one line, separated by spaces; a negative
integer result is followed by its unsigned reading unless --unsigned is given.
Untrusted by default: all linear memory together is capped at 256MiB and all table
elements at 1000000 (--max-memory, --max-table-elements; 'none' lifts a cap). Ctrl-C
stops running wasm code.
exit status: 0 ok, 1 the module trapped or a host function raised, 2 bad input, 130 Ctrl-C;
a WASI command's own status.
"""

REPL_EPILOG = """\
examples:
  wasmforge repl add.wasm --import Math=random         >>> exports.add(40, 2)
  wasmforge repl primes.wasm                           a module without imports
  wasmforge repl importmem.wasm --memory-pages 17 --allocator bump
  wasmforge repl m.wasm -c "p = exports.foo()"         run code first, like node -i -e

Bound names: instance, exports, memory (None when the module has none), host (wasmforge.host);
for a WASI command, run(args, stdin=...) runs it once on a fresh instance. WASI is provided
when the module imports it, granting only what --dir/--env give.
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
    run.add_argument(
        "rest", metavar="EXPORT ARGS...", nargs=argparse.REMAINDER,
        help="the export to call and its arguments, parsed by its parameter types; for a WASI command, its argv",
    )
    _add_call_options(run)
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


def _add_call_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--invoke", action="append", default=[], metavar='"EXPORT ARGS..."',
        help="a call to make (repeatable; calls run in order on the same instance)",
    )
    parser.add_argument("--unsigned", action="store_true", help="print i32/i64 results as unsigned")
    parser.add_argument("--json", action="store_true", help="print the calls and results as JSON")


class _OptionsParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"wasmforge run: {message}", hint="see 'wasmforge run --help'")


def _options_parser() -> argparse.ArgumentParser:
    """``run``'s options alone, for the words after FILE (argparse stops at the first of them)."""
    parser = _OptionsParser(prog="wasmforge run", add_help=False, allow_abbrev=False)
    _add_call_options(parser)
    _add_load_options(parser)
    return parser


def _split_after_file(args: argparse.Namespace, command: bool) -> None:
    """Sort the words after FILE into options and EXPORT/ARGS (``args.export``, ``args.args``).

    For a WASI command, as ``wasmtime run``: this tool's options may come first, and from the
    first other word (or after ``--``) everything is the program's argv. Otherwise options
    and arguments may be mixed (``add.wasm add 1 2 --json``).
    """
    parser = _options_parser()
    rest = list(args.rest)
    if not command:
        parser.add_argument("export", nargs="?")
        parser.add_argument("args", nargs="*")
        parser.parse_intermixed_args(rest, namespace=args)
        return
    takes_value = {s: a.nargs != 0 for a in parser._actions for s in a.option_strings}
    index = 0
    while index < len(rest):
        word = rest[index]
        if word == "--":
            argv = rest[index + 1 :]
            break
        name = word.split("=", 1)[0]
        if name not in takes_value:
            argv = rest[index:]
            break
        index += 2 if takes_value[name] and "=" not in word else 1
    else:
        argv = []
    parser.parse_args(rest[: min(index, len(rest))], namespace=args)
    args.export, args.args = (argv[0], argv[1:]) if argv else (None, [])


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
    parser.add_argument(
        "--wasi", action="store_true",
        help="provide WASI even if the module does not import it (it is provided whenever it does)",
    )
    parser.add_argument(
        "--dir", dest="dirs", action="append", default=[], metavar="HOST[::GUEST]",
        help="WASI: let the module see directory HOST (as GUEST; repeatable)",
    )
    parser.add_argument(
        "--env", dest="wasi_env", action="append", default=[], metavar="KEY=VALUE",
        help="WASI: give the module an environment variable (repeatable)",
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


def _limits_from_args(args: argparse.Namespace) -> Any:
    from wasmforge.host import Limits

    # Untrusted by default: memory and tables are bounded unless lifted with 'none'.
    return Limits.untrusted(
        max_memory=_limit(args.max_memory, "--max-memory", _parse_size, Limits.untrusted().max_memory),
        max_table_elements=_limit(
            args.max_table_elements, "--max-table-elements", _parse_count, Limits.untrusted().max_table_elements
        ),
        fuel=args.fuel,
        deadline=args.timeout,
    )


def _grants_from_args(args: argparse.Namespace, module: Any) -> tuple[dict[str, str], dict[str, str]] | None:
    """(environment, preopened directories) for a module given WASI, or None without WASI.

    WASI is provided when the module imports it (as ``wasmtime run`` does) or ``--wasi`` asks.
    """
    if not (args.wasi or module.wasi_version):
        if args.dirs or args.wasi_env:
            raise UsageError(
                f"{args.file}: --dir and --env grant WASI access, and the module imports no WASI",
                hint="add --wasi to provide WASI anyway",
            )
        return None
    env = {}
    for pair in args.wasi_env:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--env {pair!r}: expected KEY=VALUE")
        env[key] = value
    preopens = {}
    for spec in args.dirs:
        host_dir, _, guest = spec.partition("::")
        if not os.path.isdir(host_dir):
            raise UsageError(f"--dir {spec!r}: {host_dir} is not a directory")
        preopens[guest or host_dir] = host_dir
    return env, preopens


def _open_module(args: argparse.Namespace) -> Any:
    from wasmforge.host import Module

    return Module(args.file)


def _link_hint(args: argparse.Namespace, module: Any, err: Any) -> Any:
    from wasmforge.host import LinkError

    hints = ["serve imports with --import MODULE=PYMODULE (e.g. --import Math=random)"]
    if any(info.kind == "memory" for info in module.imports):
        hints.append("--memory-pages N for an imported memory, --allocator bump for malloc")
    if any(name.startswith("wasi") for name in err.missing):
        hints.append("--wasi for WASI imports")
    return LinkError(err.message, imports=err.imports, missing=err.missing, mistyped=err.mistyped, hint="; ".join(hints))


def _load_from_args(args: argparse.Namespace, module: Any = None) -> Any:
    from wasmforge.host import HostMemory, LinkError, WasiConfig, load

    module = module if module is not None else _open_module(args)
    grants = _grants_from_args(args, module)
    wasi = None
    if grants is not None:
        env, preopens = grants
        wasi = WasiConfig(
            argv=[os.path.basename(args.file)], env=env, preopens=preopens,
            inherit_stdin=True, inherit_stdout=True, inherit_stderr=True,
        )
    memory = HostMemory(min_pages=args.memory_pages) if args.memory_pages is not None else None
    try:
        return load(
            module,
            _imports_from_args(args.imports),
            limits=_limits_from_args(args),
            memory=memory,
            allocator=args.allocator,
            wasi=wasi,
            shared_memory=args.shared_memory,
        )
    except LinkError as err:
        raise _link_hint(args, module, err) from None


def _run_wasi_command(args: argparse.Namespace, module: Any) -> int:
    """``wasmforge run CMD.wasm ARGS...``: the command's own exit status, as ``wasmtime run`` gives it."""
    from wasmforge.host import LinkError, run_command

    env, preopens = _grants_from_args(args, module) or ({}, {})
    argv = [args.export, *args.args] if args.export is not None else list(args.args)
    try:
        result = run_command(
            module, argv, inherit_stdin=True, capture=False, env=env, dirs=preopens,
            limits=_limits_from_args(args), imports=_imports_from_args(args.imports),
            program=os.path.basename(args.file),
        )
    except LinkError as err:
        raise _link_hint(args, module, err) from None
    if result.trap is not None:
        trap = result.trap
        sys.stderr.write(f"error: {args.file}: {trap.message}\n")
        if trap.frames:
            sys.stderr.write("wasm backtrace:\n" + trap.backtrace + "\n")
    return result.exit_code


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
    module = _open_module(args)
    invokes = args.invoke or any(w == "--invoke" or w.startswith("--invoke=") for w in args.rest)
    _split_after_file(args, module.kind == "command" and not invokes)
    calls: list[list[str]] = []
    if args.export:
        calls.append([args.export, *args.args])
    for text in args.invoke:
        words = shlex.split(text)
        if not words:
            raise UsageError("--invoke needs an export name")
        calls.append(words)
    if module.kind == "command" and not args.invoke:
        return _run_wasi_command(args, module)
    if not calls and not args.wasi:
        hint = "name an EXPORT, or use --invoke \"EXPORT ARGS...\""
        if module.kind == "reactor":
            hint = "a WASI reactor: name an EXPORT to call after _initialize"
        raise UsageError(f"{args.file}: nothing to call (a {module.kind} without _start)", hint=hint)

    from wasmforge.host import WasiExit, WasmTrap

    instance = _load_from_args(args, module)
    if module.kind == "reactor" and calls[0][0] != "_initialize":
        instance.exports._initialize()  # the WASI reactor ABI: once, before any other export
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

    module = _open_module(args)
    lines = [f"wasmforge repl: {args.file}"]
    namespace: dict[str, Any] = {"host": host}
    if module.kind == "command":
        # A command runs once per instance: run(...) starts a fresh one each time.
        env, preopens = _grants_from_args(args, module) or ({}, {})
        namespace["run"] = functools.partial(
            host.run_command, module, capture=False, env=env, dirs=preopens, limits=_limits_from_args(args),
            imports=_imports_from_args(args.imports), program=os.path.basename(args.file),
        )
        lines.append("  run(args=[...], stdin=b'...'): run the WASI command once; returns its CommandResult")
    instance = _load_from_args(args, module)
    try:
        memory = instance.memory
    except HostError:
        memory = None
    namespace.update(instance=instance, exports=instance.exports, memory=memory)
    for name in instance.exports:
        lines.append(printable(f"  exports.{name}: {getattr(instance.exports, name)!r}"))
    lines.append(f"names: instance, exports, memory, host{', run' if 'run' in namespace else ''}; Ctrl-D to leave")
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
