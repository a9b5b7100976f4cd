"""Speed and size of the generated bindings, measured in one run and printed as ratios.

    .venv/bin/python bench/bindgen.py [--calls N] [--repeat R]

Rows:
  * ``greet(str) -> str`` (examples/hello) through the generated glue, against the same call
    written by hand on ``wasmforge.host`` (lend the UTF-8 bytes, call, read and free the
    result). Targets: >= 200,000 calls/s, and within 1.5x of the hand-written call.
  * the cost of the instance lock every generated call holds (calls from several threads
    are serialized): an enter/exit of that lock, against one ``greet`` call. Target: <= 10%.
  * a 10 MiB ``bytes`` argument crossing into ``&[u8]`` (examples/pixels ``pixel_count``),
    against a plain 10 MiB memcpy in Python (``ctypes.memmove``). Target: >= 50% of memcpy.
  * one row per type family of the attribute macros (test crates ``wf_attrs``,
    ``wf_compound``, ``wf_variants``, ``wf_callbacks``, ``wf_containers``): the glue against
    the same call hand-written on ``wasmforge.host`` (encode, allocate, call, read, free and
    decode by hand; a Python callable lent through the object table with hand-written
    argument and result codecs). Target: <= 1.5x.
  * ``greet(&str) -> String`` of a ``#[wasm_bindgen]`` crate (tests/bindgen/crates/wbg_basic)
    through wasmforge's wasm-bindgen glue, against the support crate's ``greet`` above, and
    against node running wasm-bindgen's own JS glue when the ``wasm-bindgen`` CLI is installed.
  * the size ladder of ``wasmforge build --release``: ``add`` stripped, ``nth_prime`` (std,
    LTO + wasm-opt; the article: 2.0 KB) and ``nth_prime_nostd`` (the article: 168 B).
"""

from __future__ import annotations

import argparse
import array
import ctypes
import importlib
import struct
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpus import nothing_to_measure  # noqa: E402

TEST_CRATES = REPO / "tests" / "bindgen" / "crates"
U32 = struct.Struct("<I")
ARTICLE = {"nth_prime": 2000, "nth_prime_nostd": 168}


def best_rate(fn, n: int, repeat: int) -> float:
    """Calls per second of ``fn`` (called n times), best of ``repeat`` runs."""
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn(n)
        best = min(best, time.perf_counter() - t)
    return n / best


def paired_rates(glue, hand, n: int, repeat: int) -> tuple[float, float]:
    """Calls per second of ``glue()`` and ``hand()``, best of ``repeat`` runs each, the two timed
    in alternation so that a load change on a shared machine affects both alike."""
    best_glue = best_hand = float("inf")
    for _ in range(repeat):
        for fn, which in ((glue, 0), (hand, 1)):
            t = time.perf_counter()
            for _ in range(n):
                fn()
            took = time.perf_counter() - t
            if which:
                best_hand = min(best_hand, took)
            else:
                best_glue = min(best_glue, took)
    return n / best_glue, n / best_hand


_NODE_BENCH = """
const {{ greet }} = require({glue!r});
const n = {calls};
let best = Infinity;
for (let r = 0; r < {repeat}; r++) {{
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) greet("world");
  best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9);
}}
console.log(n / best);
"""


