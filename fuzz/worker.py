"""The fuzzer's worker: runs every CLI command and the host on one input at a time, in a process
of its own (with a memory cap) so that a crash, a hang or a runaway allocation ends the worker,
not the fuzzer.

Protocol (one JSON object per line): the driver sends ``{"path": FILE}``; the worker answers
``{"running": COMMAND}`` before each target and ``{"done": [FAILURE, ...]}`` after the last,
where a failure is ``{"target", "signature", "detail"}``. Run: ``python -m fuzz.worker``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: seconds one target may take on one input (the driver's own limit on a whole input is larger)
TARGET_SECONDS = 20
#: the worker's address-space cap: a command that needs more on a small input has a defect
MEMORY_CAP = 3 * 1024**3


class Hang(BaseException):
    """A target ran past :data:`TARGET_SECONDS`."""


def _on_alarm(signum: int, frame: Any) -> None:
    raise Hang()


def commands(path: str, scratch: str) -> dict[str, list[str]]:
    """The CLI command lines run on every input: every inspect, profile, text and edit command."""
    out = os.path.join(scratch, "out")
    note = os.path.join(scratch, "note.txt")
    return {
        "headers": ["headers", path],
        "headers --json": ["headers", path, "--json"],
        "details": ["details", path, "--demangle", "--data-bytes", "16"],
        "section": ["section", path, "code", "-o", out],
        "symbols": ["symbols", path, "--demangle"],
        "strip": ["strip", path, "-o", out],
        "add-section": ["add-section", path, "note", "--from", note, "-o", out],
        "top": ["top", path, "-n", "10", "--retained", "--retaining-paths"],
        "dominators": ["dominators", path, "-d", "4", "-r", "40"],
        "paths": ["paths", path, "-d", "3", "-r", "3"],
        "monos": ["monos", path],
        "garbage": ["garbage", path, "--all"],
        "diff": ["diff", path, path],
        "crates": ["crates", path, "--format", "json"],
        "report": ["report", path, "-o", out + ".html"],
        "wat": ["wat", path],
        "wat --fold": ["wat", path, "--fold", "--generate-names"],
        "disasm": ["disasm", path],
        "decompile": ["decompile", path],
    }


def _signature(exc: BaseException) -> str:
    """Exception type and the innermost wasmforge frame: one defect, however many inputs reach it."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "wasmforge" in f.filename.replace(os.sep, "/")]
    where = ours[-1] if ours else (frames[-1] if frames else None)
    place = f"{Path(where.filename).name}:{where.lineno} ({where.name})" if where else "?"
    return f"{type(exc).__name__} at {place}"


def _run_cli(argv: list[str]) -> dict[str, str] | None:
    """Run one command line in-process; a failure when it raises, or exits other than the
    contract allows (0, 1, or 2 with an ``error:`` line)."""
    from wasmforge.cli.main import main

    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8"), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 2
    except Hang:
        return {"signature": f"hang in {argv[0]}", "detail": f"over {TARGET_SECONDS} s"}
    except MemoryError:
        return {"signature": f"MemoryError in {argv[0]}", "detail": f"over {MEMORY_CAP >> 20} MiB"}
    except Exception as e:  # the defect the fuzzer looks for
        return _failure(e)
    text = err.getvalue()
    if code not in (0, 1, 2):
        return {"signature": f"exit {code} from {argv[0]}", "detail": text[-2000:]}
    if code == 2 and not text.startswith("error: "):
        return {"signature": f"exit 2 without an error line from {argv[0]}", "detail": text[-2000:]}
    if code == 2 and len([line for line in text.splitlines() if line]) > 2:
        return {"signature": f"more than an error and a hint line from {argv[0]}", "detail": text[-2000:]}
    return None


def _failure(e: BaseException) -> dict[str, str]:
    return {"signature": _signature(e), "detail": "".join(traceback.format_exception(e))[-3000:]}


#: the argument passed for each parameter type (references get None, a null reference)
_ZERO: dict[str, Any] = {"i32": 0, "i64": 0, "f32": 0.0, "f64": 0.0, "v128": 0}


def _run_host(path: str) -> dict[str, str] | None:
    """Load on wasmtime under limits and call every exported function with zeros."""
    from wasmforge.errors import WasmforgeError
    from wasmforge.host import ExportedFunction, Limits, load

    try:
        with load(path, limits=Limits(max_memory=64 << 20, fuel=200_000, deadline=2.0)) as instance:
            for name in instance.exports:
                fn = instance.exports[name]
                if not isinstance(fn, ExportedFunction):
                    continue
                with contextlib.suppress(WasmforgeError):
                    fn(*[_ZERO.get(str(t), None) for t in fn.func.type(instance.store).params])
    except WasmforgeError:
        return None
    except Hang:
        return {"signature": "hang in host", "detail": f"over {TARGET_SECONDS} s"}
    except MemoryError:
        return {"signature": "MemoryError in host", "detail": f"over {MEMORY_CAP >> 20} MiB"}
    except Exception as e:
        return _failure(e)
    return None


def targets(path: str, scratch: str) -> dict[str, Callable[[], dict[str, str] | None]]:
    """Every target by name: the CLI commands (`run` on the first exported function), then the host API."""
    out: dict[str, Callable[[], dict[str, str] | None]] = {
        name: (lambda argv=argv: _run_cli(argv)) for name, argv in commands(path, scratch).items()
    }
    run = _run_command(path)
    if run is not None:
        out["run"] = lambda: _run_cli(run)
    out["host"] = lambda: _run_host(path)
    return out


def _run_command(path: str) -> list[str] | None:
    """``wasmforge run`` on the first exported function, with a zero for each parameter, under limits."""
    from wasmforge.binary import read_module
    from wasmforge.binary.types import ExternKind
    from wasmforge.errors import WasmforgeError

    try:
        with read_module(path) as module:
            for export in module.exports:
                if export.kind == ExternKind.FUNC:
                    params = len(module.function_type(export.index).params)
                    return ["run", "--fuel", "200000", "--max-memory", "64MiB", "--timeout", "2", path, "--",
                            export.name, *["0"] * params]
    except (WasmforgeError, IndexError, AttributeError, TypeError):
        return None  # not decodable, or no function type: the other targets see to it
    return None


def run_one(path: str, only: str | None = None, report: Callable[[str], None] = lambda name: None) -> list[dict[str, str]]:
    """Run every target (or ``only`` one) on ``path``; returns the failures."""
    failures = []
    with tempfile.TemporaryDirectory(prefix="wasmforge-fuzz-") as scratch:
        Path(scratch, "note.txt").write_bytes(b"fuzz\n")
        for name, target in targets(path, scratch).items():
            if only is not None and name != only:
                continue
            report(name)
            signal.alarm(TARGET_SECONDS)
            try:
                failure = target()
            finally:
                signal.alarm(0)
            if failure is not None:
                failures.append({"target": name, **failure})
    return failures


def main() -> int:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    signal.signal(signal.SIGALRM, _on_alarm)
    # the commands must not see a terminal: colour, pagers and refusals to print binary stay off
    os.environ["NO_COLOR"] = "1"
    reply = sys.__stdout__
    assert reply is not None

    def say(obj: Any) -> None:
        reply.write(json.dumps(obj) + "\n")
        reply.flush()

    for line in sys.stdin:
        job = json.loads(line)
        say({"done": run_one(job["path"], job.get("only"), lambda name: say({"running": name}))})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
