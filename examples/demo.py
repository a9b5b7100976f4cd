"""``make demo``: a Rust crate becomes a typed Python package, is called from Python, and is profiled.

    python examples/demo.py OUT_DIR

Builds ``examples/counter`` and ``examples/callbacks`` with ``wasmforge build`` into
``OUT_DIR/pkgs``, imports them and calls them (a class, a string, a Python callback, an error),
prints the size ladder, runs ``wasmforge top`` and writes the HTML report, then names three
commands to try next. Every command line shown is the one that runs; every value shown is what
the call returned.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import traceback
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent
REPO = EXAMPLES.parent
WASMFORGE = [sys.executable, "-m", "wasmforge"]


def show(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _rel(path: Path | str) -> str:
    """A path as the user would type it from the checkout."""
    try:
        return os.path.relpath(path, Path.cwd())
    except ValueError:
        return str(path)


def wasmforge(*args: str | Path, echo: bool = True, capture: bool = False) -> str:
    """Run ``wasmforge ARGS`` (this interpreter's), print the command line and its output."""
    argv = [a if isinstance(a, str) else _rel(a) for a in args]
    if echo:
        show(f"\n$ wasmforge {shlex.join(argv)}\n")
    proc = subprocess.run([*WASMFORGE, *argv], capture_output=True, text=True)
    if proc.returncode not in (0, 1):  # 1 is a finding (garbage, diff), not a failure
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"error: 'wasmforge {shlex.join(argv)}' failed (exit {proc.returncode})")
    if not capture:
        show(proc.stdout)
    return proc.stdout


def session(lines: list[tuple[str, str]], namespace: dict[str, object]) -> None:
    """Run each statement as the interactive interpreter would, and print it with its result.

    ``lines`` holds (statement, comment) pairs; an expression's value is printed with repr,
    an exception as its type and message (the way a user meets it)."""
    for code, comment in lines:
        shown = f">>> {code}"
        show(f"{shown:<58} # {comment}\n" if comment else shown + "\n")
        try:
            try:
                compiled = compile(code, "<demo>", "eval")
            except SyntaxError:
                exec(compile(code, "<demo>", "exec"), namespace)
                continue
            value = eval(compiled, namespace)
            if value is not None:
                show(repr(value) + "\n")
        except Exception as err:  # shown, as the REPL would show it
            show("".join(traceback.format_exception_only(type(err), err)))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    out = Path(argv[0])
    pkgs, cargo_target = out / "pkgs", out / "cargo"
    show("wasmforge: a Rust crate becomes a typed Python package (examples/counter, examples/callbacks)\n")

    wasmforge("build", EXAMPLES / "counter", "--out-dir", pkgs, "--target-dir", cargo_target, "-q")
    summary = json.loads(wasmforge("build", EXAMPLES / "callbacks", "--out-dir", pkgs, "--target-dir",
                                   cargo_target, "-q", "--json", capture=True))
    show(f"package callbacks: functions {', '.join(summary['functions'])}; Python imports "
         f"{', '.join(summary['imports'])}\n")

    show(f"\n$ PYTHONPATH={_rel(pkgs)} python\n")
    sys.path.insert(0, str(pkgs.resolve()))
    session([
        ("from counter import Counter, RustError", ""),
        ("c = Counter(10, 5)", "a Rust struct as a Python class"),
        ("c.tick(), c.tick(), c.history()", "u64 -> int, Vec<u64> -> array"),
        ("c.rewind(7)", "Result<u64, String>: Err raises"),
        ("import math, callbacks", ""),
        ("inst = callbacks.load(log=print, transform=math.sqrt, ask=lambda q: 'Ferris', reenter=lambda d: 0)", ""),
        ("inst.map([1.0, 4.0, 9.0])", "Rust calls Python's math.sqrt"),
        ("inst.greet_asked()", "a str from Python, through Rust, back"),
    ], {})

    raw = cargo_target / "wasm32-unknown-unknown" / "release" / "counter.wasm"
    named = out / "counter.names.wasm"
    # cargo's module with its names but without DWARF: what the optimized package's code came from
    wasmforge("strip", raw, "--debug-only", "-o", named)
    wasmforge("top", named, "-n", "6")
    report = out / "report.html"
    wasmforge("report", named, "-o", report)
    show(f"wrote {_rel(report)}: a treemap of the code by crate and module, searchable, no network needed\n")

    script = Path(sys.executable).parent / "wasmforge"
    wf = _rel(script) if script.is_file() else "wasmforge"
    tries = [
        (f"{wf} new hello && {wf} build hello", "your own crate as a Python package"),
        (f"{wf} top {_rel(named)} --retained -n 20", "what each function keeps alive"),
        (f"{wf} --help", "every command, by what it is for"),
    ]
    width = max(len(command) for command, _ in tries)
    show("\nnext, try:\n" + "".join(f"  {command:<{width}}   # {what}\n" for command, what in tries))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
