"""Helpers shared by the command modules: colour choice, module inputs (``-`` is stdin), output files."""

from __future__ import annotations

import argparse
import os
import sys

from wasmforge.errors import UsageError, WasmforgeError

# typing is not imported at run time: it costs start-up time, and annotations are strings (PEP 563)
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

#: the module argument that means standard input
STDIN = "-"
_stdin_taken = False


def use_color(choice: str, stream: TextIO = sys.stdout) -> bool:
    """Whether to colour output: ``always``/``never`` win; ``auto`` means a TTY and no NO_COLOR."""
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return stream.isatty()


def count(text: str) -> int:
    """An ``argparse`` type: a whole number of at least 0 (``-n -5`` is a usage error naming the option)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"a count cannot be negative: {value}")
    return value


def module_source(path: str) -> str | bytes:
    """What a command reads for a module argument: the path, or the bytes of stdin for ``-``.

    Raises for a missing path or a directory (exit 2), for ``-`` on a terminal, and for a second
    ``-`` in one command line (stdin holds one module).
    """
    global _stdin_taken
    if path == STDIN:
        if _stdin_taken:
            raise UsageError("'-' (stdin) can stand for one module only")
        if sys.stdin is None or sys.stdin.isatty():
            raise UsageError("'-' reads the module from stdin, which is a terminal",
                             hint="pipe a module in, e.g. 'wasmforge headers - < app.wasm'")
        _stdin_taken = True
        return sys.stdin.buffer.read()
    if not os.path.exists(path):
        raise WasmforgeError(f"{path}: no such file", hint="check the path")
    if os.path.isdir(path):
        raise WasmforgeError(f"{path}: is a directory, expected a .wasm file")
    return path


def reset_stdin() -> None:
    """Forget that stdin was read (each in-process run of ``main`` starts afresh)."""
    global _stdin_taken
    _stdin_taken = False


class TerminalProgress:
    """A reporter (see :mod:`wasmforge._progress`) that draws rich progress bars on stderr, once
    the work has taken a second (shorter work shows nothing); rich refreshes it from its own thread.

    Tasks starting with one of ``hide`` clear the display while they run: cargo draws its own
    progress bar on the same terminal."""

    DELAY = 1.0

    def __init__(self, hide: tuple[str, ...] = ()) -> None:
        import threading

        self._lock = threading.Lock()
        self._hide = hide
        self._progress: Any = None  # rich's Progress while the display is up
        self._due = False  # the delay is over: show the next task that is not hidden
        self._task: str | None = None
        self._state = (0, 0)  # done, total of the task at hand
        self._id: Any = None
        self._timer: threading.Timer | None = threading.Timer(self.DELAY, self._on_delay)
        self._timer.daemon = True
        self._timer.start()

    def _on_delay(self) -> None:
        with self._lock:
            if self._timer is None:  # closed meanwhile
                return
            self._due = True
            if self._task is not None and not self._hidden(self._task):
                self._start()

    def _hidden(self, task: str) -> bool:
        return bool(self._hide) and task.startswith(self._hide)

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                                  MofNCompleteColumn(), TimeElapsedColumn(),
                                  console=Console(file=sys.stderr), transient=True)
        self._progress.start()
        done, total = self._state
        self._id = self._progress.add_task(self._task or "", completed=done, total=total or None)

    def _stop(self) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def __call__(self, task: str, done: int, total: int) -> None:
        with self._lock:
            new = task != self._task
            self._task, self._state = task, (done, total)
            if self._hidden(task) or (total and done >= total):  # hidden, or finished
                self._stop()
            elif self._progress is None:
                if self._due:
                    self._start()
            elif new:
                self._progress.reset(self._id, completed=done, total=total or None, description=task)
            else:
                self._progress.update(self._id, completed=done, total=total or None)

    def close(self) -> None:
        """Stop the display (and the timer that would start it)."""
        with self._lock:
            timer, self._timer = self._timer, None
            if timer is not None:
                timer.cancel()
            self._stop()


def progress_reporter(quiet: bool, stream: TextIO | None = None, hide: tuple[str, ...] = ()) -> TerminalProgress | None:
    """A progress display for a command: only when stderr is a terminal, never with ``-q``."""
    stream = sys.stderr if stream is None else stream
    if quiet or not stream.isatty() or os.environ.get("TERM") == "dumb":
        return None
    return TerminalProgress(hide)
