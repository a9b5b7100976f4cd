"""Ctrl-C while wasm runs: SIGINT stops the call promptly and raises KeyboardInterrupt."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from wasmtime import wat2wasm

from wasmforge.host import _raw

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
# wasm code that never calls out is interrupted by the fast path's epoch callback; wasmtime's
# public API has none (WASMFORGE_HOST_FASTPATH=0): there only calls into imports notice Ctrl-C.
needs_epoch_callback = pytest.mark.skipif(not _raw.FAST, reason="the public-API fallback has no epoch callback")

LOOPS = """
(module
  (import "py" "f" (func $f (param i32) (result i32)))
  (func (export "forever") (loop $l br $l))
  (func (export "calling_forever") (local $i i32)
    (loop $l
      (local.set $i (call $f (local.get $i)))
      (br_if $l (i32.ne (local.get $i) (i32.const -7)))))
)
"""

# Sends SIGINT to itself from a thread while the main thread runs wasm, and reports how long
# the KeyboardInterrupt took to arrive (or what else happened).
SCRIPT = """
import os, signal, threading, time
from wasmforge.host import load

seen = []
def f(i):
    seen.append(i)
    return i + 1   # a wrong value would come back as something else (-7 ends the loop)

inst = load(bytes.fromhex({wasm!r}), {{"py": {{"f": f}}}}, {limits})
sent = []
def interrupt():
    time.sleep(0.3)
    sent.append(time.monotonic())
    os.kill(os.getpid(), signal.SIGINT)
threading.Thread(target=interrupt, daemon=True).start()
try:
    getattr(inst.exports, {export!r})()
    print("returned")
except KeyboardInterrupt:
    print("KeyboardInterrupt", time.monotonic() - sent[0], inst.poisoned)
    if seen:
        assert seen == list(range(len(seen))), "an import returned a made-up value"
"""


def _interrupt(export: str, limits: str = "") -> tuple[str, float, str]:
    wasm = wat2wasm(LOOPS).hex()
    code = textwrap.dedent(SCRIPT).format(wasm=wasm, export=export, limits=limits)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Exception ignored" not in proc.stderr, proc.stderr
    word, seconds, poisoned = proc.stdout.split()
    return word, float(seconds), poisoned


@pytest.mark.parametrize("export", [pytest.param("forever", marks=needs_epoch_callback), "calling_forever"])
@pytest.mark.parametrize("limits", ["", "limits=__import__('wasmforge.host').host.Limits(fuel=10**12, deadline=60)"])
def test_sigint_interrupts_running_wasm_with_keyboard_interrupt(export: str, limits: str):
    word, seconds, poisoned = _interrupt(export, limits)
    assert word == "KeyboardInterrupt" and poisoned == "True"
    # Within about one epoch tick; the bound is loose so a loaded machine cannot break it.
    assert seconds < 2.0


@needs_epoch_callback
def test_ctrl_c_stops_wasmforge_run_with_exit_status_130(tmp_path: Path):
    module = tmp_path / "loop.wasm"
    module.write_bytes(wat2wasm('(module (func (export "spin") (loop $l br $l)))'))
    for extra in ([], ["--timeout", "60", "--fuel", "1000000000000"]):
        proc = subprocess.Popen(
            [sys.executable, "-m", "wasmforge.cli.main", "run", str(module), "spin", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        time.sleep(1.5)  # start-up, then the loop
        assert proc.poll() is None
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        try:
            _, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        assert time.monotonic() - sent < 5.0
