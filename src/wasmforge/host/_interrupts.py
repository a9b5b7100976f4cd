"""Ctrl-C while wasm runs: SIGINT interrupts the running call and raises KeyboardInterrupt."""

from __future__ import annotations

#: set when a SIGINT arrived at a moment no exception could be raised (the first line of
#: a host function entered from wasm); the host function or the epoch check raises it.
PENDING = [False]
