"""Ctrl-C and deadlines while wasm runs: the epoch callback of each store.

Every engine checks epochs, and a thread advances them every ``EPOCH_TICK``; each store
has a callback that wasmtime calls from the running wasm code at the first check after a
tick. Running Python there lets the main thread take a pending SIGINT (KeyboardInterrupt)
and lets a per-call deadline stop the code. Otherwise the callback lets wasm go on to the
next tick, so code that runs no longer than a tick never sees it.

A SIGINT can arrive while Python is entering one of these callbacks or a host function
from C, where an exception could not reach anyone (ctypes only prints it). SIGINT's
handler (installed on first load, in place of Python's default one) notes it in
:data:`PENDING` there instead, and the callback or host function raises it at once.
"""

from __future__ import annotations

import ctypes
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

#: a SIGINT that arrived while entering a callback from C, for that callback to raise.
PENDING = [False]

#: (context, env, *delta, *update_kind) -> wasmtime_error_t*
EPOCH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint64), ctypes.POINTER(ctypes.c_uint8)
)
_CONTINUE = 0

_install_lock = threading.Lock()
_installed = [False]


def _is_wasmtime_trampoline(frame: Any) -> bool:
    code = frame.f_code
    return code.co_name == "trampoline" and code.co_filename.endswith("_func.py") and "wasmtime" in code.co_filename


def _entered_from_c(frame: Any) -> bool:
    # The frames that wasm enters through ctypes: a host function, an epoch callback, or
    # wasmtime-py's own trampoline (host functions on the public API), which also calls
    # Python outside its try (making its Caller, and in its finally), hence its callees too.
    if frame is None:
        return False
    code = frame.f_code
    if code.co_filename.startswith("<host function") or code is _epoch_code:
        return True
    for _ in range(4):  # the trampoline's own helpers are at most a few frames deep
        if frame is None or frame.f_code.co_name == "public_host":  # our function raises safely
            return False
        if _is_wasmtime_trampoline(frame) or frame.f_code.co_name == "__del__":  # a finalizer swallows it
            return True
        frame = frame.f_back
    return False


def _on_sigint(signum: int, frame: Any) -> None:
    if _entered_from_c(frame):
        PENDING[0] = True
        return
    raise KeyboardInterrupt


def install_sigint_handler() -> None:
    """Make SIGINT safe to receive while wasm runs (from the main thread, once).

    Only replaces Python's default handler: a handler the program installed stays.
    """
    if _installed[0] or threading.current_thread() is not threading.main_thread():
        return
    with _install_lock:
        if _installed[0]:
            return
        _installed[0] = True
        try:
            if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
                signal.signal(signal.SIGINT, _on_sigint)
        except (ValueError, OSError):  # not the main thread of the main interpreter
            pass


def make_epoch_callback(state: Any, new_error: Callable[[], int]) -> Any:
    """The epoch callback of one store whose call state is ``state``.

    ``state.deadline_at`` (a ``time.monotonic()`` value or None) is the running call's
    deadline; past it the callback stops the code and sets ``state.timed_out``. An
    exception (KeyboardInterrupt) goes to ``state.pending``. Either way the callback
    returns an error (made beforehand: ``state.spare_errors``), which aborts the wasm code.
    """
    clock = time.monotonic

    def on_epoch(context: int, env: int, delta: Any, kind: Any) -> int:
        # Nothing outside the try may raise (see the module's docstring), and the except
        # clause calls no Python function.
        try:
            if PENDING[0]:
                PENDING[0] = False
                raise KeyboardInterrupt
            deadline = state.deadline_at
            if deadline is not None and clock() >= deadline:
                state.timed_out = True
                return _stop(state, new_error)
            delta[0] = 1
            kind[0] = _CONTINUE
            return 0
        except BaseException as exc:
            state.pending = exc
            errors = state.spare_errors
            if errors:
                return errors.pop()  # type: ignore[no-any-return]
            return new_error()

    return EPOCH_CALLBACK(on_epoch)


def _stop(state: Any, new_error: Callable[[], int]) -> int:
    errors = state.spare_errors
    return errors.pop() if errors else new_error()


def _epoch_code_of() -> Any:
    # The code object of on_epoch, for _entered_from_c.
    consts = make_epoch_callback.__code__.co_consts
    return next(c for c in consts if getattr(c, "co_name", None) == "on_epoch")


_epoch_code = _epoch_code_of()
