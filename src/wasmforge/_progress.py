"""Progress of long work, as data: layers say how far they are, a caller decides whether to show it.

A layer calls ``advance(task, done, total)`` (or ``step(task)`` for work without a count) in its
loops; with no reporter installed (the library's default) that is one context-variable lookup.
The CLI installs a reporter (``reporting``) that draws a progress bar on a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

#: ``reporter(task, done, total)``: ``total`` 0 means the amount of work is not known
Reporter = Callable[[str, int, int], None]

_reporter: ContextVar[Reporter | None] = ContextVar("wasmforge_progress", default=None)


def active() -> Reporter | None:
    """The installed reporter, or None (loops fetch it once, then call it every so often)."""
    return _reporter.get()


def advance(task: str, done: int, total: int) -> None:
    """Report that ``done`` of ``total`` units of ``task`` are finished."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter(task, done, total)


def step(task: str) -> None:
    """Report that ``task`` (one step of several, of unknown length) has started."""
    advance(task, 0, 0)


@contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    """Install ``reporter`` for the work done inside the ``with`` block."""
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


__all__ = ["Reporter", "active", "advance", "reporting", "step"]