def _wasm_bindgen_rates(
    tmp: Path, target: Path, calls: int, repeat: int, peer: Callable[[str], str]
) -> tuple[float | None, float, float | None, str]:
    """greet calls/s through wasmforge's wasm-bindgen glue and through ``peer`` (the support crate's
    greet, measured in turn with it so that a load change hits both), and through node with
    wasm-bindgen's JS glue (None: not run)."""
    import json
    import shutil
    import subprocess

    from wasmforge.build import build
    from wasmforge.build.toolchain import find_all

    crate = REPO / "tests" / "bindgen" / "crates" / "wbg_basic"
    modern = [tc for tc in find_all() if tc.version_tuple >= (1, 71, 0)]
    if not modern:
        return None, 0.0, None, "wasm-bindgen needs rust >= 1.71 with wasm32 (make toolchains)"
    result = build(crate, out_dir=tmp, target_dir=target, toolchain=modern[0], quiet=True)
    wbg = importlib.import_module("wbg_basic")
    assert wbg.greet("world") == "Hello, world!"

    def run(n: int) -> None:
        for _ in range(n):
            wbg.greet("world")

    def run_peer(n: int) -> None:
        for _ in range(n):
            peer("world")

    ours = peer_rate = 0.0
    for _ in range(repeat):
        ours, peer_rate = max(ours, best_rate(run, calls, 1)), max(peer_rate, best_rate(run_peer, calls, 1))
    installed = Path.home() / ".cargo" / "bin" / "wasm-bindgen"  # where scripts/wasm-bindgen-cli.sh puts it
    cli = shutil.which("wasm-bindgen") or (str(installed) if installed.exists() else None)
    node = shutil.which("node")
    if cli is None or node is None:
        return ours, peer_rate, None, f"{'wasm-bindgen CLI' if cli is None else 'node'} not installed (scripts/wasm-bindgen-cli.sh)"
    out = tmp / "wbg-node"
    subprocess.run([cli, "--target", "nodejs", "--out-dir", str(out), str(result.raw_wasm)], check=True)
    script = out / "bench.js"
    script.write_text(_NODE_BENCH.format(glue=str(out / "wbg_basic.js"), calls=calls, repeat=repeat), encoding="utf-8")
    proc = subprocess.run([node, str(script)], check=True, capture_output=True, text=True)
    return ours, peer_rate, float(json.loads(proc.stdout.strip())), ""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()

    from wasmforge.build import build
    from wasmforge.build.toolchain import ToolchainNotFound, find

    try:
        toolchain = find()
    except ToolchainNotFound as err:
        nothing_to_measure(err.message, err.hint or "run 'wasmforge doctor'")
    tmp = Path(tempfile.mkdtemp(prefix="wasmforge-bench-"))
    target = REPO / "target" / "bench"
    results = {}
    for name in ("hello", "pixels", "add", "nth_prime", "nth_prime_nostd"):
        results[name] = build(EXAMPLES / name, out_dir=tmp, target_dir=target, toolchain=toolchain, quiet=True)
    for name in ("wf_attrs", "wf_compound", "wf_variants", "wf_callbacks", "wf_containers"):
        results[name] = build(TEST_CRATES / name, out_dir=tmp, target_dir=target, toolchain=toolchain, quiet=True)
    sys.path.insert(0, str(tmp))
    hello = importlib.import_module("hello")
    pixels = importlib.import_module("pixels")

    # --- greet through the glue vs by hand on the host layer --------------------------------
    inst = hello.load()
    greet = inst.greet

    def glue(n: int) -> None:
        for _ in range(n):
            greet("world")

    rt = inst._wf_rt
    call = rt.func("__wf_fn_greet", "(u64) -> u64")
    mem = rt.memory
    free = rt.free
    buf = rt.malloc(64, 1)

    def by_hand(n: int) -> None:
        for _ in range(n):
            data = str.encode("world")
            mem.write(buf, data)
            r = call(buf | len(data) << 32)
            p, k = r & 0xFFFFFFFF, r >> 32 & 0x7FFFFFFF
            mem.read(p, k).decode()
            if not r >> 63:  # small results sit in the module's return buffer
                free(p, k, 1)

    assert greet("world") == "Hello, world!"
    glue_rate = best_rate(glue, args.calls, args.repeat)
    hand_rate = best_rate(by_hand, args.calls, args.repeat)

    lock = rt.lock

    def lock_only(n: int) -> None:
        for _ in range(n):
            with lock:
                pass

    def empty(n: int) -> None:
        for _ in range(n):
            pass

    # The lock's own cost: the loop with it minus the empty loop, per call.
    lock_ns = (1 / best_rate(lock_only, args.calls, args.repeat) - 1 / best_rate(empty, args.calls, args.repeat)) * 1e9
    greet_ns = 1e9 / glue_rate

    # --- 10 MiB argument vs memcpy -----------------------------------------------------------
    size = 10 * 1024 * 1024
    payload = bytes(range(256)) * (size // 256)
    assert pixels.pixel_count(payload) == size // 4
    target_buf = ctypes.create_string_buffer(size)
    reps = max(args.repeat, 5)

    def cross(n: int) -> None:
        for _ in range(n):
            pixels.pixel_count(payload)

    def memcpy(n: int) -> None:
        for _ in range(n):
            ctypes.memmove(target_buf, payload, size)

    cross_bw = best_rate(cross, 10, reps) * size / 2**30
    copy_bw = best_rate(memcpy, 10, reps) * size / 2**30

    families = family_rows(args.calls // 4, args.repeat)

    print(f"{'row':<44} {'value':>14} {'peer':>14} {'ratio':>8}  target")
    print(f"{'greet(str)->str calls/s: glue vs by hand':<44} {glue_rate:>14,.0f} {hand_rate:>14,.0f} "
          f"{hand_rate / glue_rate:>7.2f}x  >= 200,000/s, <= 1.5x "
          f"[{'ok' if glue_rate >= 200_000 and hand_rate / glue_rate <= 1.5 else 'MISSED'}]")
    print(f"{'instance lock ns per call vs greet ns':<44} {lock_ns:>14.0f} {greet_ns:>14.0f} "
          f"{lock_ns / greet_ns:>7.0%}   <= 10% [{'ok' if lock_ns / greet_ns <= 0.10 else 'MISSED'}]")
    print(f"{'10 MiB bytes -> &[u8] GiB/s vs memcpy':<44} {cross_bw:>14.2f} {copy_bw:>14.2f} "
          f"{cross_bw / copy_bw:>7.0%}   >= 50% [{'ok' if cross_bw / copy_bw >= 0.5 else 'MISSED'}]")
    for label, glue_r, hand_r in families:
        print(f"{label:<44} {glue_r:>14,.0f} {hand_r:>14,.0f} {hand_r / glue_r:>7.2f}x  <= 1.5x "
              f"[{'ok' if hand_r / glue_r <= 1.5 else 'MISSED'}]")
    wbg_rate, peer_rate, node_rate, why = _wasm_bindgen_rates(tmp, target, args.calls, args.repeat, hello.greet)
    if wbg_rate is None:
        print(f"{'wasm-bindgen greet calls/s':<44} skipped: {why}")
    else:
        print(f"{'wasm-bindgen greet calls/s vs support crate':<44} {wbg_rate:>14,.0f} {peer_rate:>14,.0f} "
              f"{peer_rate / wbg_rate:>7.2f}x")
        if node_rate is None:
            print(f"{'wasm-bindgen greet calls/s vs node + JS glue':<44} skipped: {why}")
        else:
            print(f"{'wasm-bindgen greet calls/s vs node + JS glue':<44} {wbg_rate:>14,.0f} {node_rate:>14,.0f} "
                  f"{node_rate / wbg_rate:>7.2f}x")
    print()
    print(f"{'size ladder (bytes)':<20} {'raw':>10} {'stripped':>10} {'optimized':>10} {'article':>8}")
    for name in ("add", "nth_prime", "nth_prime_nostd"):
        sizes = {s.step: s.size for s in results[name].sizes}
        print(f"{name:<20} {sizes['raw']:>10,} {sizes['stripped']:>10,} {sizes.get('optimized', 0):>10,} "
              f"{ARTICLE.get(name, '-'):>8}")
    inst.close()
    return 0


def read_strings(data: bytes) -> list[str]:
    """A list of strings as the support crate encodes it (u32 count, then u32 length + UTF-8
    each), decoded by hand."""
    at, res = 4, []
    for _ in range(U32.unpack_from(data)[0]):
        k = U32.unpack_from(data, at)[0]
        res.append(data[at + 4:at + 4 + k].decode())
        at += 4 + k
    return res


def family_rows(n: int, repeat: int) -> list[tuple[str, float, float]]:
    """(row, glue calls/s, hand-written calls/s) for each type family."""
    attrs_mod = importlib.import_module("wf_attrs")
    attrs = attrs_mod.load()
    compound = importlib.import_module("wf_compound").load(py_split=str.split, py_sum=len, py_big=abs, py_roundtrip=id)
    variants = importlib.import_module("wf_variants")
    vinst = variants.load()
    rows, done = [], []

    def rate(fn):
        # Deferred: measure() times each row's glue and hand-written calls in alternation.
        return fn

    def measure(pending):
        return [(label, *paired_rates(glue, hand, n, repeat)) for label, glue, hand in pending]

    def hand_parts(inst):
        rt = inst._wf_rt
        return rt, rt.memory, rt.malloc, rt.free

    def take(mem, free, r):
        p, k = r & 0xFFFFFFFF, r >> 32 & 0x7FFFFFFF
        data = mem.read(p, k)
        if k and not r >> 63:
            free(p, k, 1)
        return data

    def give(mem, malloc, data):
        p = malloc(len(data), 1)
        mem.write(p, data)
        return p | len(data) << 32

    # pub field as a property
    point = attrs.Point(1.0, 2.0)
    rt, mem, malloc, free = hand_parts(attrs)
    get_x = rt.func("__wf_get_Point_x", "(u32) -> f64")
    h = point._wf_h
    rows.append(("property Point.x calls/s: glue vs by hand", rate(lambda: point.x), rate(lambda: get_x(h))))

    # C-like enum both ways
    color = attrs_mod.Color
    nxt = rt.func("__wf_fn_next_color", "(i32) -> i32")
    rows.append(("IntEnum next_color calls/s: glue vs by hand",
                 rate(lambda: attrs.next_color(color.Red)), rate(lambda: color(nxt(color.Red.value)))))

    # tuple, Vec<String>, u128, maps, Vec<class>
    done += measure(rows)  # before the names the rows' calls use are rebound
    rows = []
    rt, mem, malloc, free = hand_parts(compound)
    swap = rt.func("__wf_fn_swap", "(u64) -> u64")

    def swap_by_hand():
        d = b"a"
        data = take(mem, free, swap(give(mem, malloc, struct.pack("<iI", 3, len(d)) + d)))
        k = U32.unpack_from(data)[0]
        return data[4:4 + k].decode(), struct.unpack_from("<i", data, 4 + k)[0]

    rows.append(("tuple (i32,String) swap calls/s: glue vs hand", rate(lambda: compound.swap((3, "a"))), rate(swap_by_hand)))
    upper = rt.func("__wf_fn_upper_all", "(u64) -> u64")
    words = ["alpha", "beta", "gamma", "delta"]

    def upper_by_hand():
        out = bytearray(U32.pack(len(words)))
        for w in words:
            d = w.encode()
            out += U32.pack(len(d))
            out += d
        data = take(mem, free, upper(give(mem, malloc, bytes(out))))
        return read_strings(data)

    rows.append(("Vec<String> upper_all calls/s: glue vs hand", rate(lambda: compound.upper_all(words)), rate(upper_by_hand)))
    echo = rt.func("__wf_fn_echo_u128", "(u64) -> u64")
    big = 2**100 + 7
    rows.append(("u128 echo calls/s: glue vs hand", rate(lambda: compound.echo_u128(big)),
                 rate(lambda: int.from_bytes(take(mem, free, echo(give(mem, malloc, big.to_bytes(16, "little")))), "little"))))
    counts = rt.func("__wf_fn_counts", "(u64) -> u64")
    keys = ["a", "b", "a"]
    packed_keys = U32.pack(3) + b"".join(U32.pack(1) + k.encode() for k in keys)

    def counts_by_hand():
        data = take(mem, free, counts(give(mem, malloc, packed_keys)))
        at, res = 4, {}
        for _ in range(U32.unpack_from(data)[0]):
            k = U32.unpack_from(data, at)[0]
            res[data[at + 4:at + 4 + k].decode()] = U32.unpack_from(data, at + 4 + k)[0]
            at += 8 + k
        return res

    rows.append(("HashMap counts calls/s: glue vs hand", rate(lambda: compound.counts(keys)), rate(counts_by_hand)))
    make = rt.func("__wf_fn_make_items", "(u32) -> u64")
    drop = rt.func("__wf_drop_Item", "(u32) -> ()")

    def items_by_hand():
        data = take(mem, free, make(3))
        for i in range(U32.unpack_from(data)[0]):
            drop(U32.unpack_from(data, 4 + 4 * i)[0])

    rows.append(("Vec<Item> make_items(3) calls/s: glue vs hand", rate(lambda: compound.make_items(3)), rate(items_by_hand)))

    # enum with data by value
    done += measure(rows)  # before the names the rows' calls use are rebound
    rows = []
    rt, mem, malloc, free = hand_parts(vinst)
    area = rt.func("__wf_fn_area", "(u64) -> f64")
    circle = variants.Shape.Circle(2.0)
    rows.append(("data enum area(Circle) calls/s: glue vs hand", rate(lambda: vinst.area(circle)),
                 rate(lambda: area(give(mem, malloc, struct.pack("<Id", 0, circle.r))))))
    rows = done + measure(rows)
    rows += measure(callable_rows(rate, hand_parts, take))
    rows += measure(boxed_rows(rate, hand_parts, take, give))
    for inst in (attrs, compound, vinst):
        inst.close()
    return rows


def callable_rows(rate, hand_parts, take) -> list[tuple[str, float, float]]:
    """Python callables called from Rust: one ``i32`` argument, and borrowed ``&str`` ones."""
    inst = importlib.import_module("wf_callbacks").load()
    rt, mem, malloc, free = hand_parts(inst)
    I32 = struct.Struct("<i")
    apply = rt.func("__wf_fn_apply", "(i32, i32) -> i32")
    triple = lambda x: x * 3  # noqa: E731
    # What the glue puts in the object table, with hand-written codecs of (i32,) and i32.
    entry = (triple, lambda b: I32.unpack(b), lambda v, where, taken: I32.pack(v), "f")

    def apply_by_hand():
        oid = rt.put_object(entry)
        r = apply(oid, 5)
        rt.drop_object(oid)
        return r

    rows = [("&dyn Fn(i32)->i32 apply calls/s: glue vs hand", rate(lambda: inst.apply(triple, 5)), rate(apply_by_hand))]
    lengths = rt.func("__wf_fn_lengths", "(u64, u32) -> u64")
    words = ["alpha", "beta", "gamma", "delta"]
    packed = U32.pack(len(words)) + b"".join(U32.pack(len(w)) + w.encode() for w in words)
    scratch = malloc(len(packed), 1)
    mem.write(scratch, packed)
    U64 = struct.Struct("<Q")

    def dec_str(b):
        return (b[4:].decode(),)

    entry_len = (len, dec_str, lambda v, where, taken: U64.pack(v), "f")

    def lengths_by_hand():
        oid = rt.put_object(entry_len)
        r = lengths(scratch | len(packed) << 32 | 1 << 63, oid)  # lent for the call
        rt.drop_object(oid)
        data = take(mem, free, r)
        return array.array("I", data)

    rows.append(("&dyn Fn(&str)->usize x4 calls/s: glue vs hand", rate(lambda: inst.lengths(words, len)), rate(lengths_by_hand)))
    return rows


def boxed_rows(rate, hand_parts, take, give) -> list[tuple[str, float, float]]:
    """``Box<[T]>`` both ways: flat numbers, and strings (encoded)."""
    inst = importlib.import_module("wf_containers").load()
    rt, mem, malloc, free = hand_parts(inst)
    sort = rt.func("__wf_fn_sorted_box", "(u64) -> u64")
    xs = array.array("i", [5, -1, 3, 2, 9, 0, 7, 4])
    raw = xs.tobytes()

    def sort_by_hand():
        p = malloc(len(raw), 4)
        mem.write(p, raw)
        r = sort(p | len(xs) << 32)
        q, k = r & 0xFFFFFFFF, (r >> 32 & 0x7FFFFFFF) * 4
        out = array.array("i")
        out.frombytes(mem.read(q, k))
        if k and not r >> 63:
            free(q, k, 4)
        return out

    rows = [("Box<[i32]> sorted_box(8) calls/s: glue vs hand", rate(lambda: inst.sorted_box(xs)), rate(sort_by_hand))]
    words = rt.func("__wf_fn_box_words", "(u64) -> u64")
    text = "a bb ccc dddd"
    scratch = malloc(64, 1)

    def words_by_hand():
        d = text.encode()
        mem.write(scratch, d)
        data = take(mem, free, words(scratch | len(d) << 32))
        return read_strings(data)

    assert inst.box_words(text) == words_by_hand()
    rows.append(("Box<[String]> box_words calls/s: glue vs hand", rate(lambda: inst.box_words(text)), rate(words_by_hand)))
    return rows


if __name__ == "__main__":
    raise SystemExit(main())
