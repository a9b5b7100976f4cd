"""Sinks: where printed text goes, with style hooks for colour.

The printers never ask whether they write to a terminal; the caller picks a sink. A sink's
``paint(style, text)`` returns ``text`` marked up for one of the styles (``keyword``, ``name``,
``literal``, ``comment``, ``type``); the printers paint fixed strings (mnemonics, names) once and
then write whole lines with ``write``, which keeps the hot loops free of per-token calls.
"""

from __future__ import annotations

import io
from typing import TextIO

#: the style names a sink knows.
STYLES = ("keyword", "name", "literal", "comment", "type")


class Sink:
    """Plain text: every style paints as the text itself. Writes to ``stream``."""

    #: whether ``paint`` changes text (printers skip painting work when it does not).
    colored = False

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        """Write text as it is."""
        self.stream.write(text)

    def paint(self, style: str, text: str) -> str:
        """``text`` marked up in ``style`` (unchanged for a plain sink)."""
        return text

    def keyword(self, text: str) -> None:
        """Write a keyword or mnemonic."""
        self.write(self.paint("keyword", text))

    def name(self, text: str) -> None:
        """Write a name or index."""
        self.write(self.paint("name", text))

    def literal(self, text: str) -> None:
        """Write a constant or string."""
        self.write(self.paint("literal", text))

    def comment(self, text: str) -> None:
        """Write a comment."""
        self.write(self.paint("comment", text))

    def type(self, text: str) -> None:
        """Write a type."""
        self.write(self.paint("type", text))


class PlainSink(Sink):
    """Plain text output (the default)."""


class AnsiSink(Sink):
    """Text with ANSI colour escapes per style."""

    colored = True
    CODES = {"keyword": "\x1b[35m", "name": "\x1b[36m", "literal": "\x1b[33m", "comment": "\x1b[2m",
             "type": "\x1b[32m"}
    RESET = "\x1b[0m"

    def paint(self, style: str, text: str) -> str:
        """``text`` wrapped in the style's colour escape."""
        code = self.CODES.get(style)
        return f"{code}{text}{self.RESET}" if code and text else text


class StringSink(PlainSink):
    """A plain sink that collects text in memory; ``getvalue()`` returns it (for small modules, tests)."""

    def __init__(self) -> None:
        super().__init__(io.StringIO())

    def getvalue(self) -> str:
        """Everything written so far."""
        return self.stream.getvalue()  # type: ignore[attr-defined,no-any-return]
